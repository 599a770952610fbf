/* SPDX-License-Identifier: MIT */
/*
 * Reading an auditor bundle without trusting it: the directory is walked
 * with every symbolic link refused (never followed), each file is opened
 * component by component with O_NOFOLLOW, reads are bounded, and the
 * MANIFEST only ever names files to compare with what the walk found: it
 * never decides what is opened.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle-private.h"
#include "util/text.h"

#define PATH_MAX_LEN 512     /* nothing in the format comes near */
#define DEPTH_MAX    4	     /* the format has two levels */
#define FILES_MAX    4000000 /* a walk stops here */
#define STREAM_BUF   (256u << 10)
#define BAD_LINES    10 /* malformed MANIFEST lines reported, at most */

void
bundle_report(struct bundle *b, const struct bwhere *w, int failure, const char *check,
	      const char *fmt, ...)
{
	static const struct bwhere none;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!w)
		w = &none;
	if (failure)
		b->res->failures++;
	if (b->fn) {
		struct srr_finding f = { w->approval, w->signature, w->signer, check,
					 msg,	      failure,	    w->event,  w->checkpoint };
		b->fn(b->userdata, &f);
	}
}

void
bundle_sha256(char hex[65], const void *data, size_t len)
{
	unsigned char md[32];
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, md) < 0)
		memset(md, 0, sizeof(md)); /* cannot happen: SHA-256 is always there */
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

bool
bundle_parse_id(const char *s, size_t n, int64_t *out)
{
	/* A name's digits are not NUL-terminated; no prefix is allowed. */
	char buf[20];
	long long v;
	if (n == 0 || n >= sizeof(buf) || s[0] < '0' || s[0] > '9')
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!text_parse_id(&v, buf, 'A'))
		return false;
	*out = v;
	return true;
}

/* --- names ---------------------------------------------------------------- */

static bool
name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* One path component: [A-Za-z0-9._-]+, not "." or "..". */
static bool
name_safe(const char *s, size_t n)
{
	if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char(s[i]))
			return false;
	return true;
}

static bool
path_safe(const char *p, size_t n)
{
	if (n == 0 || n > PATH_MAX_LEN)
		return false;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != '/')
			continue;
		if (!name_safe(p + start, i - start))
			return false;
		start = i + 1;
	}
	return true;
}

/* A name for a message: printable ASCII as is, anything else as \xHH, cut
 * short when long. */
static const char *
shown(char *buf, size_t size, const char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x21 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	if (o + 8 >= size)
		o += (size_t)snprintf(buf + o, size - o, "...");
	buf[o] = '\0';
	return buf;
}

static bool
ends_with(const char *s, size_t n, const char *suffix, size_t *stem)
{
	size_t m = strlen(suffix);
	if (n < m || memcmp(s + n - m, suffix, m) != 0)
		return false;
	*stem = n - m;
	return true;
}

static bool
is_hex64(const char *s, size_t n)
{
	return n == 64 && strspn(s, "0123456789abcdef") >= 64;
}

static void
classify_approval(struct bfile *f, const char *rest, size_t n)
{
	size_t d = strspn(rest, "0123456789"), stem;
	if (d > n || !bundle_parse_id(rest, d, &f->id))
		return;
	const char *tail = rest + d;
	size_t tn = n - d;
	if (tn == 4 && memcmp(tail, ".rec", 4) == 0)
		f->kind = BK_APPROVAL_REC;
	else if (tn == 13 && memcmp(tail, ".approval.rec", 13) == 0)
		f->kind = BK_APPROVAL_OWN;
	else if (tn == 14 && memcmp(tail, "-rejection.rec", 14) == 0)
		f->kind = BK_REJECTION_REC;
	else if (tn == 14 && memcmp(tail, "-rejection.p7s", 14) == 0)
		f->kind = BK_REJECTION_SIG;
	else if (tn > 1 && tail[0] == '-' && ends_with(tail + 1, tn - 1, ".p7s", &stem) &&
		 bundle_parse_id(tail + 1, stem, &f->k))
		f->kind = BK_APPROVAL_SIG;
}

