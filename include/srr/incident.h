/* SPDX-License-Identifier: MIT */
#ifndef SRR_INCIDENT_H
#define SRR_INCIDENT_H

/**
 * @file srr/incident.h
 * Supplier incidents (EN 319 401 REQ-7.14.1-06 d), REQ-7.9.3-01): when the
 * incident was identified, when the supplier notified us, and whether that
 * took longer than 24 hours.
 */

#include <stddef.h>
#include <stdint.h>
#include <srr/common.h>
#include <srr/register.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SRR_NOTIFY_WINDOW_SECONDS (24 * 3600)

enum srr_severity {
	SRR_SEVERITY_NONE = 0,
	SRR_SEVERITY_LOW,
	SRR_SEVERITY_MEDIUM,
	SRR_SEVERITY_HIGH,
	SRR_SEVERITY_CRITICAL,
};
const char *srr_severity_name(enum srr_severity severity);
enum srr_severity srr_severity_from_name(const char *name);

struct srr_incident {
	int64_t id;
	const char *supplier;
	const char *identified;	    /**< RFC 3339 UTC, not in the future */
	const char *notified;	    /**< RFC 3339 UTC or NULL: not yet notified */
	enum srr_severity severity; /**< NONE on input means medium */
	const char *summary;
	/* read views only, derived on the register's today: */
	int late; /**< notified, or still not, more than 24 hours after identification */
	const char *created;
};

struct srr_incident_list;

int srr_incident_add(struct srr_register *reg, const struct srr_incident *incident, int64_t *id);

/** Record when the supplier notified us of incident @p id. */
int srr_incident_notified(struct srr_register *reg, int64_t id, const char *time);

/** Incidents of @p supplier (all when NULL), newest first. */
int srr_incident_list_new(struct srr_incident_list **out, struct srr_register *reg,
			  const char *supplier);
int srr_incident_find(struct srr_incident_list **out, struct srr_register *reg, int64_t id);
size_t srr_incident_list_count(const struct srr_incident_list *list);
const struct srr_incident *srr_incident_list_get(const struct srr_incident_list *list, size_t i);
void srr_incident_list_free(struct srr_incident_list *list);

#ifdef __cplusplus
}
#endif

#endif
