-- srr register schema, level 5: certificate revocation lists.

-- CRLs named by the policy (crls:), by the SHA-256 of their DER, as the
-- certificates are: the policy record lists the hashes, so a row changed
-- here no longer matches and is refused when it is read.
CREATE TABLE crl (
	sha256 TEXT PRIMARY KEY,
	der BLOB NOT NULL,
	issuer TEXT NOT NULL
) STRICT;
