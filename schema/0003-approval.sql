-- srr register schema, level 3: approval requests and their signatures.

-- An approval request freezes the canonical srr-record/1 bytes of what is
-- to be approved (record); signatures are over exactly these bytes. The
-- request is stale when the target's bytes today differ (derived when
-- read, never stored).
CREATE TABLE approval (
	id INTEGER PRIMARY KEY,
	subject TEXT NOT NULL CHECK (subject IN ('risk', 'treatment', 'review', 'policy')),
	target TEXT NOT NULL,		-- the entity: risk/3, review/7, policy/2
	record BLOB NOT NULL,
	record_sha256 TEXT NOT NULL,
	requester TEXT NOT NULL,	-- the --actor who asked
	requested TEXT NOT NULL,
	-- A refusal ends the request; rejection is the signed refusal record.
	rejected_by TEXT,
	rejected TEXT,
	reason TEXT,
	rejection BLOB,
	rejection_p7s BLOB,
	rejection_cert TEXT REFERENCES certificate (sha256),
	CHECK ((rejected IS NULL) = (rejected_by IS NULL))
) STRICT;
CREATE INDEX approval_target ON approval (target, id);

-- One signature per certificate per request. p7s is the detached CMS
-- SignedData (DER) over approval.record; cert the signer's certificate.
CREATE TABLE signature (
	approval_id INTEGER NOT NULL REFERENCES approval (id),
	cert TEXT NOT NULL REFERENCES certificate (sha256),
	p7s BLOB NOT NULL,
	signed TEXT NOT NULL,		-- the CMS signing time, RFC 3339 UTC
	actor TEXT NOT NULL,
	PRIMARY KEY (approval_id, cert)
) STRICT;
