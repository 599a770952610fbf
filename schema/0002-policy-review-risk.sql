-- srr register schema, level 2: the policy, certificates, reviews,
-- incidents, risks and treatment actions.

-- Certificates named by the policy (trust anchors, approvers), by the
-- SHA-256 of their DER.
CREATE TABLE certificate (
	sha256 TEXT PRIMARY KEY,
	der BLOB NOT NULL,
	subject TEXT NOT NULL,
	spki_sha256 TEXT NOT NULL
) STRICT;

-- Every policy ever set; the highest version is in force. record is its
-- srr-record/1 bytes, source the YAML it came from.
CREATE TABLE policy (
	version INTEGER PRIMARY KEY,
	record BLOB NOT NULL,
	source TEXT NOT NULL,
	created TEXT NOT NULL,
	actor TEXT NOT NULL
) STRICT;

CREATE TABLE review (
	id INTEGER PRIMARY KEY,
	supplier_id INTEGER NOT NULL REFERENCES supplier (id),
	date TEXT NOT NULL,
	outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'conditional', 'fail')),
	findings TEXT,
	reviewer TEXT NOT NULL,
	created TEXT NOT NULL
) STRICT;
CREATE INDEX review_supplier ON review (supplier_id, date);

-- Evidence is referenced, not copied: where it was, its hash and size.
CREATE TABLE review_evidence (
	review_id INTEGER NOT NULL REFERENCES review (id),
	pos INTEGER NOT NULL,
	path TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	size INTEGER NOT NULL CHECK (size >= 0),
	PRIMARY KEY (review_id, pos)
) STRICT;

CREATE TABLE incident (
	id INTEGER PRIMARY KEY,
	supplier_id INTEGER NOT NULL REFERENCES supplier (id),
	identified TEXT NOT NULL,
	notified TEXT,
	severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
	summary TEXT NOT NULL,
	created TEXT NOT NULL,
	CHECK (notified IS NULL OR notified >= identified)
) STRICT;
CREATE INDEX incident_supplier ON incident (supplier_id, identified);

-- Levels are not stored: they are derived from the policy in force.
CREATE TABLE risk (
	id INTEGER PRIMARY KEY,
	supplier_id INTEGER NOT NULL REFERENCES supplier (id),
	title TEXT NOT NULL,
	description TEXT,
	owner TEXT,
	likelihood INTEGER NOT NULL CHECK (likelihood >= 1),
	impact INTEGER NOT NULL CHECK (impact >= 1),
	review_date TEXT,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
	treatment TEXT CHECK (treatment IN ('mitigate', 'accept', 'transfer', 'avoid')),
	residual_likelihood INTEGER CHECK (residual_likelihood >= 1),
	residual_impact INTEGER CHECK (residual_impact >= 1),
	justification TEXT,
	accept_until TEXT,
	created TEXT NOT NULL,
	updated TEXT NOT NULL
) STRICT;
CREATE INDEX risk_supplier ON risk (supplier_id);

CREATE TABLE risk_action (
	risk_id INTEGER NOT NULL REFERENCES risk (id),
	pos INTEGER NOT NULL,
	text TEXT NOT NULL,
	owner TEXT,
	due TEXT,
	done TEXT,
	PRIMARY KEY (risk_id, pos)
) STRICT;
