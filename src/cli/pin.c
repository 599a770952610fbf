/* SPDX-License-Identifier: MIT */
/*
 * Getting a token PIN from the person at the terminal, or from a file.
 *
 * Never from argv or the environment. The PIN goes straight into the
 * buffer GnuTLS hands the callback; the only copy srr makes (reading a
 * file) is wiped before the callback returns. Without a terminal and
 * without --pin-file there is no one to ask: that is an error, not a
 * blocking read on stdin.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

#define PIN_FILE_MAX 256

static int tty_fd = -1;
static struct termios tty_saved;

static void
restore_tty(void)
{
	if (tty_fd >= 0)
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
}

/* Interrupted at the prompt: give the terminal its echo back first. */
static void
on_signal(int sig)
{
	restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int
from_file(struct pin_prompt *pp, char *pin, size_t size)
{
	/* O_NONBLOCK: opening a FIFO would wait for a writer; this opens it
	 * at once, and fstat then refuses it as not a regular file. */
	int fd = open(pp->pin_file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(pp->error, sizeof(pp->error), "--pin-file %s: %s", pp->pin_file,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > PIN_FILE_MAX) {
		snprintf(pp->error, sizeof(pp->error),
			 "--pin-file %s: not a regular file of at most %d bytes", pp->pin_file,
			 PIN_FILE_MAX);
		close(fd);
		return -1;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(pp->error, sizeof(pp->error),
			 "--pin-file %s: open to others (mode %04o): chmod 600 it", pp->pin_file,
			 (unsigned)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	char buf[PIN_FILE_MAX + 1];
	ssize_t n;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0) {
		snprintf(pp->error, sizeof(pp->error), "--pin-file %s: %s", pp->pin_file,
			 strerror(errno));
		return -1;
	}
	/* The first line, without its end. */
	size_t len = strcspn(buf, "\r\n");
	if ((size_t)n < len)
		len = (size_t)n;
	int rc = 0;
	if (len == 0 || len >= size) {
		snprintf(pp->error, sizeof(pp->error), "--pin-file %s: %s", pp->pin_file,
			 len ? "the PIN is too long" : "the first line is empty");
		rc = -1;
	} else {
		memcpy(pin, buf, len);
		pin[len] = '\0';
	}
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

static int
from_tty(struct pin_prompt *pp, const char *label, unsigned flags, char *pin, size_t size)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || !isatty(fd)) {
		snprintf(pp->error, sizeof(pp->error),
			 "no terminal to ask for the PIN of token '%s' on: use --pin-file FILE",
			 label);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct termios raw;
	if (tcgetattr(fd, &tty_saved) != 0) {
		snprintf(pp->error, sizeof(pp->error), "cannot set up the terminal: %s",
			 strerror(errno));
		close(fd);
		return -1;
	}
	tty_fd = fd;
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term, old_hup;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	raw = tty_saved;
	raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	raw.c_lflag |= ICANON;
	tcsetattr(fd, TCSAFLUSH, &raw);

	char prompt[160];
	int plen = snprintf(prompt, sizeof(prompt), "%sPIN for token '%s': ",
			    (flags & SRR_PIN_FINAL_TRY)   ? "Last try before the PIN locks. "
			    : (flags & SRR_PIN_COUNT_LOW) ? "Few tries left. "
							  : "",
			    label);
	if (write(fd, prompt, (size_t)plen) < 0)
		(void)0;
	size_t len = 0;
	int rc = 0;
	for (;;) {
		char c;
		ssize_t n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c == '\n' || c == '\r')
			break;
		if (len + 1 < size)
			pin[len++] = c;
		else
			rc = -1;
		c = 0;
	}
	pin[len] = '\0';
	if (write(fd, "\n", 1) < 0)
		(void)0;
	restore_tty();
	tty_fd = -1;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	close(fd);
	if (rc || len == 0) {
		explicit_bzero(pin, size);
		snprintf(pp->error, sizeof(pp->error), "token '%s': %s", label,
			 rc ? "the PIN is too long" : "no PIN given");
		return -1;
	}
	return 0;
}

int
cli_pin(void *userdata, const char *label, unsigned flags, char *pin, size_t size)
{
	struct pin_prompt *pp = userdata;
	pp->asked++;
	return pp->pin_file ? from_file(pp, pin, size) : from_tty(pp, label, flags, pin, size);
}

int
cli_token_open(struct cli *cli, struct srr_token **tok, const char *uri, const char *module,
	       struct pin_prompt *pp)
{
	pp->error[0] = '\0';
	/* From here on the process holds a PIN, then a logged-in session:
	 * no core dump of it, and no ptrace attach by other processes of the
	 * same user (only root's). For the rest of the run: the session lasts
	 * until srr_token_free(), and a few more lines gain nothing. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (srr_token_open(tok, cli->reg, uri, module, cli_pin, pp) == 0)
		return EXIT_OK;
	if (pp->error[0])
		return cli_error(cli, "%s", pp->error);
	return cli_fail(cli, -1);
}