/* What the file is, from its name alone. */
static void
classify(struct bfile *f)
{
	static const struct {
		const char *path;
		enum bkind kind;
	} fixed[] = {
		{ "MANIFEST", BK_MANIFEST },	   { "bundle.rec", BK_BUNDLE },
		{ "policy.rec", BK_POLICY },	   { "log/leaves", BK_LOG_LEAVES },
		{ "log/records", BK_LOG_RECORDS },
	};
	const char *p = f->path;
	size_t n = strlen(p), stem;
	f->kind = BK_OTHER;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcmp(p, fixed[i].path) == 0)
			f->kind = fixed[i].kind;
	if (strncmp(p, "checkpoints/C-", 14) == 0) {
		if (ends_with(p + 14, n - 14, ".cp", &stem) &&
		    bundle_parse_id(p + 14, stem, &f->id))
			f->kind = BK_CP_BODY;
		else if (ends_with(p + 14, n - 14, ".p7s", &stem) &&
			 bundle_parse_id(p + 14, stem, &f->id))
			f->kind = BK_CP_SIG;
	} else if (strncmp(p, "certs/", 6) == 0) {
		if (ends_with(p + 6, n - 6, ".der", &stem) && is_hex64(p + 6, stem))
			f->kind = BK_CERT;
	} else if (strncmp(p, "crls/", 5) == 0) {
		if (ends_with(p + 5, n - 5, ".crl", &stem) && is_hex64(p + 5, stem))
			f->kind = BK_CRL;
	} else if (strncmp(p, "events/", 7) == 0) {
		if (ends_with(p + 7, n - 7, ".leaf", &stem) && bundle_parse_id(p + 7, stem, &f->id))
			f->kind = BK_LEAF;
		else if (ends_with(p + 7, n - 7, ".rec", &stem) &&
			 bundle_parse_id(p + 7, stem, &f->id))
			f->kind = BK_EVENT_REC;
	} else if (strncmp(p, "proofs/", 7) == 0) {
		if (ends_with(p + 7, n - 7, ".proof", &stem) &&
		    bundle_parse_id(p + 7, stem, &f->id))
			f->kind = BK_PROOF;
	} else if (strncmp(p, "approvals/A-", 12) == 0) {
		classify_approval(f, p + 12, n - 12);
	}
}

/* --- the walk ------------------------------------------------------------- */

struct walk {
	struct bundle *b;
	size_t cap;
	bool full; /* FILES_MAX reached */
};

static int
nomem(struct bundle *b)
{
	return reg_error(b->ctx, SRR_E_NOMEM, "out of memory");
}

static int
add_file(struct walk *wk, const char *path)
{
	struct bundle *b = wk->b;
	if (b->n_files == wk->cap) {
		size_t cap = wk->cap ? 2 * wk->cap : 64;
		struct bfile *v = realloc(b->files, cap * sizeof(*v));
		if (!v)
			return nomem(b);
		b->files = v;
		wk->cap = cap;
	}
	struct bfile *f = &b->files[b->n_files];
	memset(f, 0, sizeof(*f));
	if (!(f->path = strdup(path)))
		return nomem(b);
	b->n_files++;
	classify(f);
	return 0;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in directory fd, sorted (so findings come in a stable order). */
static int
list_dir(struct bundle *b, int fd, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	int dfd = dup(fd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return -errno;
	}
	size_t cap = 0;
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			char **v = realloc(*names, cap * sizeof(*v));
			if (!v) {
				rc = nomem(b);
				break;
			}
			*names = v;
		}
		if (!((*names)[*n] = strdup(e->d_name)))
			rc = nomem(b);
		else
			(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_name);
	return rc;
}

static int walk_dir(struct walk *wk, int fd, const char *prefix, unsigned depth);

