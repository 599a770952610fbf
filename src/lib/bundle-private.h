/* SPDX-License-Identifier: MIT */
#ifndef SRR_BUNDLE_PRIVATE_H
#define SRR_BUNDLE_PRIVATE_H

/* Reading an auditor bundle (docs/formats/bundle.md) safely: a directory
 * walk that never follows a symbolic link, the MANIFEST held against what
 * is really there, bounded reads of small files and streamed reads of the
 * log. What is wrong is reported as a finding; only a bundle that cannot
 * be read at all is an error. */

#include <gnutls/crypto.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cert-private.h"
#include "crl-private.h"
#include "checkpoint-private.h"
#include "merkle-private.h"
#include "register-private.h"
#include "srr/bundle.h"
#include "srr/policy.h"
#include "srr/record.h"

/* Any file but the MANIFEST and log/: a record is at most 16 MiB
 * (record.c), certificates and signatures are a few KiB. */
#define BUNDLE_FILE_MAX (16u << 20)
/* About 600,000 files at 100 bytes a line. */
#define BUNDLE_MANIFEST_MAX (64u << 20)

/* What a file is, by its name. */
enum bkind {
	BK_OTHER = 0, /* not part of the format */
	BK_MANIFEST,
	BK_BUNDLE,	  /* bundle.rec */
	BK_POLICY,	  /* policy.rec */
	BK_CP_BODY,	  /* checkpoints/C-<id>.cp */
	BK_CP_SIG,	  /* checkpoints/C-<id>.p7s */
	BK_CERT,	  /* certs/<sha256>.der */
	BK_CRL,		  /* crls/<sha256>.crl */
	BK_LEAF,	  /* events/<seq>.leaf */
	BK_EVENT_REC,	  /* events/<seq>.rec */
	BK_PROOF,	  /* proofs/<seq>.proof */
	BK_APPROVAL_REC,  /* approvals/A-<id>.rec */
	BK_APPROVAL_OWN,  /* approvals/A-<id>.approval.rec */
	BK_APPROVAL_SIG,  /* approvals/A-<id>-<k>.p7s */
	BK_REJECTION_REC, /* approvals/A-<id>-rejection.rec */
	BK_REJECTION_SIG, /* approvals/A-<id>-rejection.p7s */
	BK_LOG_LEAVES,	  /* log/leaves */
	BK_LOG_RECORDS,	  /* log/records */
};

/* A regular file the walk found. */
struct bfile {
	char *path; /* relative, '/'-separated */
	enum bkind kind;
	int64_t id;	   /* the checkpoint, event or approval its name gives */
	int64_t k;	   /* a signature's number */
	char manifest[65]; /* its SHA-256 in the MANIFEST; "" when unlisted */
	bool hashed;	   /* held against the MANIFEST already */
};

/* Where a finding points; zero for what does not apply. */
struct bwhere {
	int64_t approval;
	size_t signature;
	const char *signer;
	int64_t event;
	int64_t checkpoint;
};

struct bundle {
	struct srr_register *ctx; /* only for error messages */
	int dirfd;
	srr_finding_fn fn;
	void *userdata;
	struct srr_bundle_result *res;
	struct bfile *files; /* sorted by path */
	size_t n_files;
	bool have_manifest;
};

/* One finding; failure 0 is information. Every message names the file. */
__attribute__((format(printf, 5, 6))) void bundle_report(struct bundle *b, const struct bwhere *w,
							 int failure, const char *check,
							 const char *fmt, ...);

/* Open dir, walk it, read the MANIFEST and hold the two against each
 * other. SRR_E_IO when dir cannot be read at all; the rest are findings. */
int bundle_open(struct bundle *b, const char *dir);
void bundle_close(struct bundle *b);

/* The file at path, or NULL. */
struct bfile *bundle_file(const struct bundle *b, const char *path);

/* Read a small file (at most BUNDLE_FILE_MAX), NUL-terminated, and hold
 * its SHA-256 against the MANIFEST. 0, 1 when it could not be read (a
 * finding says why), or an error. */
int bundle_load(struct bundle *b, struct bfile *f, char **data, size_t *len);

/* A big file (log/) read record by record. */
struct bstream {
	struct bfile *f;
	int fd;
	gnutls_hash_hd_t hash;
	unsigned char *buf; /* read buffer */
	size_t pos, end;
	bool eof;
	char *rec; /* the record being read, then the next one's first line */
	size_t len, cap, next;
	uint64_t offset; /* of the record returned last */
	uint64_t n;	 /* records returned */
};
/* 0, 1 when it cannot be opened (reported), or an error. */
int bundle_stream_open(struct bundle *b, struct bfile *f, struct bstream *s);
/* The next srr-record/1 record (each starts at a line "srr-record/1 TYPE"):
 * 1 with *rec (borrowed until the next call), 0 at the end, -1 when it
 * cannot be read on (why says so). */
int bundle_stream_next(struct bstream *s, const char **rec, size_t *len, char *why, size_t size);
/* With complete (read to the end), hold the SHA-256 against the MANIFEST. */
void bundle_stream_close(struct bundle *b, struct bstream *s, bool complete);

/* Every file no check has read: held against the MANIFEST now. */
int bundle_hash_rest(struct bundle *b);

