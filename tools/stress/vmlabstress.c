// SPDX-License-Identifier: GPL-2.0
/*
 * vmlabstress - SMP stress of vmlab through ctl, run inside the guest.
 *
 *   vmlabstress [-j WORKERS] [-n OPS] [-m MMS] [-s SEED] [-w PAGES]
 *
 * MMS address spaces are shared by WORKERS processes. Each worker owns
 * SLOTS 64K slots in every mm (its own range, so the others' traffic runs
 * beside it in the same mm: the same mmap_lock, tree, tables, LRU) and
 * does OPS operations on them, chosen at random: mmap, fill a page with a
 * pattern, verify one, munmap, mprotect (whole slot, or a middle piece
 * split off and merged back), mremap to another slot, fork then verify and
 * COW-write the child's copy, touch, a slab object, a kmalloc, a buddy
 * block. It keeps a model of what each page must hold: every command must
 * succeed and every verify must match. At the end every page written is
 * verified (zero bytes lost), everything is unmapped and ctl check must
 * pass. Bounded by operations, not time.
 *
 * -w PAGES: the swap mode. Slots of PAGES pages (up to 64), whole slots
 * filled and verified in one command, and madvise pageout, cold and
 * reclaim among the operations: with more written than the arena holds
 * and a swap area (the caller loads a small arena and swaps on), kswapd,
 * direct reclaim, swap-out and swap-in run under the fork, munmap,
 * mremap and mprotect traffic of every worker; the vmstat counters of
 * reclaim and swap are printed at the end.
 *
 * Exit status: 0 clean, 1 a failure, 2 setup error, 3 ctl vanished (the
 * module was unloaded under it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CTL		"/sys/kernel/debug/vmlab/ctl"
#define VMSTAT		"/sys/kernel/debug/vmlab/vmstat"
#define MAXMM		8
#define SLOTS		8
#define MAXPAGES	64		/* slots are 1M apart */

static int npages = 16;			/* a slot is 64K, or -w PAGES */
static int swap_mode;
#define SLOT_SIZE	(npages * 4096UL)

struct page_model {
	int written;
	uint64_t key;			/* seed ^ the page's address at fill */
};

struct slot {
	int mapped, ro;
	struct page_model pg[MAXPAGES];
};

struct stats {
	long ops, pages_verified, errors, mismatches, vanished;
	char first[512];		/* the first failure */
};

static struct stats *st;		/* one per worker, MAP_SHARED */
static int mms[MAXMM], nmm = 3;
static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static unsigned int below(unsigned int n)
{
	return rnd() % n;
}

/* One ctl transaction; the reply (NUL-terminated) in @r. -1: no ctl. */
/* The word after " addr=" in @r, into @obj. */
static void addr_of(const char *r, char *obj, size_t n)
{
	const char *p = strstr(r, " addr=");

	snprintf(obj, n, "%s", p ? p + 6 : "0");
	obj[strcspn(obj, "\n ")] = '\0';
}

static int ctl(char *r, size_t size, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	ssize_t n, got = 0;
	int fd, len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r[0] = '\0';
	fd = open(CTL, O_RDWR);
	if (fd < 0)
		return -1;
	if (write(fd, line, len) < 0 && errno == ENOENT) {
		close(fd);
		return -1;
	}
	while (got < (ssize_t)size - 1) {
		n = read(fd, r + got, size - 1 - got);
		if (n <= 0)
			break;
		got += n;
		if (r[got - 1] == '\n')
			break;
	}
	r[got] = '\0';
	close(fd);
	return !strncmp(r, "ok", 2) ? 0 : 1;
}

static long field(const char *r, const char *key)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(r, pat);
	return p ? strtol(p + strlen(pat), NULL, 0) : -1;
}

static struct stats *me;

static void failed(const char *what, const char *reply)
{
	me->errors++;
	if (!me->first[0])
		snprintf(me->first, sizeof(me->first), "%.200s: %.300s", what, reply);
}

/* Run a command that must work; 0 if it did. */
#define MUST(r, ...) must(r, sizeof(r), __VA_ARGS__)
static int must(char *r, size_t size, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ret = ctl(r, size, "%s", line);
	if (ret < 0) {
		me->vanished = 1;
		return -1;
	}
	if (ret)
		failed(line, r);
	return ret;
}

static unsigned long slot_addr(int w, int s)
{
	return 0x100000000UL + w * 0x10000000UL + s * 0x100000UL;
}