static int
walk_entry(struct walk *wk, int fd, const char *prefix, const char *name, unsigned depth)
{
	struct bundle *b = wk->b;
	char path[PATH_MAX_LEN + 2], show[160];
	int n = snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "/" : "", name);
	if (!name_safe(name, strlen(name)) || n < 0 || (size_t)n > PATH_MAX_LEN) {
		bundle_report(b, NULL, 1, "file",
			      "%s%s%s: unsafe name (bundle paths are [A-Za-z0-9._-] names "
			      "joined by '/'): not read",
			      prefix, *prefix ? "/" : "",
			      shown(show, sizeof(show), name, strlen(name)));
		return 0;
	}
	struct stat st;
	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		bundle_report(b, NULL, 1, "file", "%s: cannot be read: %s", path, strerror(errno));
		return 0;
	}
	if (S_ISLNK(st.st_mode)) {
		bundle_report(b, NULL, 1, "file",
			      "%s: a symbolic link: a bundle holds none (not followed)", path);
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		if (b->n_files >= FILES_MAX) {
			wk->full = true;
			return 0;
		}
		return add_file(wk, path);
	}
	if (!S_ISDIR(st.st_mode)) {
		bundle_report(b, NULL, 1, "file",
			      "%s: not a regular file or directory: a bundle holds none", path);
		return 0;
	}
	if (depth >= DEPTH_MAX) {
		bundle_report(b, NULL, 1, "file",
			      "%s: directories nested deeper than a bundle's: not read", path);
		return 0;
	}
	int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0) {
		bundle_report(b, NULL, 1, "file", "%s: cannot be read: %s", path, strerror(errno));
		return 0;
	}
	int rc = walk_dir(wk, sub, path, depth + 1);
	close(sub);
	return rc;
}

static int
walk_dir(struct walk *wk, int fd, const char *prefix, unsigned depth)
{
	char **names;
	size_t n;
	int rc = list_dir(wk->b, fd, &names, &n);
	if (rc < 0 && rc != SRR_E_NOMEM) {
		bundle_report(wk->b, NULL, 1, "file", "%s: cannot be read: %s", prefix,
			      strerror(-rc));
		rc = 0;
	}
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = walk_entry(wk, fd, prefix, names[i], depth);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct bfile *)a)->path, ((const struct bfile *)b)->path);
}

struct bfile *
bundle_file(const struct bundle *b, const char *path)
{
	struct bfile key = { .path = (char *)path };
	return b->n_files ? bsearch(&key, b->files, b->n_files, sizeof(key), cmp_file) : NULL;
}

/* --- opening and reading -------------------------------------------------- */

/* Open path below the bundle, refusing a symbolic link at every step: an
 * fd, or -errno. */
static int
open_below(const struct bundle *b, const char *path)
{
	char part[PATH_MAX_LEN + 1];
	int dir = b->dirfd;
	const char *p = path;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n >= sizeof(part)) {
			if (dir != b->dirfd)
				close(dir);
			return -ENAMETOOLONG;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
			    (slash ? O_DIRECTORY : O_NONBLOCK | O_NOCTTY);
		int fd = openat(dir, part, flags);
		int err = errno;
		if (dir != b->dirfd)
			close(dir);
		if (fd < 0)
			return -err;
		if (!slash)
			return fd;
		dir = fd;
		p = slash + 1;
	}
}

/* Open f as a regular file of at most max bytes: an fd and its size, or
 * -1 (reported). */
