/* SPDX-License-Identifier: MIT */
#ifndef SRR_IMPORT_PRIVATE_H
#define SRR_IMPORT_PRIVATE_H

/* What srr_import() asks of each module: make one entity's state what the
 * file says, writing its rows and logging one "TYPE.import" event only
 * when that state differs from the entity's state now. The caller holds
 * the import's transaction. */

#include <stdbool.h>

#include "register-private.h"
#include "srr/import.h"
#include "srr/record.h"

enum put_result {
	PUT_SAME = 0,
	PUT_ADDED = SRR_IMPORT_ADDED,
	PUT_CHANGED = SRR_IMPORT_CHANGED,
};

/* Where a put reports each entity it added or changed (a put may change
 * more than its own: an SLA's new target changes its measurements). */
struct put_ctx {
	void (*report)(void *userdata, enum put_result result, const char *entity);
	void *userdata;
	/* The entity's supplier was added by this import: nothing of it can
	 * exist yet, so there is nothing to compare with or match. */
	bool supplier_new;
	/* Row ids the import already knows: the supplier and the contract it
	 * is in (0 when none), so that a put need not look them up again. */
	int64_t supplier_id;
	const char *supplier_key;
	int64_t contract_id;
	const char *contract_ref;
};

/* The row id of supplier key (of contract ref): ctx's when it is that one,
 * else looked up. SRR_E_NOTFOUND with a message when there is none. */
int put_supplier_id(struct srr_register *reg, const struct put_ctx *ctx, const char *key,
		    int64_t *id);
int put_contract_id(struct srr_register *reg, const struct put_ctx *ctx, const char *supplier,
		    const char *ref, int64_t *id);

/* Is rec (entity's new state) what the register holds now? PUT_ADDED when
 * it holds no such entity, PUT_SAME or PUT_CHANGED otherwise. */
int put_compare(struct srr_register *reg, const struct put_ctx *ctx, const char *entity,
		const struct srr_record *rec, enum put_result *result);

/* Log rec as entity's "TYPE.import" event (TYPE: the record's type) and
 * report it. Does nothing for PUT_SAME. */
int put_log(struct srr_register *reg, const struct put_ctx *ctx, const char *entity,
	    const struct srr_record *rec, enum put_result result);

/* Which entity an import item means, for entities with ids: *id when
 * given (it must be the supplier's, or not yet used), else the supplier's
 * only one whose natural key (name: its field, value) matches; 0 for a new
 * one. owner_sql (?1 = id) and match_sql (?1 = supplier id, ?2 = value,
 * "LIMIT 2") are string literals. */
int put_match_id(struct srr_register *reg, const struct put_ctx *ctx, const char *what,
		 const char *owner_sql, const char *match_sql, int64_t sid, const char *supplier,
		 const char *name, const char *value, int64_t *id);

struct srr_supplier;
struct srr_contract;
struct srr_sla;
struct srr_measurement;
struct srr_review;
struct srr_incident;
struct srr_risk;

/* With subs_later, the supplier's subcontractor rows are cleared and left
 * to supplier_add_sub() (the file may name suppliers it lists further on);
 * its record, and so its event, already holds them. *id: its row id. */
int supplier_put(struct srr_register *reg, const struct put_ctx *ctx, const struct srr_supplier *s,
		 bool subs_later, int64_t *id, enum put_result *result);
/* Make supplier key a subcontractor of supplier id: SRR_E_NOTFOUND (with a
 * message) when key is no supplier. No cycle check. */
int supplier_add_sub(struct srr_register *reg, int64_t id, const char *key);
/* 0 when the subcontractor graph has no cycle; else SRR_E_INPUT with *cycle
 * (malloc'd) holding the supplier ids along one cycle, *n of them, the
 * first repeated at the end. */
int supplier_find_cycle(struct srr_register *reg, int64_t **cycle, size_t *n);

int contract_put(struct srr_register *reg, const struct put_ctx *ctx, const struct srr_contract *c,
		 int64_t *id, enum put_result *result);
/* *rejudge: the SLA's target or comparator changed, so its measurements
 * are judged again by sla_rejudge() once the file's own are written (each
 * entity gets one event). */
int sla_put(struct srr_register *reg, const struct put_ctx *ctx, const struct srr_sla *s,
	    enum put_result *result, bool *rejudge);
int sla_rejudge(struct srr_register *reg, const struct put_ctx *ctx, const struct srr_sla *s);
int measurement_put(struct srr_register *reg, const struct put_ctx *ctx,
		    const struct srr_measurement *m, enum put_result *result);
/* r->id 0: match by supplier and date (a new review if none; an error if
 * several). On return r->id is the review's id. */
int review_put(struct srr_register *reg, const struct put_ctx *ctx, struct srr_review *r,
	       enum put_result *result);
/* in->id 0: match by supplier and identified. */
int incident_put(struct srr_register *reg, const struct put_ctx *ctx, struct srr_incident *in,
		 enum put_result *result);
/* r->id 0: match by supplier and title. */
struct srr_policy;
int risk_put(struct srr_register *reg, const struct put_ctx *ctx, const struct srr_policy *p,
	     struct srr_risk *r, enum put_result *result);

#endif
