// SPDX-License-Identifier: GPL-2.0
/*
 * bench-helper: the host side of the vmlab_bench.ko rows that need a real
 * process (tests/bench/bench_helper.c): a real fork() for the fork+COW
 * rows, the guest kernel's own swap for the swap rows.
 *
 *   bench-helper [FILE]   (default /sys/kernel/debug/vmlab_bench/helper)
 *
 * Waits for FILE to appear (the guest starts it just before insmod), opens
 * it, checks that it refuses bad input (answers with no request read,
 * numbers that are no errno, a second open) and serves the requests read
 * from it, answering each with "0" or a negative errno written back:
 *   setup <MiB>         map that much private anonymous memory (no THP)
 *                       and write every page
 *   run <n>             n times: fork(); the child writes one byte of
 *                       every page (a COW fault each) and _exit(0)s;
 *                       waitpid()
 *   teardown            unmap it
 *   swap-setup <pages>  map that many pages, write each, and check that
 *                       MADV_PAGEOUT really frees them (-ENODEV without an
 *                       active swap area, -EIO when pages stay resident)
 *   swap-run <n>        the next n pages (wrapping): MADV_PAGEOUT, then
 *                       an atomic add to one byte of each (one write
 *                       fault: swap-in, or a hit of the readahead)
 *   swap-teardown       check every page's byte against the adds made
 *                       (-EIO on a mismatch), print the pages moved and
 *                       /proc/vmstat's pswpout and pswpin over the rows,
 *                       unmap
 *   disk-probe          0 if the kernel has swap and /dev/vdb is a block
 *                       device, -ENODEV if not
 *   disk-setup <pages>  swapon /dev/vdb at the highest priority, page-cluster
 *                       0 (no readahead), map that many pages, write each,
 *                       MADV_PAGEOUT them and reclaim (memory.reclaim of
 *                       the root cgroup) until none is resident, not even
 *                       in the swap cache (-EIO if they stay)
 *   disk-fault <i>      read page i; answer its time in ns, or -EAGAIN if
 *                       the read was not exactly one major fault
 *   disk-teardown       unmap, swapoff /dev/vdb, page-cluster as it was
 *   quit                exit
 *
 * Answers are a negative errno, 0, or (disk-fault) a time in ns.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096ul
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char *region;
static size_t region_len;

/* The swap rows' region, the adds each page's byte has had, the cursor. */
static struct {
	char *mem;
	unsigned char *want;
	size_t pages, cursor, moved;
	unsigned long pswpout, pswpin;
} sw;

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