static int
open_file(struct bundle *b, const struct bfile *f, uint64_t max, uint64_t *size)
{
	int fd = open_below(b, f->path);
	if (fd < 0) {
		bundle_report(b, NULL, 1, "file", "%s: cannot be read: %s", f->path, strerror(-fd));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		bundle_report(b, NULL, 1, "file", "%s: no longer a regular file", f->path);
		close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > max) {
		bundle_report(b, NULL, 1, "file",
			      "%s: %llu bytes, more than the %llu such a file may hold: not read",
			      f->path, (unsigned long long)st.st_size, (unsigned long long)max);
		close(fd);
		return -1;
	}
	/* The walk's O_NONBLOCK was for FIFOs only. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	*size = (uint64_t)st.st_size;
	return fd;
}

static void
hold_hash(struct bundle *b, struct bfile *f, const char hex[65])
{
	f->hashed = true;
	if (f->manifest[0] && strcmp(f->manifest, hex) != 0)
		bundle_report(b, NULL, 1, "manifest",
			      "%s: SHA-256 differs from the MANIFEST: the file was edited",
			      f->path);
}

/* Read all of f into a NUL-terminated buffer: 0, 1 (reported) or an error. */
static int
read_all(struct bundle *b, const struct bfile *f, uint64_t max, char **data, size_t *len)
{
	uint64_t size;
	int fd = open_file(b, f, max, &size);
	if (fd < 0)
		return 1;
	char *buf = malloc((size_t)size + 1);
	if (!buf) {
		close(fd);
		return nomem(b);
	}
	size_t got = 0;
	while (got < size) {
		ssize_t r = read(fd, buf + got, (size_t)size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			bundle_report(b, NULL, 1, "file", "%s: %s", f->path,
				      r < 0 ? strerror(errno) : "shorter than it was a moment ago");
			close(fd);
			free(buf);
			return 1;
		}
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

int
bundle_load(struct bundle *b, struct bfile *f, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	int rc = read_all(b, f, BUNDLE_FILE_MAX, data, len);
	if (rc)
		return rc;
	char hex[65];
	bundle_sha256(hex, *data, *len);
	hold_hash(b, f, hex);
	return 0;
}

int
bundle_parse(struct bundle *b, const struct bwhere *w, const char *path, const char *type,
	     const char *data, size_t len, struct srr_record **out)
{
	char why[256];
	*out = NULL;
	int rc = srr_record_parse(out, data, len, why, sizeof(why));
	if (rc == SRR_E_NOMEM)
		return nomem(b);
	if (rc) {
		bundle_report(b, w, 1, "record", "%s: not a canonical srr-record/1 record: %s",
			      path, why);
		return 1;
	}
	if (strcmp(srr_record_type(*out), type) != 0) {
		bundle_report(b, w, 1, "record", "%s: a %s record where a %s record belongs", path,
			      srr_record_type(*out), type);
		srr_record_free(*out);
		*out = NULL;
		return 1;
	}
	return 0;
}

/* --- streaming -------------------------------------------------------------- */

int
bundle_stream_open(struct bundle *b, struct bfile *f, struct bstream *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	uint64_t size;
	int fd = open_file(b, f, UINT64_MAX, &size);
	if (fd < 0)
		return 1;
	s->f = f;
	s->fd = fd;
	if (gnutls_hash_init(&s->hash, GNUTLS_DIG_SHA256) < 0 || !(s->buf = malloc(STREAM_BUF))) {
		bundle_stream_close(b, s, false);
		return nomem(b);
	}
	return 0;
}

/* Refill the read buffer: 0, or -1 with why. */
static int
refill(struct bstream *s, char *why, size_t size)
{
	ssize_t r;
	do
		r = read(s->fd, s->buf, STREAM_BUF);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		snprintf(why, size, "%s", strerror(errno));
		return -1;
	}
	s->pos = 0;
	s->end = (size_t)r;
	s->eof = r == 0;
	if (r > 0)
		gnutls_hash(s->hash, s->buf, (size_t)r);
	return 0;
}

/* Append the next line (with its LF, if it has one) to s->rec: its length,
 * 0 at the end, or -1 with why. */
static long
read_line(struct bstream *s, char *why, size_t size)
{
	size_t start = s->len;
	for (;;) {
		if (s->pos == s->end && !s->eof && refill(s, why, size))
			return -1;
		if (s->pos == s->end)
			break;
		const unsigned char *from = s->buf + s->pos;
		const unsigned char *lf = memchr(from, '\n', s->end - s->pos);
		size_t take = lf ? (size_t)(lf - from) + 1 : s->end - s->pos;
		if (s->len + take > BUNDLE_FILE_MAX) {
			snprintf(why, size, "a record longer than %u bytes", BUNDLE_FILE_MAX);
			return -1;
		}
		if (s->len + take > s->cap) {
			size_t cap = s->cap ? s->cap : 4096;
			while (cap < s->len + take)
				cap *= 2;
			char *r = realloc(s->rec, cap);
			if (!r) {
				snprintf(why, size, "out of memory");
				return -1;
			}
			s->rec = r;
			s->cap = cap;
		}
		memcpy(s->rec + s->len, from, take);
		s->len += take;
		s->pos += take;
		if (lf)
			break;
	}
	return (long)(s->len - start);
}

int
bundle_stream_next(struct bstream *s, const char **rec, size_t *len, char *why, size_t size)
{
	static const char magic[] = SRR_RECORD_MAGIC " ";
	const size_t m = sizeof(magic) - 1;
	/* Drop the record returned last; keep the line read after it. */
	if (s->next) {
		s->offset += s->next;
		memmove(s->rec, s->rec + s->next, s->len - s->next);
		s->len -= s->next;
		s->next = 0;
	}
	for (;;) {
		size_t start = s->len, end;
		long n = read_line(s, why, size);
		if (n < 0)
			return -1;
		bool begins = (size_t)n >= m && memcmp(s->rec + start, magic, m) == 0;
		if (n == 0) /* the end of the file */
			end = s->len;
		else if (begins && start > 0) /* the next record's first line */
			end = start;
		else if (s->rec[s->len - 1] != '\n') /* a last line without LF */
			end = s->len;
		else
			continue;
		if (end == 0)
			return 0;
		*rec = s->rec;
		*len = end;
		s->next = end;
		s->n++;
		return 1;
	}
}

void
bundle_stream_close(struct bundle *b, struct bstream *s, bool complete)
{
	if (s->hash) {
		unsigned char md[32];
		gnutls_hash_deinit(s->hash, md);
		s->hash = NULL;
		if (complete) {
			char hex[65];
			for (size_t i = 0; i < sizeof(md); i++)
				snprintf(hex + 2 * i, 3, "%02x", md[i]);
			hold_hash(b, s->f, hex);
		}
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->buf);
	free(s->rec);
	s->buf = NULL;
	s->rec = NULL;
}

/* SHA-256 of a file of any size, read in chunks. */
static int
hash_file(struct bundle *b, struct bfile *f)
{
	struct bstream s;
	int rc = bundle_stream_open(b, f, &s);
	if (rc)
		return rc > 0 ? 0 : rc;
	char why[128] = "";
	do {
		s.pos = s.end;
		rc = refill(&s, why, sizeof(why));
	} while (rc == 0 && !s.eof);
	if (rc)
		bundle_report(b, NULL, 1, "file", "%s: %s", f->path, why);
	bundle_stream_close(b, &s, rc == 0);
	return 0;
}

int
bundle_hash_rest(struct bundle *b)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < b->n_files; i++) {
		struct bfile *f = &b->files[i];
		if (!f->hashed && f->manifest[0] && f->kind != BK_OTHER)
			rc = hash_file(b, f);
	}
	return rc;
}

