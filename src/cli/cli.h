/* SPDX-License-Identifier: MIT */
#ifndef SRR_CLI_H
#define SRR_CLI_H

/* The srr tool: argument parsing, output and exit codes over libsrr's
 * public API. Nothing here touches SQLite or GnuTLS directly. */

#include <getopt.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <srr/srr.h>

#include "util/json.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_PROBLEMS = 1, /* the check ran and found problems */
	EXIT_USAGE = 2,
	EXIT_ERROR = 3, /* bad input, not found, database, token, PIN */
};

struct cli {
	const char *db;
	const char *actor;
	bool json;
	const char *cmd; /* "supplier add", for messages */
	struct srr_register *reg;
};

struct command {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	const char *summary;
	const char *usage; /* synopsis and options, ends with a newline */
};

/* Options every command accepts, after the command name too. */
enum { OPT_DB = 0x1000, OPT_ACTOR, OPT_JSON, OPT_HELP, OPT_PIN, OPT_FIRST_LOCAL };
#define COMMON_OPTIONS                                                                             \
	{ "db", required_argument, NULL, OPT_DB },                                                 \
		{ "actor", required_argument, NULL, OPT_ACTOR },                                   \
		{ "json", no_argument, NULL, OPT_JSON },                                           \
	{                                                                                          \
		"help", no_argument, NULL, 'h'                                                     \
	}

/* Handle a getopt result shared by all commands. Returns -1 when opt is not
 * a common option, else an exit code (EXIT_OK to go on, or -2 after
 * printing help). */
int cli_common_option(struct cli *cli, const struct command *cmd, int opt, char **argv);
#define CLI_HELP_SHOWN -2

/* Run a group's subcommand: argv[0] is the group, argv[1] the subcommand. */
int cli_dispatch(struct cli *cli, const char *group, const struct command *table, size_t n,
		 int argc, char **argv);

/* Parse options with getopt_long; returns EXIT_OK to go on, or an exit code
 * to return (CLI_HELP_SHOWN means help was printed: exit 0). */
