/* SPDX-License-Identifier: MIT */
#ifndef SRR_FILES_PRIVATE_H
#define SRR_FILES_PRIVATE_H

/* Writing exports: new files only (never overwrite), each synced, and all
 * taken back if the export fails half-way. */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "register-private.h"

/* What an export has made so far, in order. */
struct written {
	char **path;
	bool *dir;
	size_t n;
};

/* Create the file path (refusing an existing one) with data. */
int write_new(struct srr_register *reg, struct written *done, const char *path, const void *data,
	      size_t len);
/* The same for dir/name. */
int write_new_in(struct srr_register *reg, struct written *done, const char *dir, const char *name,
		 const void *data, size_t len);
/* Create the file path (refusing an existing one) for writing through
 * stdio: for exports too large to hold. Owner-only (0600), as the register
 * itself: a report holds the whole register. */
int write_stream_new(struct srr_register *reg, struct written *done, const char *path, FILE **out);
/* Flush, sync and close a write_stream_new() stream; any error names path. */
int write_stream_close(struct srr_register *reg, FILE *f, const char *path);
/* Create the directory path; an existing empty one is taken (and kept on
 * undo), anything else there is refused. */
int write_dir(struct srr_register *reg, struct written *done, const char *path);
/* Forget the list; with undo, first remove what was made, newest first. */
void written_undo(struct written *done, bool undo);

#endif
