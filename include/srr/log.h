/* SPDX-License-Identifier: MIT */
#ifndef SRR_LOG_H
#define SRR_LOG_H

/**
 * @file srr/log.h
 * The audit log: one event per change, appended in the change's own
 * transaction, never updated or deleted (the database refuses it).
 */

#include <stddef.h>
#include <stdint.h>
#include <srr/common.h>
#include <srr/register.h>

#ifdef __cplusplus
extern "C" {
#endif

struct srr_event {
	int64_t seq;	  /**< 1, 2, 3, ... without gaps */
	const char *time; /**< RFC 3339 UTC */
	const char *actor;
	const char *action; /**< "supplier.add", ... */
	const char *entity; /**< "supplier/acme-cloud", ... */
	const char *record; /**< srr-record/1 bytes of the entity's new state */
	size_t record_len;
	const char *leaf; /**< srr-record/1 bytes of the event itself */
	size_t leaf_len;
};

struct srr_event_list;

/** Events with seq > @p since, oldest first; at most @p limit (0: all). */
int srr_event_list_new(struct srr_event_list **out, struct srr_register *reg, int64_t since,
		       size_t limit);
size_t srr_event_list_count(const struct srr_event_list *list);
const struct srr_event *srr_event_list_get(const struct srr_event_list *list, size_t i);
void srr_event_list_free(struct srr_event_list *list);

/** Number of events in the log. */
int srr_log_size(int64_t *out, struct srr_register *reg);

#ifdef __cplusplus
}
#endif

#endif
