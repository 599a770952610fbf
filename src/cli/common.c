/* SPDX-License-Identifier: MIT */
/*
 * What every command shares: options, opening the register, errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util/cleanup.h"
#include "util/text.h"

void
cli_print_usage(const struct command *cmd, const char *group, bool brief)
{
	FILE *f = brief ? stderr : stdout;
	if (brief) {
		/* Just the synopsis lines: up to the first blank line. */
		const char *end = strstr(cmd->usage, "\n\n");
		int len = end ? (int)(end - cmd->usage) + 1 : (int)strlen(cmd->usage);
		fprintf(f, "%.*s", len, cmd->usage);
		fprintf(f, "Try 'srr %s%s%s --help' for more.\n", group ? group : "",
			group ? " " : "", cmd->name);
		return;
	}
	fprintf(f, "%s\n\n%s", cmd->summary, cmd->usage);
	fputs("\nCommon options: --db PATH, --actor NAME, --json, --help\n", f);
}

/* Messages quote what the user typed: keep each on one line, free of
 * terminal escapes (control characters become '?', as the library's do) and
 * short (a 128 KiB argument is cut, "..." says so, at a UTF-8 boundary). */
void
cli_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	text_one_line(buf, size, vsnprintf(buf, size, fmt, ap));
}

void
cli_eprintf(const char *fmt, ...)
{
	char msg[CLI_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	cli_vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", msg);
}

int
cli_usage_error(struct cli *cli, const struct command *cmd, const char *fmt, ...)
{
	char msg[CLI_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	cli_vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)cmd;
	/* One line, the hint included: scripts read errors a line at a time. */
	fprintf(stderr, "srr %s: %s (see 'srr %s --help')\n", cli->cmd, msg, cli->cmd);
	return EXIT_USAGE;
}

int
cli_common_option(struct cli *cli, const struct command *cmd, int opt, char **argv)
{
	switch (opt) {
	case OPT_DB:
		cli->db = optarg;
		return EXIT_OK;
	case OPT_ACTOR:
		cli->actor = optarg;
		return EXIT_OK;
	case OPT_JSON:
		cli->json = true;
		return EXIT_OK;
	case 'h':
		cli_print_usage(cmd, NULL, false);
		return CLI_HELP_SHOWN;
	case ':':
		return cli_usage_error(cli, cmd, "option '%s' needs a value", argv[optind - 1]);
	case '?':
		if (optopt)
			return cli_usage_error(cli, cmd, "unknown option '-%c'", optopt);
		/* The name without its "=value": the value of a mistyped
		 * option may be a secret (a PIN). */
		return cli_usage_error(cli, cmd, "unknown option '%.*s'",
				       (int)strcspn(argv[optind - 1], "="), argv[optind - 1]);
	}
	return -1;
}

int
cli_dispatch(struct cli *cli, const char *group, const struct command *table, size_t n, int argc,
	     char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		bool asked = argc >= 2;
		FILE *f = asked ? stdout : stderr;
		fprintf(f, "Usage: srr %s COMMAND [ARGS]\n\nCommands:\n", group);
		for (size_t i = 0; i < n; i++)
			fprintf(f, "  %-10s %s\n", table[i].name, table[i].summary);
		fprintf(f, "\nTry 'srr %s COMMAND --help' or 'man srr-%s'.\n", group, group);
		return asked ? EXIT_OK : EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(argv[1], table[i].name) != 0)
			continue;
		static char name[64];
		snprintf(name, sizeof(name), "%s %s", group, table[i].name);
		cli->cmd = name;
		return table[i].fn(cli, argc - 1, argv + 1);
	}
	cli_eprintf("srr %s: unknown command '%s' (see 'srr %s --help')", group, argv[1], group);
	return EXIT_USAGE;
}

static const char *
login_name(void)
{
	const char *env = getenv("SRR_ACTOR");
	if (env && *env)
		return env;
	struct passwd *pw = getpwuid(geteuid());
	if (pw && pw->pw_name && *pw->pw_name)
		return pw->pw_name;
	env = getenv("USER");
	return env && *env ? env : "unknown";
}

const char *
cli_db_path(const struct cli *cli)
{
	const char *path = cli->db;
	if (!path)
		path = getenv("SRR_DB");
	return path && *path ? path : "register.db";
}

int
cli_open(struct cli *cli, bool create)
{
	return cli_open_with_policy(cli, create, NULL);
}

int
cli_open_with_policy(struct cli *cli, bool create, const char *policy)
{
	if (cli->db && !*cli->db)
		return cli_error(cli, "--db '': the register path is empty");
	const char *path = cli_db_path(cli);
	int rc = srr_register_new(&cli->reg);
	if (rc) {
		fprintf(stderr, "srr: out of memory\n");
		return EXIT_ERROR;
	}
	rc = srr_register_set_actor(cli->reg, cli->actor ? cli->actor : login_name());
	if (rc == 0)
		rc = create ? srr_register_create_with_policy(cli->reg, path, policy)
			    : srr_register_open(cli->reg, path);
	return rc ? cli_fail(cli, rc) : EXIT_OK;
}

int
cli_fail(struct cli *cli, int rc)
{
	(void)rc; /* every library failure is exit 3; the message says which */
	fprintf(stderr, "srr %s: %s\n", cli->cmd, srr_errmsg(cli->reg));
	return EXIT_ERROR;
}

int
cli_error(struct cli *cli, const char *fmt, ...)
{
	char msg[CLI_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	cli_vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "srr %s: %s\n", cli->cmd, msg);
	return EXIT_ERROR;
}

