/* SPDX-License-Identifier: MIT */
/*
 * New files for exports, all or nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files-private.h"
#include "libsrr-private.h"

void
written_undo(struct written *done, bool undo)
{
	for (size_t i = done->n; i-- > 0;) {
		if (undo)
			(done->dir[i] ? rmdir : unlink)(done->path[i]);
		free(done->path[i]);
	}
	free(done->path);
	free(done->dir);
	*done = (struct written){ 0 };
}

static int
remember(struct srr_register *reg, struct written *done, const char *path, bool dir)
{
	char **grown = realloc(done->path, (done->n + 1) * sizeof(*grown));
	if (grown)
		done->path = grown;
	bool *dgrown = grown ? realloc(done->dir, (done->n + 1) * sizeof(*dgrown)) : NULL;
	if (dgrown)
		done->dir = dgrown;
	char *copy = dgrown ? strdup(path) : NULL;
	if (!copy)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	done->path[done->n] = copy;
	done->dir[done->n++] = dir;
	return 0;
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return fsync(fd);
}

int
write_new(struct srr_register *reg, struct written *done, const char *path, const void *data,
	  size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return reg_error(reg, errno == EEXIST ? SRR_E_EXISTS : SRR_E_IO, "%s: %s", path,
				 strerror(errno));
	int rc = remember(reg, done, path, false);
	if (rc) {
		close(fd);
		unlink(path);
		return rc;
	}
	if (write_all(fd, data, len) != 0) {
		int e = errno;
		close(fd);
		return reg_error(reg, SRR_E_IO, "%s: %s", path, strerror(e));
	}
	if (close(fd) != 0)
		return reg_error(reg, SRR_E_IO, "%s: %s", path, strerror(errno));
	return 0;
}

int
write_new_in(struct srr_register *reg, struct written *done, const char *dir, const char *name,
	     const void *data, size_t len)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return reg_error(reg, SRR_E_INPUT, "export path too long: %s", dir);
	return write_new(reg, done, path, data, len);
}

int
write_stream_new(struct srr_register *reg, struct written *done, const char *path, FILE **out)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return reg_error(reg, errno == EEXIST ? SRR_E_EXISTS : SRR_E_IO, "%s: %s", path,
				 strerror(errno));
	int rc = remember(reg, done, path, false);
	if (rc) {
		close(fd);
		unlink(path);
		return rc;
	}
	/* From here the file is remembered: undo removes it. */
	FILE *f = fdopen(fd, "w");
	if (!f) {
		int e = errno;
		close(fd);
		return reg_error(reg, SRR_E_IO, "%s: %s", path, strerror(e));
	}
	*out = f;
	return 0;
}

int
write_stream_close(struct srr_register *reg, FILE *f, const char *path)
{
	int e = 0;
	errno = 0;
	if (fflush(f) != 0 || ferror(f))
		e = errno ? errno : EIO;
	else if (fsync(fileno(f)) != 0)
		e = errno;
	if (fclose(f) != 0 && !e)
		e = errno ? errno : EIO;
	return e ? reg_error(reg, SRR_E_IO, "%s: %s", path, strerror(e)) : 0;
}

static bool
dir_empty(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return false;
	struct dirent *e;
	bool empty = true;
	while (empty && (e = readdir(d)))
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(d);
	return empty;
}

int
write_dir(struct srr_register *reg, struct written *done, const char *path)
{
	if (mkdir(path, 0755) == 0)
		return remember(reg, done, path, true);
	if (errno != EEXIST)
		return reg_error(reg, SRR_E_IO, "%s: %s", path, strerror(errno));
	struct stat sb;
	if (lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return reg_error(reg, SRR_E_EXISTS, "%s: exists and is not a directory", path);
	if (!dir_empty(path))
		return reg_error(reg, SRR_E_EXISTS, "%s: exists and is not empty", path);
	return 0;
}