/* Verify page @p of a slot at @addr in mm @mm against the model. */
static void verify_page(int mm, unsigned long addr, struct page_model *pm)
{
	char r[256], what[96];
	unsigned long a = addr;

	if (must(r, sizeof(r), "verify %d %#lx 4K %llu", mm, a,
		 (unsigned long long)(pm->key ^ a)))
		return;
	me->pages_verified++;
	if (field(r, "mismatches") != 0) {
		me->mismatches++;
		snprintf(what, sizeof(what), "verify mm %d page %#lx", mm, a);
		failed(what, r);
	}
}

/*
 * Verify every written page of the slot at @a: a run of pages written with
 * one seed (a whole-slot fill, moved or not: slots are 1M-aligned, so a
 * move changes every page's address by one XOR) is one command.
 */
static void verify_slot(int mm, unsigned long a, struct slot *x)
{
	char r[256], what[96];
	int p = 0, q;

	while (p < npages) {
		uint64_t sd;

		if (!x->pg[p].written) {
			p++;
			continue;
		}
		sd = x->pg[p].key ^ (a + p * 4096UL);
		for (q = p + 1; q < npages && x->pg[q].written &&
		     (x->pg[q].key ^ (a + q * 4096UL)) == sd; q++)
			;
		if (q - p == 1) {
			verify_page(mm, a + p * 4096UL, &x->pg[p]);
		} else if (!must(r, sizeof(r), "verify %d %#lx %lu %llu", mm, a + p * 4096UL,
				 (q - p) * 4096UL, (unsigned long long)sd)) {
			me->pages_verified += q - p;
			if (field(r, "mismatches") != 0) {
				me->mismatches++;
				snprintf(what, sizeof(what), "verify mm %d pages %#lx+%d", mm,
					 a + p * 4096UL, q - p);
				failed(what, r);
			}
		}
		p = q;
	}
}

/* A buddy block, allocated and freed. */
static void buddy_block(char *r, size_t size)
{
	int order = below(4);

	if (!must(r, size, "alloc_pages %d", order))
		must(r, size, "free_pages %#lx %d", field(r, "pfn"), order);
}

