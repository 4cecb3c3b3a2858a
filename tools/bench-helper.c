// SPDX-License-Identifier: GPL-2.0
/*
 * bench-forkcow: the host side of vmlab_bench.ko's fork+COW rows
 * (tests/bench/bench_fork.c), a real process doing a real fork().
 *
 *   bench-forkcow [FILE]   (default /sys/kernel/debug/vmlab_bench/forkcow)
 *
 * Waits for FILE to appear (the guest starts it just before insmod), opens
 * it, checks that it refuses bad input (answers with no request read,
 * numbers that are no errno, a second open) and serves the requests read
 * from it, answering each with "0" or a negative errno written back:
 *   setup <MiB>  map that much private anonymous memory (no THP) and write
 *                every page
 *   run <n>      n times: fork(); the child writes one byte of every page
 *                (a COW fault each) and _exit(0)s; waitpid()
 *   teardown     unmap it
 *   quit         exit
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096ul
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char *region;
static size_t region_len;

static void teardown(void)
{
	if (region)
		munmap(region, region_len);
	region = NULL;
	region_len = 0;
}

static int setup(unsigned long mb)
{
	size_t i;

	teardown();
	if (!mb || mb > 4096)
		return -EINVAL;
	region_len = mb << 20;
	region = mmap(NULL, region_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED) {
		region = NULL;
		return -errno;
	}
	madvise(region, region_len, MADV_NOHUGEPAGE);
	for (i = 0; i < region_len; i += PAGE)
		region[i] = 1;
	return 0;
}

static int run(unsigned long n)
{
	int status;
	size_t i;
	pid_t pid;

	if (!region)
		return -EINVAL;
	while (n--) {
		pid = fork();
		if (pid < 0)
			return -errno;
		if (!pid) {
			for (i = 0; i < region_len; i += PAGE)
				region[i] = 2;
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			return -ECHILD;
	}
	return 0;
}

static int serve(int fd)
{
	char req[64], ans[16];
	unsigned long arg;
	ssize_t n;
	int ret;

	for (;;) {
		n = read(fd, req, sizeof(req) - 1);
		if (n <= 0)
			return n < 0 && errno != EIO ? 1 : 0;
		req[n] = 0;
		if (sscanf(req, "setup %lu", &arg) == 1)
			ret = setup(arg);
		else if (sscanf(req, "run %lu", &arg) == 1)
			ret = run(arg);
		else if (!strncmp(req, "teardown", 8))
			ret = (teardown(), 0);
		else if (strncmp(req, "quit", 4))
			ret = -EINVAL;
		else
			return 0;
		n = snprintf(ans, sizeof(ans), "%d", ret);
		if (write(fd, ans, n) != n)
			return 1;
	}
}

/* Bad input to the file must be refused and change nothing. */
static int selftest(int fd, const char *path)
{
	static const char *const bad[] = { "abc", "7", "-99999", "0" };
	unsigned int i;
	int fd2;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (write(fd, bad[i], strlen(bad[i])) >= 0 || errno != EINVAL) {
			fprintf(stderr, "bench-forkcow: \"%s\" was not refused (EINVAL)\n", bad[i]);
			return 1;
		}
	}
	fd2 = open(path, O_RDWR);
	if (fd2 >= 0 || errno != EBUSY) {
		fprintf(stderr, "bench-forkcow: a second open was not refused with EBUSY\n");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/sys/kernel/debug/vmlab_bench/forkcow";
	struct timespec poll = { 0, 10 * 1000 * 1000 };
	int fd;

	while ((fd = open(path, O_RDWR)) < 0) {
		if (errno != ENOENT) {
			perror(path);
			return 1;
		}
		nanosleep(&poll, NULL);
	}
	if (selftest(fd, path))
		return 1;
	return serve(fd);
}