/* Parse data (the file at path) as a record of type, strictly. 0, or 1
 * when it is not one (reported). */
int bundle_parse(struct bundle *b, const struct bwhere *w, const char *path, const char *type,
		 const char *data, size_t len, struct srr_record **out);

/* 64 lowercase hex digits of SHA-256(data). */
void bundle_sha256(char hex[65], const void *data, size_t len);

/* "12" into 12: 1..10^18-1, decimal, no sign or leading zero, exactly n
 * bytes. */
bool bundle_parse_id(const char *s, size_t n, int64_t *out);

/* --- the checks (bundle-verify.c, bundle-log.c) --------------------------- */

#define BUNDLE_WHY_MAX 320

/* A certificate of certs/. */
struct bcert {
	char sha256[65]; /* its name */
	bool usable;	 /* named right and parsed: c and crt are set */
	struct cert c;
	gnutls_x509_crt_t crt;
	const char *check; /* usage or chain that failed, or NULL */
	char why[BUNDLE_WHY_MAX];
};

/* A checkpoint of checkpoints/. */
struct bcp {
	int64_t id;
	struct bfile *body_f, *sig_f;
	bool good; /* body, origin, signature and signer all hold */
	struct bcert *signer; /* when good: who signed, and when */
	time_t signed_at;
	struct checkpoint_body body;
};

/* An event of events/ with its proof. */
struct bevent {
	int64_t seq;
	struct bfile *leaf_f, *rec_f, *proof_f;
	bool parsed; /* the leaf is an event record: what follows is set */
	bool proven; /* leaf, record and proof all hold */
	merkle_hash leaf_hash;
	char *entity, *action;
	char record_sha256[65];
};

/* The files of one approval. */
struct bapp {
	int64_t id;
	struct bfile *rec_f, *own_f, *rej_rec_f, *rej_sig_f;
	struct bfile **sigs; /* A-<id>-<k>.p7s by k */
	size_t n_sigs;
};

struct bv {
	struct bundle b;
	gnutls_x509_trust_list_t tl;
	/* bundle.rec */
	bool have_desc, full;
	char origin[65]; /* "" when unknown */
	int64_t desc_cp, desc_events;
	char **items;
	size_t n_items;
	struct bcert *certs; /* sorted by sha256 */
	size_t n_certs;
	struct bcp *cps; /* sorted by id */
	size_t n_cps;
	struct bevent *events; /* sorted by seq */
	size_t n_events;
	struct bevent **by_entity; /* the proven ones, by entity then seq */
	size_t n_by_entity;
	struct srr_policy_list *pl;
	const struct srr_policy *p; /* NULL without a usable policy.rec */
	struct crl_list crls;	    /* the policy's revocation lists, once read */
	bool crls_read;
	char policy_sha256[65];	    /* "" without policy.rec */
	struct bapp *apps;	    /* by id */
	size_t n_apps;
	struct bfile **app_files; /* what apps point into */
	int64_t *approvals;	  /* ids with an approvals/A-<id>.approval.rec, sorted */
	size_t n_approvals;
};

/* One detached CMS to check, and what the record listing it says. */
struct sigcheck {
	const char *path; /* the .p7s */
	const char *p7s;
	size_t p7s_len;
	const char *data; /* what it signs */
	size_t data_len;
	const char *what;	 /* "approved record", ... */
	const char *lists;	 /* the record that lists it, or NULL */
	const char *want_sha256; /* the .p7s's SHA-256 it lists, or NULL */
	const char *want_cert;	 /* the signer certificate it lists, or NULL: the one inside */
	const char *want_time;	 /* the signing time it lists, or NULL */
	/* results */
	struct bcert *cert;
	time_t signed_at;
	const char *check; /* NULL: everything holds */
	char why[BUNDLE_WHY_MAX];
};

/* bundle-verify.c: the signature s, its signer certificate's chain, usage
 * and validity at the signing time, and what the listing record says. */
void bv_check_sig(struct bv *v, struct sigcheck *s);

/* The checkpoint C-<id>, or NULL. */
const struct bcp *bv_checkpoint(const struct bv *v, int64_t id);
/* The event seq, or NULL. */
struct bevent *bv_event(const struct bv *v, int64_t seq);
/* Is approvals/A-<id>.approval.rec in the bundle? */
bool bv_has_approval(const struct bv *v, int64_t id);

/* bundle-approval.c: group approvals/ by request (before the policy is
 * read: a missing policy matters only with approvals), then judge each. */
int bv_collect_approvals(struct bv *v);
int bv_check_approvals(struct bv *v);

/* bundle-log.c: events/ and proofs/ against the checkpoints. */
int bv_events(struct bv *v);
/* The newest proven event of entity, or NULL. */
const struct bevent *bv_newest(const struct bv *v, const char *entity);
/* Does a proven event of entity log a record of this SHA-256: 1 yes, 0 no,
 * -1 when no proven event of entity is in the bundle. */
int bv_logs(const struct bv *v, const char *entity, const char *sha256);
/* A full bundle's log/ replayed against everything else. */
int bv_replay(struct bv *v);
void bv_events_release(struct bv *v);

#endif
