/* SPDX-License-Identifier: MIT */
/*
 * What the benchmarks in tests/bench/ share (see bench-common.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-common.h"

static const char *program = "bench";

void
bench_init(const char *name)
{
	program = name;
	setvbuf(stdout, NULL, _IOLBF, 0);
}

void
bench_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", program);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(EXIT_FAILURE);
}

double
bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
bench_cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
bench_machine_busy(void)
{
	unsigned long long u, ni, sy, idle, iow, irq, sirq, steal;
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return -1;
	int k = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &u, &ni, &sy, &idle, &iow,
		       &irq, &sirq, &steal);
	fclose(f);
	return k == 8 ? (double)(u + ni + sy + irq + sirq + steal) / (double)sysconf(_SC_CLK_TCK)
		      : -1;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double
bench_median(double *v, int n)
{
	if (n < 1)
		return 0;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void
bench_machine(const char *what)
{
	char line[256], model[256] = "unknown";
	FILE *f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
			snprintf(model, sizeof(model), "%s", strchr(line, ':') + 2);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
	printf("machine: %ld online CPUs, %s; %s\n", sysconf(_SC_NPROCESSORS_ONLN), model, what);
}

int
bench_spawn(char *const argv[], const char *in, char *out, size_t out_size, struct bench_proc *p)
{
	/* posix_spawn, not fork: the child never holds a copy of our pages,
	 * so its ru_maxrss is the program's own. */
	int fd[2];
	posix_spawn_file_actions_t fa;
	if (pipe(fd) != 0 || posix_spawn_file_actions_init(&fa) != 0)
		bench_die("pipe: %s", strerror(errno));
	if (in)
		posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, in, O_RDONLY, 0);
	if (out)
		posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
	else
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	posix_spawn_file_actions_addclose(&fa, fd[1]);
	double t0 = bench_now();
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	if (rc != 0) {
		close(fd[0]);
		return 127;
	}
	size_t n = 0;
	ssize_t r;
	char sink[4096];
	while ((r = read(fd[0], out && n + 1 < out_size ? out + n : sink,
			 out && n + 1 < out_size ? out_size - n - 1 : sizeof(sink))) > 0)
		if (out && n + 1 < out_size)
			n += (size_t)r;
	close(fd[0]);
	if (out && out_size)
		out[n] = '\0';
	int st;
	struct rusage ru;
	if (wait4(pid, &st, 0, &ru) != pid)
		bench_die("wait4: %s", strerror(errno));
	p->wall = bench_now() - t0;
	p->cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	p->rss_mib = (double)ru.ru_maxrss / 1024;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* --- the workspace and its token --------------------------------------- */

void
bench_workspace(struct bench_fixture *fx, const char *dir)
{
	if (dir) {
		snprintf(fx->dir, sizeof(fx->dir), "%s", dir);
		if (mkdir(fx->dir, 0700) != 0 && errno != EEXIST)
			bench_die("%s: %s", fx->dir, strerror(errno));
		return;
	}
	/* A fast filesystem: every transaction ends with an fsync. */
	const char *base = "/dev/shm";
	if (access(base, W_OK) != 0)
		base = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(fx->dir, sizeof(fx->dir), "%s/srr-bench-XXXXXX", base);
	if (!mkdtemp(fx->dir))
		bench_die("%s: %s", base, strerror(errno));
}

void
bench_workspace_remove(const struct bench_fixture *fx)
{
	char cmd[1100];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "%s: cannot remove %s\n", program, fx->dir);
}

/* One KEY=VALUE line of token-fixture.sh; values hold ';'. */
static void
take(struct bench_fixture *fx, char *line)
{
	line[strcspn(line, "\n")] = '\0';
	char *v = strchr(line, '=');
	if (!v)
		return;
	*v++ = '\0';
	if (strcmp(line, "SOFTHSM2_CONF") == 0)
		setenv("SOFTHSM2_CONF", v, 1);
	else if (strcmp(line, "MODULE") == 0)
		snprintf(fx->module, sizeof(fx->module), "%s", v);
	else if (strcmp(line, "PIN") == 0)
		snprintf(fx->pin, sizeof(fx->pin), "%s", v);
	else if (strcmp(line, "CA") == 0)
		snprintf(fx->ca, sizeof(fx->ca), "%s", v);
	else if (strcmp(line, "CERT") == 0)
		snprintf(fx->cert, sizeof(fx->cert), "%s", v);
	else if (strcmp(line, "KEY_URI") == 0)
		snprintf(fx->key_uri, sizeof(fx->key_uri), "%s", v);
}

bool
bench_token_reuse(struct bench_fixture *fx)
{
	char path[1100], line[2048];
	snprintf(path, sizeof(path), "%s/fixture.env", fx->dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		take(fx, line);
	fclose(f);
	return fx->cert[0] && fx->key_uri[0];
}

bool
bench_token(struct bench_fixture *fx, const char *script)
{
	if (bench_token_reuse(fx))
		return true;
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "bash '%s' '%s/token' > '%s/fixture.env'", script, fx->dir,
		 fx->dir);
	int st = system(cmd);
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 77)
		return false;
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || !bench_token_reuse(fx))
		bench_die("%s: the token fixture failed", script);
	return true;
}

int
bench_give_pin(void *userdata, const char *label, unsigned int flags, char *pin, size_t size)
{
	static int asked;
	const struct bench_fixture *fx = userdata;
	(void)label;
	(void)flags;
	if (asked++)
		return -1; /* srr never retries; neither do we */
	snprintf(pin, size, "%s", fx->pin);
	return 0;
}

void
bench_write_policy(const struct bench_fixture *fx, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		bench_die("%s: %s", path, strerror(errno));
	fprintf(f,
		"version: 1\nname: srr benchmark policy\n"
		"review:\n"
		"  cadence_months: {critical: 3, high: 6, medium: 12, low: 12}\n"
		"risk:\n"
		"  likelihood: [rare, unlikely, possible, likely, almost-certain]\n"
		"  impact: [negligible, minor, moderate, major, severe]\n"
		"  levels:\n"
		"    - {name: low, max: 4}\n    - {name: medium, max: 9}\n"
		"    - {name: high, max: 16}\n    - {name: critical, max: 25}\n"
		"  tolerance: medium\n  acceptance_max_days: 365\n"
		"trust_anchors: ['%s']\n"
		"approvers:\n"
		"  - {name: Alice Approver, cert: '%s', actors: [alice], roles: [management]}\n"
		"approval_rules:\n"
		"  - {subject: risk, residual: [low, medium], roles: [management], quorum: 1}\n",
		fx->ca, fx->cert);
	if (fclose(f) != 0)
		bench_die("%s: %s", path, strerror(errno));
}