/* --- the MANIFEST ------------------------------------------------------------ */

/* One line "<sha256>  <path>": 0 when it is well formed (the path then in
 * *path, *plen), else -1 with why. */
static int
manifest_line(const char *line, size_t n, const char **path, size_t *plen, char *why, size_t size)
{
	char show[160];
	if (n < 67 || !is_hex64(line, 64) || line[64] != ' ' || line[65] != ' ') {
		snprintf(why, size, "not '<SHA-256 in 64 lowercase hex digits>  <path>'");
		return -1;
	}
	*path = line + 66;
	*plen = n - 66;
	if (!path_safe(*path, *plen)) {
		snprintf(why, size,
			 "unsafe path '%s' (bundle paths are relative, [A-Za-z0-9._-] names "
			 "joined by '/', no '.' or '..'): not opened",
			 shown(show, sizeof(show), *path, *plen));
		return -1;
	}
	if (*plen == 8 && memcmp(*path, "MANIFEST", 8) == 0) {
		snprintf(why, size, "lists the MANIFEST itself");
		return -1;
	}
	return 0;
}

static void
manifest_lines(struct bundle *b, const char *data, size_t len)
{
	const char *p = data, *end = data + len, *prev = NULL;
	size_t prev_len = 0, bad = 0;
	for (size_t no = 1; p < end; no++) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t n = lf ? (size_t)(lf - p) : (size_t)(end - p);
		const char *path;
		size_t plen;
		char why[256], hold[PATH_MAX_LEN + 1];
		int r = -1;
		if (memchr(p, '\0', n))
			snprintf(why, sizeof(why), "holds a NUL byte");
		else
			r = manifest_line(p, n, &path, &plen, why, sizeof(why));
		if (r == 0 && !lf) {
			snprintf(why, sizeof(why), "no LF at the end");
			r = -1;
		}
		if (r == 0 && prev) {
			int c = memcmp(prev, path, prev_len < plen ? prev_len : plen);
			if (c > 0 || (c == 0 && prev_len >= plen)) {
				snprintf(why, sizeof(why),
					 "%s: lines are sorted by path, each once",
					 c == 0 && prev_len == plen ? "a second line for one file"
								    : "out of order");
				r = -1;
			}
		}
		if (r) {
			if (bad++ < BAD_LINES)
				bundle_report(b, NULL, 1, "manifest", "MANIFEST line %zu: %s", no,
					      why);
		} else {
			memcpy(hold, path, plen);
			hold[plen] = '\0';
			struct bfile *f = bundle_file(b, hold);
			if (!f)
				bundle_report(b, NULL, 1, "manifest",
					      "MANIFEST names %s, which is missing", hold);
			else
				snprintf(f->manifest, sizeof(f->manifest), "%.64s", p);
			prev = path;
			prev_len = plen;
		}
		p = lf ? lf + 1 : end;
	}
	if (bad > BAD_LINES)
		bundle_report(b, NULL, 1, "manifest", "MANIFEST: %zu more malformed line%s",
			      bad - BAD_LINES, bad - BAD_LINES == 1 ? "" : "s");
}