static void worker(int w, long ops, uint64_t seed)
{
	static struct slot sl[MAXMM][SLOTS];
	char r[512], name[16];
	long i;
	int m, s, p, t;

	me = &st[w];
	rng = seed * 0x9E3779B97F4A7C15ULL + w + 1;
	snprintf(name, sizeof(name), "st%d", w);
	if (MUST(r, "cache_create %s 200", name))
		_exit(1);
	for (i = 0; i < ops && !me->vanished; i++) {
		struct slot *x;
		unsigned long a;
		int op;

		m = below(nmm);
		s = below(SLOTS);
		x = &sl[m][s];
		a = slot_addr(w, s);
		me->ops++;
		/*
		 * The swap mode adds whole-slot fills and verifies, pageout,
		 * cold and reclaim (ops 12-15) and fills more often.
		 */
		op = below(swap_mode ? 16 : 12);
		if (swap_mode && op == 3)
			op = 12;
		switch (op) {
		case 0:		/* map */
		case 1:
			if (x->mapped)
				break;
			if (!MUST(r, "mmap %d %#lx %lu rw private,anon,fixed", mms[m], a,
				  SLOT_SIZE)) {
				memset(x, 0, sizeof(*x));
				x->mapped = 1;
			}
			break;
		case 2:		/* write a page */
		case 3:
			if (!x->mapped || x->ro)
				break;
			p = below(npages);
			{
				uint64_t sd = rnd() >> 1, pa = a + p * 4096UL;

				if (!MUST(r, "fill %d %#lx 4K %llu", mms[m], pa,
					  (unsigned long long)sd)) {
					x->pg[p].written = 1;
					x->pg[p].key = sd ^ pa;
				}
			}
			break;
		case 4:		/* verify a page */
			p = below(npages);
			if (x->mapped && x->pg[p].written)
				verify_page(mms[m], a + p * 4096UL, &x->pg[p]);
			break;
		case 5:		/* munmap */
			if (x->mapped && !below(3) &&
			    !MUST(r, "munmap %d %#lx %lu", mms[m], a, SLOT_SIZE))
				x->mapped = 0;
			break;
		case 6:		/* mprotect: whole slot, or split a piece off and back */
			if (!x->mapped)
				break;
			if (below(2)) {
				if (!MUST(r, "mprotect %d %#lx %lu %s", mms[m], a, SLOT_SIZE,
					  x->ro ? "rw" : "r"))
					x->ro = !x->ro;
			} else if (!MUST(r, "mprotect %d %#lx 16K none", mms[m], a + 16384)) {
				MUST(r, "mprotect %d %#lx 16K %s", mms[m], a + 16384,
				     x->ro ? "r" : "rw");
			}
			break;
		case 7:		/* mremap to a free slot */
			t = below(SLOTS);
			if (!x->mapped || sl[m][t].mapped)
				break;
			if (!MUST(r, "mremap %d %#lx %lu %lu maymove fixed=%#lx", mms[m], a,
				  SLOT_SIZE, SLOT_SIZE, slot_addr(w, t))) {
				sl[m][t] = *x;
				x->mapped = 0;
			}
			break;
		case 8:		/* fork: the child sees my pages, COW keeps them apart */
			p = below(npages);
			if (!x->mapped || !x->pg[p].written || x->ro)
				break;
			if (!MUST(r, "fork %d", mms[m])) {
				int c = (int)field(r, "mm");
				unsigned long pa = a + p * 4096UL;
				struct page_model cm = { 1, (rnd() >> 1) ^ pa };

				verify_page(c, pa, &x->pg[p]);
				if (!MUST(r, "fill %d %#lx 4K %llu", c, pa,
					  (unsigned long long)(cm.key ^ pa)))
					verify_page(c, pa, &cm);
				if (swap_mode)	/* the child's swap PTEs and COW copies too */
					MUST(r, "madvise %d %#lx %lu pageout", c, a, SLOT_SIZE);
				verify_page(mms[m], pa, &x->pg[p]);
				MUST(r, "mm_destroy %d", c);
			}
			break;
		case 9:		/* fault it all in (reads) */
			if (x->mapped)
				MUST(r, "touch %d %#lx %lu r", mms[m], a, SLOT_SIZE);
			break;
		case 10:	/* slab object and kmalloc */
			if (!MUST(r, "cache_alloc %s", name)) {
				char obj[64];

				addr_of(r, obj, sizeof(obj));
				MUST(r, "cache_free %s %s", name, obj);
			}
			if (!MUST(r, "kmalloc %u", 8 + below(3000))) {
				char obj[64];

				addr_of(r, obj, sizeof(obj));
				MUST(r, "kfree %s", obj);
			}
			break;
		case 12:	/* fill the whole slot: more than the arena holds */
			if (!x->mapped || x->ro)
				break;
			{
				uint64_t sd = rnd() >> 1;

				if (!MUST(r, "fill %d %#lx %lu %llu", mms[m], a, SLOT_SIZE,
					  (unsigned long long)sd))
					for (p = 0; p < npages; p++) {
						x->pg[p].written = 1;
						x->pg[p].key = sd ^ (a + p * 4096UL);
					}
			}
			break;
		case 13:	/* verify the whole slot */
			if (x->mapped)
				verify_slot(mms[m], a, x);
			break;
		case 14:	/* age it, or swap it out (kswapd should do most) */
			if (x->mapped)
				MUST(r, "madvise %d %#lx %lu %s", mms[m], a, SLOT_SIZE,
				     below(4) ? "cold" : "pageout");
			break;
		case 15:	/* reclaim as memory.reclaim does, or a buddy block */
			if (!below(4)) {
				if (ctl(r, sizeof(r), "reclaim %u", 16 + below(64)) < 0)
					me->vanished = 1;
				/* ENOMEM/EAGAIN: nothing left to take now, not a failure */
			} else {
				buddy_block(r, sizeof(r));
			}
			break;
		default:
			buddy_block(r, sizeof(r));
			break;
		}
	}
	/* Every page written, in every mm: then give it all back. */
	for (m = 0; m < nmm && !me->vanished; m++)
		for (s = 0; s < SLOTS; s++) {
			if (!sl[m][s].mapped)
				continue;
			verify_slot(mms[m], slot_addr(w, s), &sl[m][s]);
			MUST(r, "munmap %d %#lx %lu", mms[m], slot_addr(w, s), SLOT_SIZE);
		}
	if (!me->vanished)
		MUST(r, "cache_destroy %s", name);
	_exit(0);
}