/* A counter of /proc/vmstat, or 0 if it cannot be read. */
static unsigned long vmstat_read(const char *name)
{
	char key[64];
	unsigned long val, ret = 0;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return 0;
	while (fscanf(f, "%63s %lu", key, &val) == 2) {
		if (!strcmp(key, name)) {
			ret = val;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* Is some swap area active? /proc/swaps has a line after its header. */
static int swap_active(void)
{
	char line[256];
	int n = 0;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n > 1;
}

/* One write fault per page: a locked add is a single read-modify-write. */
static void swap_touch(size_t first, size_t n)
{
	size_t i;

	for (i = first; i < first + n; i++) {
		__atomic_fetch_add(&sw.mem[i * PAGE], 1, __ATOMIC_RELAXED);
		sw.want[i]++;
	}
}

static void swap_teardown(void)
{
	if (sw.mem)
		munmap(sw.mem, sw.pages * PAGE);
	free(sw.want);
	memset(&sw, 0, sizeof(sw));
}

static int swap_setup(unsigned long pages)
{
	unsigned char vec[16];
	size_t i;

	swap_teardown();
	if (pages < 16 || pages > (1ul << 20))
		return -EINVAL;
	if (!swap_active())
		return -ENODEV;
	sw.mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sw.want = calloc(pages, 1);
	if (sw.mem == MAP_FAILED || !sw.want) {
		sw.mem = sw.mem == MAP_FAILED ? NULL : sw.mem;
		swap_teardown();
		return -ENOMEM;
	}
	sw.pages = pages;
	madvise(sw.mem, pages * PAGE, MADV_NOHUGEPAGE);
	swap_touch(0, pages);
	/* The row means nothing unless pageout really takes the pages away. */
	if (madvise(sw.mem, 16 * PAGE, MADV_PAGEOUT) ||
	    mincore(sw.mem, 16 * PAGE, vec)) {
		i = errno;
		swap_teardown();
		return -(int)i;
	}
	for (i = 0; i < 16; i++) {
		if (vec[i] & 1) {
			fprintf(stderr, "bench-helper: page %zu stayed resident after %s\n",
				i, "MADV_PAGEOUT");
			swap_teardown();
			return -EIO;
		}
	}
	swap_touch(0, 16);
	sw.pswpout = vmstat_read("pswpout");
	sw.pswpin = vmstat_read("pswpin");
	return 0;
}

static int swap_run(unsigned long n)
{
	size_t i;

	if (!sw.mem || !n || n > sw.pages)
		return -EINVAL;
	if (sw.cursor + n > sw.pages)
		sw.cursor = 0;
	if (madvise(sw.mem + sw.cursor * PAGE, n * PAGE, MADV_PAGEOUT))
		return -errno;
	swap_touch(sw.cursor, n);
	/* Each byte came back from swap and took one add: it must be what we counted. */
	for (i = sw.cursor; i < sw.cursor + n; i++)
		if ((unsigned char)sw.mem[i * PAGE] != sw.want[i])
			return -EIO;
	sw.cursor += n;
	sw.moved += n;
	return 0;
}

static int swap_check(void)
{
	size_t i, bad = 0;

	if (!sw.mem)
		return -EINVAL;
	for (i = 0; i < sw.pages; i++)
		bad += (unsigned char)sw.mem[i * PAGE] != sw.want[i];
	printf("bench-helper: swap: %zu pages out and in, pswpout +%lu, pswpin +%lu, %zu bad\n",
	       sw.moved, vmstat_read("pswpout") - sw.pswpout,
	       vmstat_read("pswpin") - sw.pswpin, bad);
	fflush(stdout);
	swap_teardown();
	return bad ? -EIO : 0;
}

#define DISK		"/dev/vdb"
#define PAGE_CLUSTER	"/proc/sys/vm/page-cluster"
#define CGROUP		"/sys/fs/cgroup"

/* The latency row's region on the guest kernel's disk swap area. */
static struct {
	char *mem;
	size_t pages;
	int swapped_on;
	char cluster[16];	/* page-cluster before the row, "" if unchanged */
} dk;

/* Write @val to the file @path. Return: 0 or -errno. */
static int put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;
	ssize_t len = strlen(val);

	if (fd < 0)
		return -errno;
	if (write(fd, val, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

static void disk_teardown(void)
{
	if (dk.mem)
		munmap(dk.mem, dk.pages * PAGE);
	if (dk.swapped_on && swapoff(DISK))
		perror("bench-helper: swapoff " DISK);
	if (dk.cluster[0])
		put(PAGE_CLUSTER, dk.cluster);
	memset(&dk, 0, sizeof(dk));
}

/* Pages of the region still resident (mapped or in the swap cache). */
static size_t disk_resident(unsigned char *vec)
{
	size_t i, n = 0;

	if (mincore(dk.mem, dk.pages * PAGE, vec))
		return dk.pages;
	for (i = 0; i < dk.pages; i++)
		n += vec[i] & 1;
	return n;
}

/*
 * Page the region out and push it out of the swap cache: MADV_PAGEOUT
 * writes the pages, but a page whose write is still in flight stays
 * cached until reclaim comes again, so reclaim comes again through the
 * root cgroup's memory.reclaim once the writes are done.
 */
static int disk_evict(void)
{
	struct timespec wait = { 0, 20 * 1000 * 1000 };
	unsigned char *vec = malloc(dk.pages);
	size_t left = dk.pages;
	int i;

	if (!vec)
		return -ENOMEM;
	if (madvise(dk.mem, dk.pages * PAGE, MADV_PAGEOUT)) {
		i = -errno;
		free(vec);
		return i;
	}
	if (access(CGROUP "/memory.reclaim", W_OK) &&
	    mount("none", CGROUP, "cgroup2", 0, NULL))
		perror("bench-helper: mount cgroup2");
	for (i = 0; i < 100; i++) {
		left = disk_resident(vec);
		if (!left)
			break;
		nanosleep(&wait, NULL);
		put(CGROUP "/memory.reclaim", "64M");
	}
	free(vec);
	if (left)
		fprintf(stderr, "bench-helper: %zu of %zu pages stayed resident\n", left, dk.pages);
	return left ? -EIO : 0;
}

static int disk_probe(void)
{
	struct stat st;

	if (access("/proc/swaps", R_OK) || stat(DISK, &st) || !S_ISBLK(st.st_mode))
		return -ENODEV;
	return 0;
}

static int disk_setup(unsigned long pages)
{
	size_t i;
	int fd, ret;
	ssize_t n;

	disk_teardown();
	if (!pages || pages > 8192)
		return -EINVAL;
	if (swapon(DISK, SWAP_FLAG_PREFER | (32767 & SWAP_FLAG_PRIO_MASK)))
		return errno == ENOENT ? -ENODEV : -errno;
	dk.swapped_on = 1;
	fd = open(PAGE_CLUSTER, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, dk.cluster, sizeof(dk.cluster) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0 || put(PAGE_CLUSTER, "0")) {
		dk.cluster[0] = 0;
		disk_teardown();
		return -EIO;
	}
	dk.mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (dk.mem == MAP_FAILED) {
		dk.mem = NULL;
		disk_teardown();
		return -ENOMEM;
	}
	dk.pages = pages;
	madvise(dk.mem, pages * PAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < pages; i++)
		dk.mem[i * PAGE] = (char)(i | 1);
	ret = disk_evict();
	if (ret)
		disk_teardown();
	return ret;
}

static long majflt(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? -1 : ru.ru_majflt;
}

/* One read of page @i, timed alone: the guest kernel's swap-in fault. */
static int disk_fault(unsigned long i)
{
	struct timespec t0, t1;
	long before, ns;
	char c;

	if (!dk.mem || i >= dk.pages)
		return -EINVAL;
	before = majflt();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = __atomic_load_n(&dk.mem[i * PAGE], __ATOMIC_RELAXED);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (majflt() != before + 1)
		return -EAGAIN;	/* not one major fault: the row means nothing */
	if (c != (char)(i | 1))
		return -EIO;
	ns = (t1.tv_sec - t0.tv_sec) * 1000000000L + t1.tv_nsec - t0.tv_nsec;
	return ns > INT_MAX ? INT_MAX : (int)ns;
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
		if (!strncmp(req, "disk-probe", 10))
			ret = disk_probe();
		else if (sscanf(req, "disk-setup %lu", &arg) == 1)
			ret = disk_setup(arg);
		else if (sscanf(req, "disk-fault %lu", &arg) == 1)
			ret = disk_fault(arg);
		else if (!strncmp(req, "disk-teardown", 13))
			ret = (disk_teardown(), 0);
		else if (sscanf(req, "swap-setup %lu", &arg) == 1)
			ret = swap_setup(arg);
		else if (sscanf(req, "swap-run %lu", &arg) == 1)
			ret = swap_run(arg);
		else if (!strncmp(req, "swap-teardown", 13))
			ret = swap_check();
		else if (sscanf(req, "setup %lu", &arg) == 1)
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
			fprintf(stderr, "bench-helper: \"%s\" was not refused (EINVAL)\n", bad[i]);
			return 1;
		}
	}
	fd2 = open(path, O_RDWR);
	if (fd2 >= 0 || errno != EBUSY) {
		fprintf(stderr, "bench-helper: a second open was not refused with EBUSY\n");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/sys/kernel/debug/vmlab_bench/helper";
	struct timespec poll = { 0, 10 * 1000 * 1000 };
	int fd, ret;

	while ((fd = open(path, O_RDWR)) < 0) {
		if (errno != ENOENT) {
			perror(path);
			return 1;
		}
		nanosleep(&poll, NULL);
	}
	if (selftest(fd, path))
		return 1;
	ret = serve(fd);
	disk_teardown();	/* a row cut short leaves no swap area behind */
	swap_teardown();
	return ret;
}
