// SPDX-License-Identifier: GPL-2.0
/*
 * vmlabctl - send one command to /sys/kernel/debug/vmlab/ctl and print the
 * reply.
 *
 *   vmlabctl <command words...>
 *
 * The words are joined by single spaces and written with one write(); the
 * reply is read back from the same open file (the kernel side is a
 * simple_transaction file).  On an error reply the kernel fails the write()
 * with the errno, but the reply text is still readable.
 *
 * Exit status: 0 reply starts with "ok", 1 error reply or failed write,
 * 2 usage error.  VMLAB_CTL overrides the control file path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_CTL	"/sys/kernel/debug/vmlab/ctl"
#define REPLY_MAX	(1024 * 1024)

static const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "EUNKNOWN";
}

static int print_usage(void)
{
	fprintf(stderr, "usage: vmlabctl <command> [args...]\n");
	return 2;
}

/* Read the whole reply; returns its length or -errno. */
static ssize_t read_reply(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (len)
				break;
			return -errno;
		}
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	return len;
}

int main(int argc, char **argv)
{
	const char *path = getenv("VMLAB_CTL");
	size_t cmdlen = 0, off = 0;
	int write_err = 0;
	ssize_t n, len;
	char *cmd, *reply;
	int fd, i;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return print_usage();
	if (!path || !*path)
		path = DEFAULT_CTL;

	for (i = 1; i < argc; i++)
		cmdlen += strlen(argv[i]) + 1;
	cmd = malloc(cmdlen);
	reply = malloc(REPLY_MAX);
	if (!cmd || !reply) {
		printf("error ENOMEM out of memory\n");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		size_t l = strlen(argv[i]);

		memcpy(cmd + off, argv[i], l);
		off += l;
		cmd[off++] = i + 1 < argc ? ' ' : '\0';
	}

	fd = open(path, O_RDWR);
	if (fd < 0) {
		int err = errno;

		printf("error %s cannot open %s: %s\n", errno_name(err), path,
		       strerror(err));
		return 1;
	}

	do {
		n = write(fd, cmd, off - 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		write_err = errno;
	else if ((size_t)n != off - 1)
		write_err = EIO;

	len = read_reply(fd, reply, REPLY_MAX);
	close(fd);

	if (len > 0) {
		fputs(reply, stdout);
		if (reply[len - 1] != '\n')
			putchar('\n');
		if (!write_err && !strncmp(reply, "ok", 2))
			return 0;
		return 1;
	}

	if (write_err) {
		printf("error %s %s\n", errno_name(write_err),
		       strerror(write_err));
		return 1;
	}
	if (len < 0)
		printf("error %s reading reply: %s\n", errno_name(-len),
		       strerror(-len));
	else
		printf("error ENODATA empty reply\n");
	return 1;
}
