-- srr register schema, level 1.
-- Applied inside one transaction by register.c; PRAGMA user_version is set
-- by the migration runner, never here.

-- Facts about the register itself: its random id (the origin of its log).
CREATE TABLE meta (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

CREATE TABLE supplier (
	id INTEGER PRIMARY KEY,
	key TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	tier TEXT NOT NULL CHECK (tier IN ('critical', 'high', 'medium', 'low')),
	country TEXT,
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
	created TEXT NOT NULL,
	updated TEXT NOT NULL
) STRICT;

CREATE TABLE supplier_service (
	supplier_id INTEGER NOT NULL REFERENCES supplier (id),
	pos INTEGER NOT NULL,
	name TEXT NOT NULL,
	PRIMARY KEY (supplier_id, pos),
	UNIQUE (supplier_id, name)
) STRICT;

CREATE TABLE supplier_contact (
	supplier_id INTEGER NOT NULL REFERENCES supplier (id),
	pos INTEGER NOT NULL,
	name TEXT NOT NULL,
	email TEXT,
	role TEXT,
	PRIMARY KEY (supplier_id, pos)
) STRICT;

-- Fourth parties: supplier_id relies on sub_id. No cycles (checked by the
-- library before insert, since SQL cannot express it as a constraint).
CREATE TABLE subcontractor (
	supplier_id INTEGER NOT NULL REFERENCES supplier (id),
	sub_id INTEGER NOT NULL REFERENCES supplier (id),
	PRIMARY KEY (supplier_id, sub_id),
	CHECK (supplier_id <> sub_id)
) STRICT;
CREATE INDEX subcontractor_sub ON subcontractor (sub_id);

CREATE TABLE contract (
	id INTEGER PRIMARY KEY,
	supplier_id INTEGER NOT NULL REFERENCES supplier (id),
	ref TEXT NOT NULL,
	start TEXT NOT NULL,
	end TEXT NOT NULL,
	notice_days INTEGER CHECK (notice_days >= 0),
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'terminated')),
	terminated TEXT,
	-- The clause checklist as a bit set (enum srr_clause in srr/contract.h).
	clauses INTEGER NOT NULL DEFAULT 0 CHECK (clauses BETWEEN 0 AND 255),
	created TEXT NOT NULL,
	updated TEXT NOT NULL,
	UNIQUE (supplier_id, ref),
	CHECK (end >= start)
) STRICT;

CREATE TABLE sla (
	id INTEGER PRIMARY KEY,
	contract_id INTEGER NOT NULL REFERENCES contract (id),
	metric TEXT NOT NULL,
	target TEXT NOT NULL,
	comparator TEXT NOT NULL CHECK (comparator IN ('ge', 'le')),
	unit TEXT,
	period TEXT NOT NULL CHECK (period IN ('month', 'quarter')),
	created TEXT NOT NULL,
	UNIQUE (contract_id, metric)
) STRICT;

CREATE TABLE sla_measurement (
	sla_id INTEGER NOT NULL REFERENCES sla (id),
	period TEXT NOT NULL,
	value TEXT NOT NULL,
	breach INTEGER NOT NULL CHECK (breach IN (0, 1)),
	recorded TEXT NOT NULL,
	PRIMARY KEY (sla_id, period)
) STRICT;

-- The audit log. seq has no gaps; record is the srr-record/1 bytes of the
-- entity's new state, leaf the srr-record/1 bytes of the event (what the
-- Merkle tree hashes).
CREATE TABLE event (
	seq INTEGER PRIMARY KEY,
	time TEXT NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	entity TEXT NOT NULL,
	record BLOB NOT NULL,
	leaf BLOB NOT NULL
) STRICT;
CREATE INDEX event_entity ON event (entity, seq);

CREATE TRIGGER event_append_only_update BEFORE UPDATE ON event
BEGIN
	SELECT RAISE(ABORT, 'the srr event log is append-only');
END;

CREATE TRIGGER event_append_only_delete BEFORE DELETE ON event
BEGIN
	SELECT RAISE(ABORT, 'the srr event log is append-only');
END;

CREATE TRIGGER event_append_in_order BEFORE INSERT ON event
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM event)
BEGIN
	SELECT RAISE(ABORT, 'srr events must be appended in sequence');
END;
