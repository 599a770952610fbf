/* SPDX-License-Identifier: MIT */
#ifndef SRR_BENCH_COMMON_H
#define SRR_BENCH_COMMON_H

/* What the benchmarks share: timing, a workspace, and a SoftHSM2 token
 * with a policy whose approver is its certificate (tests/token-fixture.sh). */

#include <stdbool.h>
#include <stddef.h>

/* Messages start with the program's name. */
void bench_init(const char *name);
__attribute__((format(printf, 1, 2), noreturn)) void bench_die(const char *fmt, ...);

/* Monotonic wall seconds, and CPU seconds of the whole process. */
double bench_now(void);
double bench_cpu_now(void);

/* CPU seconds the whole machine spent busy (steal included), or -1
 * where there is no /proc/stat. Less our own CPU time over a span of wall
 * time, what other processes kept busy meanwhile. */
double bench_machine_busy(void);

/* Sorts v. */
double bench_median(double *v, int n);

/* The CPU model and count, on one line after what. */
void bench_machine(const char *what);

/* What a child process took: wall and CPU seconds, peak RSS (wait4). */
struct bench_proc {
	double wall, cpu, rss_mib;
};

/* Run argv (looked up in PATH) with stdin from the file in (NULL: ours)
 * and stdout into out, NUL-terminated (NULL: /dev/null), and wait for it.
 * Its exit status, 127 if it could not be run, -1 if a signal ended it. */
int bench_spawn(char *const argv[], const char *in, char *out, size_t out_size,
		struct bench_proc *p);

/* A fresh directory under /dev/shm (else $TMPDIR or /tmp), or dir itself
 * when given (made when missing). */
struct bench_fixture {
	char dir[1024];
	char module[1024], pin[64], ca[1024], cert[1024], key_uri[512];
};
void bench_workspace(struct bench_fixture *fx, const char *dir);
void bench_workspace_remove(const struct bench_fixture *fx);

/* Run the fixture script into DIR/token (keeping its output as
 * DIR/fixture.env), or reuse what an earlier run kept there. false when a
 * tool it needs is missing (it exited 77); dies on any other failure. */
bool bench_token(struct bench_fixture *fx, const char *script);
/* Read DIR/fixture.env; false if absent. */
bool bench_token_reuse(struct bench_fixture *fx);

/* An srr_pin_fn answering once with the fixture's PIN (userdata: fx). */
int bench_give_pin(void *userdata, const char *label, unsigned int flags, char *pin, size_t size);

/* A policy trusting the fixture's CA, with one approver (its certificate,
 * actors [alice], roles [management]) and quorum 1 for low and medium
 * residual risks. */
void bench_write_policy(const struct bench_fixture *fx, const char *path);

#endif
