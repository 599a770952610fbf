/* SPDX-License-Identifier: MIT */
#ifndef SRR_COMMON_H
#define SRR_COMMON_H

/**
 * @file srr/common.h
 * Error codes and the small enumerations every module shares.
 */

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Every fallible libsrr function returns 0 or one of these (negative).
 * The text of the last error, naming what and where, is on the register
 * context: srr_errmsg().
 */
enum srr_error {
	SRR_OK = 0,
	SRR_E_NOMEM = -1,    /**< out of memory */
	SRR_E_IO = -2,	     /**< a file could not be read or written */
	SRR_E_DB = -3,	     /**< SQLite failed (disk full, locked, corrupt) */
	SRR_E_INPUT = -4,    /**< the caller's input is invalid */
	SRR_E_NOTFOUND = -5, /**< the named entity does not exist */
	SRR_E_EXISTS = -6,   /**< the entity or file already exists */
	SRR_E_FORMAT = -7,   /**< not an srr register, or one too new */
	SRR_E_TOKEN = -8,    /**< the PKCS#11 token or key is unusable */
	SRR_E_PIN = -9,	     /**< the PIN was wrong or is locked */
	SRR_E_VERIFY = -10,  /**< checked, and found wrong */
	SRR_E_STATE = -11,   /**< not allowed in the entity's current state */
};

/** A static English name for an error code ("invalid input", ...). */
const char *srr_strerror(int err);

/** The library version, "MAJOR.MINOR.PATCH". */
const char *srr_version(void);

/** Supplier criticality tier. */
enum srr_tier {
	SRR_TIER_NONE = 0, /**< unset (in a change: leave as is) */
	SRR_TIER_CRITICAL,
	SRR_TIER_HIGH,
	SRR_TIER_MEDIUM,
	SRR_TIER_LOW,
};

/** "critical", "high", ...; NULL for SRR_TIER_NONE or out of range. */
const char *srr_tier_name(enum srr_tier tier);
/** Parse a tier name; SRR_TIER_NONE if @p name is not one. */
enum srr_tier srr_tier_from_name(const char *name);

#ifdef __cplusplus
}
#endif

#endif