int cli_usage_error(struct cli *cli, const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cli_print_usage(const struct command *cmd, const char *group, bool brief);

/* The register path: --db, $SRR_DB, else ./register.db. */
const char *cli_db_path(const struct cli *cli);
/* Open (or create) the register and set the actor. */
int cli_open(struct cli *cli, bool create);
int cli_open_with_policy(struct cli *cli, bool create, const char *policy);
/* Report the library's last error and return EXIT_ERROR. */
int cli_fail(struct cli *cli, int rc);
/* A one-line error that is the user's input, not the library's. */
int cli_error(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Longest message line on stderr (the library keeps its own shorter). */
#define CLI_MSG_MAX 1024
/* fmt into buf, one printable line, cut with "..." when longer than size. */
void cli_vformat(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* fmt as one such line on stderr, with its LF. */
void cli_eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A command's own options, declared as data: cli_parse() fills the targets. */
enum cli_opt_kind {
	CLI_STR,  /* const char **: the value (the last one given wins) */
	CLI_FLAG, /* bool *: set when given */
	CLI_LIST, /* struct strv *: every value, in order */
};

struct cli_opt {
	const char *name;
	enum cli_opt_kind kind;
	void *target;
};

/* Parse argv: the command's opts (ended by a { NULL } entry) and the common
 * options, then check there are min_pos..max_pos positional arguments
 * (left at argv[optind]); "what" names them for the error. Returns EXIT_OK,
 * CLI_HELP_SHOWN after --help, or the exit code of a usage error. */
int cli_parse(struct cli *cli, const struct command *cmd, int argc, char **argv,
	      const struct cli_opt *opts, int min_pos, int max_pos, const char *what);

/* Parse a command that takes only common options and exactly nargs
 * positional arguments (left at argv[optind]); "what" names them. */
int cli_parse_plain(struct cli *cli, const struct command *cmd, int argc, char **argv, int nargs,
		    const char *what);

/* Confirm a change: {"<what>": id} with --json, else "<text> <id>". */
void cli_done(struct cli *cli, const char *what, const char *id, const char *text);

/* The same with a numeric id: {"<what>": 7}. */
void cli_done_id(struct cli *cli, const char *what, long long id, const char *text);

/* A library context without a register, for commands that need none. */
int cli_context(struct cli *cli);

/* Parse a non-negative integer option strictly. */
bool cli_parse_uint(const char *s, long long max, long long *out);

/* Growable array of strings from repeated options (argv-borrowed). */
struct strv {
	const char **v;
	size_t n;
};
int strv_push(struct strv *sv, const char *s);
void strv_free(struct strv *sv);

/* Aligned text tables for humans. */
struct table;
struct table *table_new(size_t ncols, const char *const *headers);
void table_row(struct table *t, ...); /* ncols strings (NULL prints "-") */
void table_print(struct table *t);    /* prints and frees */

/* A token PIN: from --pin-file, else asked on the terminal without echo. */
struct pin_prompt {
	const char *pin_file; /* or NULL */
	unsigned asked;
	char error[320]; /* why no PIN was given, when the callback refused */
};
int cli_pin(void *userdata, const char *label, unsigned flags, char *pin, size_t size);
/* Open the key at uri with pp's PIN; EXIT_OK or an error reported. */
int cli_token_open(struct cli *cli, struct srr_token **tok, const char *uri, const char *module,
		   struct pin_prompt *pp);

/* Write a file whole or not at all: fn writes to a new file next to path
 * (mode 0600; fn returns non-zero after a library error), which is synced
 * and renamed into path's place. bytes gets the size. */
int cli_write_file(struct cli *cli, const char *path, int (*fn)(struct cli *, FILE *, void *),
		   void *userdata, long *bytes);

/* JSON on stdout. */
void cli_json_begin(struct cli *cli, struct json *j);

/* Findings of a check (findings.c): printed by print as they come, or
 * with json kept for cli_findings_json() (a "findings" key and array). */
struct cli_finding {
	long long approval, signature, event, checkpoint;
	char *signer, *check, *message;
	bool failure;
};
struct cli_findings {
	bool json;
	void (*print)(const struct srr_finding *f);
	struct cli_finding *v;
	size_t n, cap;
	bool oom; /* one could not be kept */
};
void cli_findings_add(void *userdata, const struct srr_finding *f); /* an srr_finding_fn */
void cli_findings_json(struct json *j, const struct cli_findings *fs);
void cli_findings_free(struct cli_findings *fs);

int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_supplier(struct cli *cli, int argc, char **argv);
int cmd_contract(struct cli *cli, int argc, char **argv);
int cmd_sla(struct cli *cli, int argc, char **argv);
int cmd_log(struct cli *cli, int argc, char **argv);
int cmd_policy(struct cli *cli, int argc, char **argv);
int cmd_review(struct cli *cli, int argc, char **argv);
int cmd_incident(struct cli *cli, int argc, char **argv);
int cmd_risk(struct cli *cli, int argc, char **argv);
int cmd_due(struct cli *cli, int argc, char **argv);
int cmd_approval(struct cli *cli, int argc, char **argv);
int cmd_approve(struct cli *cli, int argc, char **argv);
int cmd_verify(struct cli *cli, int argc, char **argv);
int cmd_checkpoint(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_verify_bundle(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);

extern const struct command init_command;
extern const struct command log_command;
extern const struct command due_command;
extern const struct command approve_command;
extern const struct command verify_command;
extern const struct command checkpoint_command;
extern const struct command export_command;
extern const struct command import_command;
extern const struct command verify_bundle_command;
extern const struct command report_command;
extern const struct command supplier_commands[];
extern const size_t n_supplier_commands;
extern const struct command contract_commands[];
extern const size_t n_contract_commands;
extern const struct command sla_commands[];
extern const size_t n_sla_commands;

#endif
