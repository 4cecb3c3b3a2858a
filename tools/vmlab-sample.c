// SPDX-License-Identifier: GPL-2.0
/*
 * vmlab-sample: sample vmlab's counters every N ms into a CSV on stdout,
 * for a plot of a run (tests/harness/counters.sh, bench-plot.py).
 *
 *   vmlab-sample [-i MS] [-n SAMPLES] [-d DEBUGFS_DIR]
 *
 * Each line: t_ms (since the first sample, CLOCK_MONOTONIC),
 * free_o0..free_o10 (free blocks of each order, summed over every zone of
 * buddyinfo), then nr_free_pages, pgfault, cow_fault, pgalloc (the
 * pgalloc_* events summed) and pgfree from vmstat. Runs until SIGTERM or
 * SIGINT (or N samples), then prints the last sample and exits 0.
 * Each wait runs to the next multiple of the interval since the start, so
 * the interval does not drift with the time a sample takes; it waits in
 * sigtimedwait() with SIGTERM and SIGINT blocked, so a signal ends the
 * wait at once (and no handler or shared flag is needed).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ORDERS 11

struct sample {
	unsigned long free[ORDERS];
	unsigned long nr_free, pgfault, cow, pgalloc, pgfree;
};

/* Sum each order's column over every "Node n, zone NAME c0 c1 ..." line. */
static int read_buddyinfo(const char *dir, struct sample *s)
{
	char path[256], line[512], *p, *end;
	unsigned long v;
	FILE *f;
	int o;

	snprintf(path, sizeof(path), "%s/buddyinfo", dir);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, "zone");
		if (!p)
			continue;
		p += 4;
		while (*p == ' ')
			p++;
		p = strchr(p, ' ');	/* past the zone's name */
		for (o = 0; p && o < ORDERS; o++, p = end) {
			v = strtoul(p, &end, 10);
			if (end == p)
				break;
			s->free[o] += v;
		}
	}
	fclose(f);
	return 0;
}

static int read_vmstat(const char *dir, struct sample *s)
{
	char path[256], name[64];
	unsigned long v;
	FILE *f;

	snprintf(path, sizeof(path), "%s/vmstat", dir);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fscanf(f, "%63s %lu", name, &v) == 2) {
		if (!strcmp(name, "nr_free_pages"))
			s->nr_free = v;
		else if (!strcmp(name, "pgfault"))
			s->pgfault = v;
		else if (!strcmp(name, "cow_fault"))
			s->cow = v;
		else if (!strncmp(name, "pgalloc_", 8) && strcmp(name, "pgalloc_fail"))
			s->pgalloc += v;
		else if (!strcmp(name, "pgfree"))
			s->pgfree = v;
	}
	fclose(f);
	return 0;
}

static long long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

/* Wait until @next or a signal of @set; true when a signal came. */
static int wait_until(const struct timespec *next, const sigset_t *set)
{
	struct timespec now, left;
	long long ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = ns_between(&now, next);
	if (ns <= 0)
		return 0;
	left.tv_sec = ns / 1000000000LL;
	left.tv_nsec = ns % 1000000000LL;
	return sigtimedwait(set, NULL, &left) > 0;
}

/* Advance @next to the first multiple of @interval ms still ahead. */
static const struct timespec *next_slot(struct timespec *next, long interval)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	do {
		next->tv_nsec += interval * 1000000L;
		next->tv_sec += next->tv_nsec / 1000000000L;
		next->tv_nsec %= 1000000000L;
	} while (ns_between(&now, next) <= 0);
	return next;
}

static long long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000LL + (b->tv_nsec - a->tv_nsec) / 1000000;
}

static int print_sample(const char *dir, const struct timespec *t0)
{
	struct sample s = { 0 };
	struct timespec now;
	int o, ret;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ret = read_buddyinfo(dir, &s);
	if (!ret)
		ret = read_vmstat(dir, &s);
	if (ret)
		return ret;
	printf("%lld", ms_between(t0, &now));
	for (o = 0; o < ORDERS; o++)
		printf(",%lu", s.free[o]);
	printf(",%lu,%lu,%lu,%lu,%lu\n", s.nr_free, s.pgfault, s.cow, s.pgalloc, s.pgfree);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = "/sys/kernel/debug/vmlab";
	long interval = 100, samples = -1;
	struct timespec t0, next;
	int opt, o, ret, stop = 0;
	sigset_t set;

	while ((opt = getopt(argc, argv, "i:n:d:")) != -1) {
		if (opt == 'i')
			interval = strtol(optarg, NULL, 10);
		else if (opt == 'n')
			samples = strtol(optarg, NULL, 10);
		else if (opt == 'd')
			dir = optarg;
		else
			goto usage;
	}
	if (interval < 1 || interval > 60000 || optind != argc)
		goto usage;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("t_ms");
	for (o = 0; o < ORDERS; o++)
		printf(",free_o%d", o);
	printf(",nr_free_pages,pgfault,cow_fault,pgalloc,pgfree\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	next = t0;
	while (samples--) {
		ret = print_sample(dir, &t0);
		if (ret) {
			fprintf(stderr, "vmlab-sample: %s: %s\n", dir, strerror(-ret));
			return 1;
		}
		if (stop)
			break;
		stop = wait_until(next_slot(&next, interval), &set);
	}
	return 0;
usage:
	fprintf(stderr, "usage: vmlab-sample [-i MS] [-n SAMPLES] [-d DEBUGFS_DIR]\n");
	return 2;
}
