-- srr register schema, level 4: the event log as a Merkle tree, and the
-- signed checkpoints that make it tamper-evident.

-- The right frontier of the log's hash tree (RFC 9162 2.1.1) after its
-- last event: the roots of the perfect subtrees that make up the tree,
-- so an append costs O(log n) hashes. A cache of what the leaves give
-- (log.c rebuilds it from them when its size is not the log's, as after
-- this migration); verify never trusts it.
CREATE TABLE log_state (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	size INTEGER NOT NULL CHECK (size >= 0),
	frontier BLOB NOT NULL
) STRICT;

-- A signed checkpoint: body is the C2SP tlog-checkpoint text (origin =
-- the register id, tree size, base64 root, and one extension line: the
-- clock's NTP state; docs/formats/log.md), p7s the
-- detached CMS over exactly those bytes, cert the signer's certificate.
-- size repeats the body's, for lookups; verify compares them.
CREATE TABLE checkpoint (
	id INTEGER PRIMARY KEY,
	size INTEGER NOT NULL CHECK (size >= 1),
	body BLOB NOT NULL,
	p7s BLOB NOT NULL,
	cert TEXT NOT NULL REFERENCES certificate (sha256),
	signed TEXT NOT NULL,		-- the CMS signing time, RFC 3339 UTC
	actor TEXT NOT NULL
) STRICT;
CREATE INDEX checkpoint_size ON checkpoint (size, id);

CREATE TRIGGER checkpoint_append_only_update BEFORE UPDATE ON checkpoint
BEGIN
	SELECT RAISE(ABORT, 'srr checkpoints are append-only');
END;

CREATE TRIGGER checkpoint_append_only_delete BEFORE DELETE ON checkpoint
BEGIN
	SELECT RAISE(ABORT, 'srr checkpoints are append-only');
END;
