/* SPDX-License-Identifier: MIT */
#ifndef SRR_RECORD_H
#define SRR_RECORD_H

/**
 * @file srr/record.h
 * Canonical records, format srr-record/1 (docs/formats/record.md).
 *
 * A record is a type and an ordered list of (name, value) fields. Its bytes
 * are what approvals sign and what the audit log hashes, so there is exactly
 * one way to write a given record: the writer and the strict parser share
 * one schema per type, and a parse that would not serialise back to the same
 * bytes is rejected. These functions are pure: no I/O, no register needed.
 */

#include <stddef.h>
#include <srr/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct srr_record;

/** The first line of every record names this format. */
#define SRR_RECORD_MAGIC "srr-record/1"

/** Start an empty record of @p type ("supplier", "contract", ...). */
int srr_record_new(struct srr_record **out, const char *type);

/** NULL is a no-op. */
void srr_record_free(struct srr_record *rec);

/**
 * Append a field. @p value is the unescaped text; NULL or "" appends
 * nothing (optional fields are omitted, never empty). Field order and
 * value syntax are checked when the record is serialised.
 */
int srr_record_add(struct srr_record *rec, const char *name, const char *value);

/** Append a decimal integer field. */
int srr_record_add_int(struct srr_record *rec, const char *name, long long value);

/**
 * Serialise to canonical bytes. Fails with SRR_E_INPUT (and a message in
 * @p errbuf, if given) when the record breaks its type's schema.
 * @param[out] out malloc'd, NUL-terminated for convenience; free() it.
 */
int srr_record_serialize(char **out, size_t *len, const struct srr_record *rec, char *errbuf,
			 size_t errbuf_size);

/**
 * Parse canonical bytes strictly. Any deviation (unknown type or field,
 * wrong order, bad value, missing final LF, stray escape, invalid UTF-8,
 * control characters) is SRR_E_INPUT with "line N: what" in @p errbuf.
 */
int srr_record_parse(struct srr_record **out, const char *buf, size_t len, char *errbuf,
		     size_t errbuf_size);

/** The record's type; borrowed. */
const char *srr_record_type(const struct srr_record *rec);
/** Number of fields. */
size_t srr_record_count(const struct srr_record *rec);
/** Name of field @p i; borrowed; NULL if out of range. */
const char *srr_record_name(const struct srr_record *rec, size_t i);
/** Unescaped value of field @p i; borrowed; NULL if out of range. */
const char *srr_record_value(const struct srr_record *rec, size_t i);
/** Value of the first field called @p name, or NULL; borrowed. */
const char *srr_record_get(const struct srr_record *rec, const char *name);

#ifdef __cplusplus
}
#endif

#endif