static int
read_manifest(struct bundle *b)
{
	struct bfile *m = bundle_file(b, "MANIFEST");
	if (!m) {
		bundle_report(b, NULL, 1, "manifest",
			      "MANIFEST is missing: nothing shows whether a file was dropped, "
			      "added or damaged");
		return 0;
	}
	m->hashed = true; /* it does not list itself */
	char *data;
	size_t len;
	int rc = read_all(b, m, BUNDLE_MANIFEST_MAX, &data, &len);
	if (rc)
		return rc > 0 ? 0 : rc;
	b->have_manifest = true;
	manifest_lines(b, data, len);
	free(data);
	for (size_t i = 0; i < b->n_files; i++) {
		const struct bfile *f = &b->files[i];
		if (f->kind != BK_MANIFEST && !f->manifest[0])
			bundle_report(b, NULL, 1, "manifest", "%s is not in the MANIFEST", f->path);
	}
	return 0;
}

int
bundle_open(struct bundle *b, const char *dir)
{
	b->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b->dirfd < 0)
		return reg_error(b->ctx, SRR_E_IO, "bundle %s: %s", dir, strerror(errno));
	struct walk wk = { .b = b };
	char **names;
	size_t n;
	/* The top directory must at least be listable. */
	int rc = list_dir(b, b->dirfd, &names, &n);
	if (rc < 0 && rc != SRR_E_NOMEM)
		return reg_error(b->ctx, SRR_E_IO, "bundle %s: %s", dir, strerror(-rc));
	for (size_t i = 0; i < n; i++) {
		if (rc == 0)
			rc = walk_entry(&wk, b->dirfd, "", names[i], 1);
		free(names[i]);
	}
	free(names);
	if (rc)
		return rc;
	if (wk.full)
		bundle_report(b, NULL, 1, "file", "more than %u files: the rest were not read",
			      FILES_MAX);
	if (b->n_files)
		qsort(b->files, b->n_files, sizeof(*b->files), cmp_file);
	b->res->files = b->n_files;
	rc = read_manifest(b);
	for (size_t i = 0; rc == 0 && i < b->n_files; i++)
		if (b->files[i].kind == BK_OTHER)
			bundle_report(
				b, NULL, 1, "file",
				"%s: not part of a bundle (docs/formats/bundle.md lists what is)",
				b->files[i].path);
	return rc;
}

void
bundle_close(struct bundle *b)
{
	for (size_t i = 0; i < b->n_files; i++)
		free(b->files[i].path);
	free(b->files);
	b->files = NULL;
	b->n_files = 0;
	if (b->dirfd >= 0)
		close(b->dirfd);
	b->dirfd = -1;
}