bool
cli_parse_uint(const char *s, long long max, long long *out)
{
	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < 0 || v > max)
		return false;
	*out = v;
	return true;
}

int
strv_push(struct strv *sv, const char *s)
{
	const char **v = realloc(sv->v, (sv->n + 1) * sizeof(*v));
	if (!v)
		return -1;
	v[sv->n++] = s;
	sv->v = v;
	return 0;
}

void
strv_free(struct strv *sv)
{
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

void
cli_json_begin(struct cli *cli, struct json *j)
{
	(void)cli;
	json_init(j, stdout, true);
}

/* Parse a command that takes exactly nargs positional arguments. */
int
cli_parse_plain(struct cli *cli, const struct command *cmd, int argc, char **argv, int nargs,
		const char *what)
{
	return cli_parse(cli, cmd, argc, argv, NULL, nargs, nargs, what);
}

int
cli_parse(struct cli *cli, const struct command *cmd, int argc, char **argv,
	  const struct cli_opt *opts, int min_pos, int max_pos, const char *what)
{
	enum { MAX_OPTS = 24 };
	static const struct option common[] = { COMMON_OPTIONS };
	struct option longopts[MAX_OPTS + 1 + ARRAY_LEN(common) + 1];
	size_t n = 0;
	for (; opts && opts[n].name; n++) {
		if (n == MAX_OPTS)
			return cli_error(cli, "internal error: too many options");
		longopts[n] =
			(struct option){ opts[n].name,
					 opts[n].kind == CLI_FLAG ? no_argument : required_argument,
					 NULL, OPT_FIRST_LOCAL + (int)n };
	}
	/* getopt_long would take --pin as short for --pin-file, and the PIN
	 * would then be a file name in the error message. A PIN never comes
	 * from the command line: --pin is refused by name, without its value. */
	size_t n_all = n;
	for (size_t i = 0; i < n; i++)
		if (strcmp(opts[i].name, "pin-file") == 0)
			longopts[n_all++] = (struct option){ "pin", optional_argument, NULL, OPT_PIN };
	memcpy(&longopts[n_all], common, sizeof(common));
	longopts[n_all + ARRAY_LEN(common)] = (struct option){ NULL, 0, NULL, 0 };

	int opt;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (opt >= OPT_FIRST_LOCAL && opt < OPT_FIRST_LOCAL + (int)n) {
			const struct cli_opt *o = &opts[opt - OPT_FIRST_LOCAL];
			if (o->kind == CLI_STR)
				*(const char **)o->target = optarg;
			else if (o->kind == CLI_FLAG)
				*(bool *)o->target = true;
			else if (strv_push(o->target, optarg))
				return cli_error(cli, "out of memory");
			continue;
		}
		if (opt == OPT_PIN)
			return cli_usage_error(cli, cmd,
					       "there is no --pin: a PIN is never given on the command "
					       "line (use --pin-file FILE or the terminal prompt)");
		int rc = cli_common_option(cli, cmd, opt, argv);
		if (rc)
			return rc;
	}
	int npos = argc - optind;
	if (npos < min_pos)
		return cli_usage_error(cli, cmd, "missing %s", what);
	if (npos > max_pos)
		return cli_usage_error(cli, cmd, "unexpected argument '%s'",
				       argv[optind + max_pos]);
	return EXIT_OK;
}

void
cli_done_id(struct cli *cli, const char *what, long long id, const char *text)
{
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, what);
		json_int(&j, id);
		json_object_end(&j);
		json_end(&j);
	} else {
		printf("%s %lld\n", text, id);
	}
}

int
cli_context(struct cli *cli)
{
	if (srr_register_new(&cli->reg))
		return cli_error(cli, "out of memory");
	return EXIT_OK;
}

void
cli_done(struct cli *cli, const char *what, const char *id, const char *text)
{
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, what);
		json_string(&j, id);
		json_object_end(&j);
		json_end(&j);
	} else {
		printf("%s %s\n", text, id);
	}
}

/* Make a rename in the directory (the first dir_len bytes of path, "."
 * when 0) survive a crash; best effort, as the file itself is synced. */
static void
sync_dir(char *path, size_t dir_len)
{
	if (dir_len)
		path[dir_len] = '\0';
	int fd = open(dir_len ? path : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int
cli_write_file(struct cli *cli, const char *path, int (*fn)(struct cli *, FILE *, void *),
	       void *userdata, long *bytes)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 16);
	if (!tmp)
		return cli_error(cli, "out of memory");
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
	snprintf(tmp, n + 16, "%.*s.%s.XXXXXX", (int)dir_len, path, path + dir_len);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		int rc =
			cli_error(cli, "%s: cannot create a file there: %s", path, strerror(errno));
		free(tmp);
		return rc;
	}
	FILE *f = fdopen(fd, "w");
	int rc = f ? EXIT_OK : cli_error(cli, "%s: %s", tmp, strerror(errno));
	if (rc == EXIT_OK && fn(cli, f, userdata))
		rc = cli_fail(cli, -1);
	if (rc == EXIT_OK && (fflush(f) != 0 || (*bytes = ftell(f)) < 0 || fsync(fd) != 0))
		rc = cli_error(cli, "%s: %s", tmp, strerror(errno));
	if ((f ? fclose(f) : close(fd)) != 0 && rc == EXIT_OK)
		rc = cli_error(cli, "%s: %s", tmp, strerror(errno));
	if (rc == EXIT_OK && rename(tmp, path) != 0)
		rc = cli_error(cli, "%s: %s", path, strerror(errno));
	if (rc != EXIT_OK)
		unlink(tmp);
	else
		sync_dir(tmp, dir_len);
	free(tmp);
	return rc;
}