/* A vmstat counter (debugfs vmstat, "name value" lines); -1 if absent. */
static long vmstat(const char *name)
{
	char line[128];
	size_t n = strlen(name);
	long v = -1;
	FILE *f = fopen(VMSTAT, "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ' ') {
			v = atol(line + n + 1);
			break;
		}
	if (f)
		fclose(f);
	return v;
}

static const char *const swap_stats[] = {
	"pswpout", "pswpin", "pgsteal_kswapd", "pgsteal_direct", "allocstall",
	"kswapd_wakeup", "swap_ra_hit",
};

#define NSTATS	(sizeof(swap_stats) / sizeof(*swap_stats))

int main(int argc, char **argv)
{
	long ops = 2000, t_ops = 0, t_pages = 0, t_err = 0, t_mis = 0, t_van = 0;
	int workers = 4, i, c, status, rc;
	uint64_t seed = time(NULL);
	char r[512];
	time_t t0 = time(NULL);
	pid_t pid[16];
	long before[NSTATS];
	unsigned int k;

	while ((c = getopt(argc, argv, "j:n:m:s:w:")) != -1) {
		switch (c) {
		case 'j':
			workers = atoi(optarg);
			break;
		case 'n':
			ops = atol(optarg);
			break;
		case 'm':
			nmm = atoi(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'w':
			npages = atoi(optarg);
			swap_mode = 1;
			break;
		default:
			fprintf(stderr, "%s\n",
				"usage: vmlabstress [-j WORKERS] [-n OPS] [-m MMS] [-s SEED] [-w PAGES]");
			return 2;
		}
	}
	if (workers < 1 || workers > 16 || nmm < 1 || nmm > MAXMM || ops < 0 ||
	    npages < 8 || npages > MAXPAGES)
		return 2;
	for (k = 0; k < NSTATS; k++)
		before[k] = vmstat(swap_stats[k]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	st = mmap(NULL, 16 * sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		  -1, 0);
	if (st == MAP_FAILED)
		return 2;
	for (i = 0; i < nmm; i++) {
		if (ctl(r, sizeof(r), "mm_create")) {
			fprintf(stderr, "vmlabstress: mm_create: %s", r);
			return 2;
		}
		mms[i] = (int)field(r, "mm");
	}
	printf("vmlabstress: seed=%llu workers=%d ops=%ld mms=%d slot=%luK%s\n",
	       (unsigned long long)seed, workers, ops, nmm, SLOT_SIZE >> 10,
	       swap_mode ? " (swap mode)" : "");
	for (i = 0; i < workers; i++) {
		pid[i] = fork();
		if (!pid[i])
			worker(i, ops, seed);
	}
	for (i = 0; i < workers; i++) {
		waitpid(pid[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			t_err++;
			printf("vmlabstress: worker %d died (status %#x)\n", i, status);
		}
		t_ops += st[i].ops;
		t_pages += st[i].pages_verified;
		t_err += st[i].errors;
		t_mis += st[i].mismatches;
		t_van += st[i].vanished;
		if (st[i].first[0])
			printf("vmlabstress: worker %d: %s\n", i, st[i].first);
	}
	if (t_van) {
		printf("vmlabstress: ctl vanished (module unloaded) after %ld ops\n", t_ops);
		return 3;
	}
	/* The unload may also come between the last op and these. */
	rc = ctl(r, sizeof(r), "check");
	if (rc > 0) {
		printf("vmlabstress: check: %s", r);
		t_err++;
	}
	for (i = 0; i < nmm && rc >= 0; i++) {
		rc = ctl(r, sizeof(r), "mm_destroy %d", mms[i]);
		t_err += rc > 0;
	}
	if (rc < 0) {
		printf("vmlabstress: ctl vanished (module unloaded) after all %ld ops\n", t_ops);
		return 3;
	}
	printf("vmlabstress: %ld ops in %lds, %ld pages verified, %ld mismatches, %ld errors\n",
	       t_ops, (long)(time(NULL) - t0), t_pages, t_mis, t_err);
	/* What reclaim and swap did meanwhile (vmlab's vmstat, deltas). */
	printf("vmlabstress: vmstat:");
	for (k = 0; k < NSTATS; k++)
		printf(" %s=%ld", swap_stats[k], vmstat(swap_stats[k]) - before[k]);
	printf("\n");
	printf("vmlabstress: %s\n", t_err || t_mis ? "FAILED" : "clean");
	return t_err || t_mis ? 1 : 0;
}
