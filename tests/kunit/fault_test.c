// SPDX-License-Identifier: GPL-2.0
/*
 * fault_test.c - KUnit suite for fault/: the zero page, demand-zero writes,
 * copy-on-write after fork with frame counts and the reuse rule, fork of
 * an mm with 1,000 VMAs, SEGV classification, file mappings through the
 * page cache (private, shared + msync, SIGBUS past EOF), reverse mapping,
 * concurrent faults on one page from two CPUs, and that destroying every
 * mm and dropping the caches gives back every frame.
 *
 * Every case runs on a fresh core (a 64 MiB arena).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/sizes.h>
#include "buddy/vmstat.h"
#include "tests/kunit/fault_test.h"
#include "swap/swap.h"

/* ---- anonymous memory ---- */

static void fault_test_zero_page(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	unsigned long before, i;

	map(test, mm, BASE, 64 * PAGE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	touch(test, mm, BASE, PAGE_SIZE, false, 1);	/* tables + the zero page */
	KUNIT_ASSERT_NOT_NULL(test, vml_zero_page());
	before = frames(test);
	touch(test, mm, BASE + PAGE_SIZE, 63 * PAGE_SIZE, false, 63);
	for (i = 0; i < 64; i++) {
		KUNIT_EXPECT_PTR_EQ(test, page_of(mm, BASE + i * PAGE_SIZE), vml_zero_page());
		KUNIT_EXPECT_FALSE(test, pte_is_writable(mm, BASE + i * PAGE_SIZE));
	}
	/* One zero frame for all of them: nothing more was allocated. */
	KUNIT_EXPECT_EQ(test, frames(test), before);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_ANONPAGES), 0ul);
	KUNIT_EXPECT_EQ(test, vml_page_mapcount(vml_zero_page()), 0);
	vml_mm_destroy(mm);
}

static void fault_test_demand_zero_write(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	struct vml_page *page;
	unsigned long before, i;

	map(test, mm, BASE, 64 * PAGE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	/* The first write also makes the tables and the VMA's anon_vma. */
	touch(test, mm, BASE, PAGE_SIZE, true, 1);
	before = frames(test);
	touch(test, mm, BASE, 64 * PAGE_SIZE, true, 63);
	KUNIT_EXPECT_EQ(test, frames(test) - before, 63ul);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_ANONPAGES), 64ul);
	vml_lru_add_drain_all();	/* an LRU add batch holds a reference */
	for (i = 0; i < 64; i++) {
		page = page_of(mm, BASE + i * PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_TRUE(test, vml_page_test(page, VML_PG_anon));
		KUNIT_EXPECT_EQ(test, vml_page_mapcount(page), 1);
		KUNIT_EXPECT_EQ(test, vml_page_count(page), 1);
	}
	touch(test, mm, BASE, 64 * PAGE_SIZE, true, 0);	/* no second fault */
	vml_mm_destroy(mm);
	KUNIT_EXPECT_LE(test, frames(test), before);
}

static void fault_test_segv(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	struct vml_access_result res;
	enum vml_segv_code code;
	u8 b = 1;

	map(test, mm, BASE, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	map(test, mm, BASE + 16 * PAGE_SIZE, PAGE_SIZE, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE + 8 * PAGE_SIZE, &b, 1, false, &res), -EFAULT);
	KUNIT_EXPECT_EQ(test, res.code, VML_SEGV_MAPERR);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE, &b, 1, true, &res), -EFAULT);
	KUNIT_EXPECT_EQ(test, res.code, VML_SEGV_ACCERR);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE + 16 * PAGE_SIZE, &b, 1, false, &res),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, res.code, VML_SEGV_ACCERR);
	/* The access layer's fault path says so when asked directly. */
	down_read(&mm->mmap_lock);
	KUNIT_EXPECT_EQ(test, vml_access_fault(mm, BASE, VML_FAULT_FLAG_WRITE, &code),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, code, VML_SEGV_ACCERR);
	KUNIT_EXPECT_EQ(test, vml_access_fault(mm, BASE + 8 * PAGE_SIZE, 0, &code),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, code, VML_SEGV_MAPERR);
	up_read(&mm->mmap_lock);
	vml_mm_destroy(mm);
}

/* ---- fork and copy-on-write ---- */

static void fault_test_fork_cow(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test), *child;
	struct vml_page *p0, *c0;
	unsigned long before;

	map(test, mm, BASE, 32 * PAGE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	fill(test, mm, BASE, 32 * PAGE_SIZE, 1);
	p0 = page_of(mm, BASE);
	before = frames(test);
	child = fork_mm(test, mm);
	/* Only the child's page tables are new; pages are shared, read-only. */
	KUNIT_EXPECT_LE(test, frames(test) - before, 6ul);
	KUNIT_EXPECT_PTR_EQ(test, page_of(child, BASE), p0);
	KUNIT_EXPECT_EQ(test, vml_page_mapcount(p0), 2);
	KUNIT_EXPECT_FALSE(test, pte_is_writable(mm, BASE));
	KUNIT_EXPECT_FALSE(test, pte_is_writable(child, BASE));
	KUNIT_EXPECT_EQ(test, vml_mm_counter(child, VML_MM_ANONPAGES), 32ul);

	before = frames(test);
	fill(test, child, BASE, PAGE_SIZE, 2);		/* child copies */
	c0 = page_of(child, BASE);
	KUNIT_EXPECT_PTR_NE(test, c0, p0);
	KUNIT_EXPECT_EQ(test, frames(test) - before, 1ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, 32 * PAGE_SIZE, 1), 0ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, child, BASE, PAGE_SIZE, 2), 0ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, child, BASE + PAGE_SIZE, 31 * PAGE_SIZE, 1), 0ul);
	KUNIT_EXPECT_EQ(test, vml_page_mapcount(p0), 1);

	/* The parent is now the last user: reuse, no copy, same frame. */
	before = frames(test);
	fill(test, mm, BASE, PAGE_SIZE, 3);
	KUNIT_EXPECT_PTR_EQ(test, page_of(mm, BASE), p0);
	KUNIT_EXPECT_EQ(test, frames(test), before);
	KUNIT_EXPECT_TRUE(test, pte_is_writable(mm, BASE));
	KUNIT_EXPECT_EQ(test, mismatches(test, child, BASE, PAGE_SIZE, 2), 0ul);

	/* Untouched pages are still one frame for two mms. */
	KUNIT_EXPECT_PTR_EQ(test, page_of(mm, BASE + 5 * PAGE_SIZE),
			    page_of(child, BASE + 5 * PAGE_SIZE));
	vml_mm_destroy(child);
	KUNIT_EXPECT_EQ(test, vml_page_mapcount(page_of(mm, BASE + 5 * PAGE_SIZE)), 1);
	vml_mm_destroy(mm);
}

static void fault_test_fork_1000_vmas(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test), *child;
	unsigned long addr;
	int i;

	/* Alternating protections so that no two neighbours merge. */
	for (i = 0; i < 1000; i++) {
		addr = BASE + i * PAGE_SIZE;
		map(test, mm, addr, PAGE_SIZE, i & 1 ? PROT_READ : PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, NULL);
		if (!(i & 1))
			fill(test, mm, addr, PAGE_SIZE, i);
	}
	KUNIT_ASSERT_EQ(test, mm->map_count, 1000);
	child = fork_mm(test, mm);
	KUNIT_EXPECT_EQ(test, child->map_count, 1000);
	KUNIT_EXPECT_EQ(test, child->total_vm, mm->total_vm);
	for (i = 0; i < 1000; i += 2)
		KUNIT_EXPECT_EQ(test, mismatches(test, child, BASE + i * PAGE_SIZE,
						 PAGE_SIZE, i), 0ul);
	fill(test, child, BASE, PAGE_SIZE, 7);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, PAGE_SIZE, 0), 0ul);
	vml_mm_destroy(child);
	vml_mm_destroy(mm);
}

static void fault_test_fork_shared_and_locked(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test), *child;

	map(test, mm, BASE, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, NULL);
	map(test, mm, BASE + 16 * PAGE_SIZE, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, NULL);
	fill(test, mm, BASE, PAGE_SIZE, 1);
	child = fork_mm(test, mm);
	KUNIT_EXPECT_EQ(test, child->locked_vm, 0ul);
	KUNIT_EXPECT_EQ(test, mm->locked_vm, 4ul);
	/* Shared stays writable and shared, also for pages not yet touched. */
	KUNIT_EXPECT_TRUE(test, pte_is_writable(mm, BASE));
	fill(test, child, BASE, 4 * PAGE_SIZE, 5);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, 4 * PAGE_SIZE, 5), 0ul);
	KUNIT_EXPECT_PTR_EQ(test, page_of(mm, BASE + 3 * PAGE_SIZE),
			    page_of(child, BASE + 3 * PAGE_SIZE));
	vml_mm_destroy(child);
	vml_mm_destroy(mm);
}

/* ---- reverse mapping ---- */

static void fault_test_rmap(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test), *c1, *c2;
	struct vml_page *page;
	int n = 0;

	map(test, mm, BASE, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	fill(test, mm, BASE, 4 * PAGE_SIZE, 1);
	c1 = fork_mm(test, mm);
	c2 = fork_mm(test, c1);
	page = page_of(mm, BASE + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vml_rmap_walk(page, count_one, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 3);
	/* Moving the VMA keeps the page findable: the offset moves with it. */
	KUNIT_EXPECT_EQ(test, vml_mremap(c2, BASE, 4 * PAGE_SIZE, 4 * PAGE_SIZE,
					 MREMAP_MAYMOVE | MREMAP_FIXED, BASE + SZ_1G),
			BASE + SZ_1G);
	n = 0;
	vml_rmap_walk(page, count_one, &n);
	KUNIT_EXPECT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, vml_page_referenced(page), 1);	/* only the parent touched */
	KUNIT_EXPECT_EQ(test, vml_page_referenced(page), 0);	/* and it was cleared */
	vml_mm_destroy(c2);
	vml_mm_destroy(c1);
	n = 0;
	vml_rmap_walk(page, count_one, &n);
	KUNIT_EXPECT_EQ(test, n, 1);
	vml_mm_destroy(mm);
}

/* ---- concurrent faults ---- */

struct pair_run {
	void (*fn)(void *arg);
	void *arg;
	struct completion start, done;
};

static int pair_thread(void *p)
{
	struct pair_run *r = p;

	wait_for_completion(&r->start);
	r->fn(r->arg);
	complete(&r->done);
	return 0;
}

/* Run @fn(@arg0) on CPU 0 and @fn(@arg1) on CPU 1, started together. */
static void run_on_two_cpus(struct kunit *test, void (*fn)(void *arg),
			    void *arg0, void *arg1)
{
	struct pair_run r[2] = { { fn, arg0 }, { fn, arg1 } };
	struct task_struct *t[2];
	int cpu;

	for (cpu = 0; cpu < 2; cpu++) {
		init_completion(&r[cpu].start);
		init_completion(&r[cpu].done);
		t[cpu] = kthread_create(pair_thread, &r[cpu], "vml-fault-race/%d", cpu);
		if (IS_ERR(t[cpu]))
			break;
		kthread_bind(t[cpu], cpu);
	}
	if (cpu < 2) {
		if (cpu == 1)
			kthread_stop(t[0]);	/* never woken: exits before fn */
		KUNIT_FAIL(test, "kthread_create: %ld", PTR_ERR(t[cpu]));
		return;
	}
	for (cpu = 0; cpu < 2; cpu++)
		wake_up_process(t[cpu]);
	complete(&r[0].start);
	complete(&r[1].start);
	wait_for_completion(&r[0].done);
	wait_for_completion(&r[1].done);
}

struct racer {
	struct vml_mm *mm;
	int errors;
};

/* A write fault at @addr through the access layer's full path. */
static int write_fault(struct vml_mm *mm, unsigned long addr)
{
	enum vml_segv_code code;

	return vml_access_fault(mm, addr, VML_FAULT_FLAG_WRITE, &code);
}

static void race_fn(void *arg)
{
	struct racer *r = arg;
	unsigned long i;

	down_read(&r->mm->mmap_lock);
	for (i = 0; i < 256; i++)
		if (write_fault(r->mm, BASE + i * PAGE_SIZE))
			r->errors++;
	up_read(&r->mm->mmap_lock);
}

static void fault_test_concurrent(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	struct racer r[2] = { { .mm = mm }, { .mm = mm } };
	unsigned long before, i;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	map(test, mm, BASE, 256 * PAGE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	touch(test, mm, BASE, PAGE_SIZE, true, 1);	/* tables and anon_vma first */
	before = frames(test);
	run_on_two_cpus(test, race_fn, &r[0], &r[1]);
	KUNIT_EXPECT_EQ(test, r[0].errors + r[1].errors, 0);
	/* One page per address, whoever won; losers gave theirs back. */
	KUNIT_EXPECT_EQ(test, frames(test) - before, 255ul);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_ANONPAGES), 256ul);
	for (i = 0; i < 256; i++)
		KUNIT_EXPECT_EQ(test, vml_page_mapcount(page_of(mm, BASE + i * PAGE_SIZE)), 1);
	vml_mm_destroy(mm);
}

#define RACE_VMAS	64
#define RACE_VMA(v)	(BASE + (v) * 16 * PAGE_SIZE)	/* 8 pages, then a hole */

struct first_racer {
	struct vml_mm *mm;
	int cpu, errors;
};

/* Page @cpu of each fresh VMA: both CPUs make each VMA's anon_vma at once. */
static void first_race_fn(void *arg)
{
	struct first_racer *r = arg;
	unsigned long v;

	down_read(&r->mm->mmap_lock);
	for (v = 0; v < RACE_VMAS; v++)
		if (write_fault(r->mm, RACE_VMA(v) + r->cpu * 4 * PAGE_SIZE))
			r->errors++;
	up_read(&r->mm->mmap_lock);
}

/*
 * Two first faults in one VMA race to give it its anon_vma: one must win,
 * and both pages must name it (a lost anon_vma would leak and hide the
 * page from rmap).
 */
static void fault_test_concurrent_first_fault(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	struct first_racer r[2] = { { .mm = mm, .cpu = 0 }, { .mm = mm, .cpu = 1 } };
	struct vml_page *p0, *p1;
	struct vml_vma *vma;
	unsigned long v, a;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	/* Separate VMAs (a hole between each): no anon_vma to borrow. */
	down_read(&mm->mmap_lock);
	for (v = 0; v < RACE_VMAS; v++)		/* tables first: only anon_vmas race */
		KUNIT_ASSERT_NOT_NULL(test, vml_pte_alloc(&mm->pgt, RACE_VMA(v), VML_GFP_KERNEL));
	up_read(&mm->mmap_lock);
	for (v = 0; v < RACE_VMAS; v++)
		map(test, mm, RACE_VMA(v), 8 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	KUNIT_EXPECT_EQ(test, mm->map_count, RACE_VMAS);
	run_on_two_cpus(test, first_race_fn, &r[0], &r[1]);
	KUNIT_EXPECT_EQ(test, r[0].errors + r[1].errors, 0);
	for (v = 0; v < RACE_VMAS; v++) {
		a = RACE_VMA(v);
		vma = vml_vma_lookup(mm, a);
		p0 = page_of(mm, a);
		p1 = page_of(mm, a + 4 * PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, vma);
		KUNIT_ASSERT_NOT_NULL(test, p0);
		KUNIT_ASSERT_NOT_NULL(test, p1);
		KUNIT_EXPECT_EQ(test, p0->private, (unsigned long)vma->anon_vma);
		KUNIT_EXPECT_EQ(test, p1->private, (unsigned long)vma->anon_vma);
		KUNIT_EXPECT_EQ(test, refcount_read(&vma->anon_vma->refcount), 1);
	}
	vml_mm_destroy(mm);
}

/* ---- file mappings ---- */

static void fault_test_file(struct kunit *test)
{
	struct file *f = make_file(test, 3 * PAGE_SIZE + 10, 'a');
	struct vml_mm *mm = new_mm(test), *m2 = new_mm(test);
	struct vml_access_result res;
	u8 buf[4] = "ZZZZ";

	map(test, mm, BASE, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, f);
	map(test, mm, BASE + SZ_1M, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, f);
	map(test, m2, BASE, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, f);

	/* Private: a read is the cache page, a write a private copy. */
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE, buf, 1, false, &res), 0);
	KUNIT_EXPECT_EQ(test, buf[0], 'a');
	KUNIT_EXPECT_FALSE(test, vml_page_test(page_of(mm, BASE), VML_PG_anon));
	memcpy(buf, "ZZZZ", 4);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE, buf, 4, true, &res), 0);
	KUNIT_EXPECT_TRUE(test, vml_page_test(page_of(mm, BASE), VML_PG_anon));
	KUNIT_EXPECT_EQ(test, vml_msync(mm, BASE, 8 * PAGE_SIZE), 0l);
	KUNIT_EXPECT_EQ(test, file_byte(f, 0), 'a');

	/* Past EOF: SIGBUS (page 3 holds the last 10 bytes, page 4 nothing). */
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE + 3 * PAGE_SIZE + 10, buf, 1, false, &res),
			0);
	KUNIT_EXPECT_EQ(test, buf[0], 0);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE + 4 * PAGE_SIZE, buf, 1, false, &res),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, res.code, VML_SIGBUS);

	/* Shared: both mms see one page; msync writes it to the file. */
	memcpy(buf, "YYYY", 4);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE + SZ_1M + PAGE_SIZE, buf, 4, true, &res), 0);
	KUNIT_EXPECT_EQ(test, vml_access_rw(m2, BASE + PAGE_SIZE, buf, 4, false, &res), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "YYYY", 4), 0);
	KUNIT_EXPECT_PTR_EQ(test, page_of(mm, BASE + SZ_1M + PAGE_SIZE),
			    page_of(m2, BASE + PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, file_byte(f, PAGE_SIZE), 'a');
	KUNIT_EXPECT_EQ(test, vml_msync(mm, BASE + SZ_1M, 4 * PAGE_SIZE), 1l);
	KUNIT_EXPECT_EQ(test, file_byte(f, PAGE_SIZE), 'Y');
	KUNIT_EXPECT_EQ(test, vml_msync(mm, BASE + SZ_1M, 4 * PAGE_SIZE), 0l);

	/* munmap writes back. */
	memcpy(buf, "XXXX", 4);
	KUNIT_EXPECT_EQ(test, vml_access_rw(m2, BASE + 2 * PAGE_SIZE, buf, 4, true, &res), 0);
	KUNIT_EXPECT_EQ(test, vml_munmap(m2, BASE, 4 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, file_byte(f, 2 * PAGE_SIZE), 'X');
	KUNIT_EXPECT_EQ(test, i_size_read(file_inode(f)), (loff_t)(3 * PAGE_SIZE + 10));
	vml_mm_destroy(m2);
	vml_mm_destroy(mm);
	KUNIT_EXPECT_GT(test, vml_drop_caches(), 0ul);
	fput(f);
}

/*
 * Shared anonymous VMAs are separate objects (Linux: a shmem file each):
 * mprotect making a faulted one like its never-faulted neighbour must not
 * merge it into the neighbour and lose its pages.
 */
static void fault_test_shared_anon_merge(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	const unsigned long hi = BASE + 4 * PAGE_SIZE;
	const unsigned long rw = PROT_READ | PROT_WRITE;

	/* Split before any fault; the upper piece gets data while apart. */
	map(test, mm, BASE, 8 * PAGE_SIZE, rw, MAP_SHARED | MAP_ANONYMOUS, NULL);
	KUNIT_ASSERT_EQ(test, vml_mprotect(mm, BASE, 4 * PAGE_SIZE, PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, mm->map_count, 2);
	fill(test, mm, hi, 4 * PAGE_SIZE, 7);
	/* Made alike, it merges into the never-faulted lower piece: one object. */
	KUNIT_ASSERT_EQ(test, vml_mprotect(mm, hi, 4 * PAGE_SIZE, PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, mm->map_count, 1);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, hi, 4 * PAGE_SIZE, 7), 0ul);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_SHMEMPAGES), 4ul);
	/* Another shared mapping right after is another object: no merge. */
	map(test, mm, BASE + 8 * PAGE_SIZE, 4 * PAGE_SIZE, PROT_READ,
	    MAP_SHARED | MAP_ANONYMOUS, NULL);
	KUNIT_EXPECT_EQ(test, mm->map_count, 2);
	vml_mm_destroy(mm);
}

/* ---- Linux 6.1's merge rules and rmap after every merge ---- */

/*
 * is_mergeable_anon_vma(): a range with an anon_vma never merges into a
 * neighbour without one (that neighbour would not name its pages), a
 * child's VMAs do not merge with each other after fork (each has an
 * anon_vma of its own), and anon_vma_prepare() reuses a compatible
 * neighbour's so that undoing an mprotect merges again. The VMA counts
 * are those of Debian's 6.1; rmap finds every page after each step.
 */
static void fault_test_merge_rules(struct kunit *test)
{
	const unsigned long rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
	struct vml_mm *mm = new_mm(test), *child;
	unsigned long b2 = BASE + SZ_2M;

	/* mlock faults the first 8K in; munlock of the faulted page stays apart. */
	map(test, mm, BASE, 3 * PAGE_SIZE, rw, anon, NULL);
	KUNIT_ASSERT_EQ(test, vml_mlock(mm, BASE, 2 * PAGE_SIZE), 0);
	KUNIT_ASSERT_EQ(test, vml_munlock(mm, BASE + PAGE_SIZE, 2 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, mm->map_count, 3);
	KUNIT_EXPECT_EQ(test, rmap_misses(mm, BASE, BASE + 3 * PAGE_SIZE), 0);

	/* A faulted VMA moved back in front of a never-faulted one. */
	map(test, mm, b2, PAGE_SIZE, rw, anon, NULL);
	fill(test, mm, b2, PAGE_SIZE, 3);
	KUNIT_ASSERT_EQ(test, vml_mremap(mm, b2, PAGE_SIZE, PAGE_SIZE,
					 MREMAP_MAYMOVE | MREMAP_FIXED, b2 + SZ_1M), b2 + SZ_1M);
	map(test, mm, b2 + PAGE_SIZE, PAGE_SIZE, rw, anon, NULL);
	KUNIT_ASSERT_EQ(test, vml_mremap(mm, b2 + SZ_1M, PAGE_SIZE, PAGE_SIZE,
					 MREMAP_MAYMOVE | MREMAP_FIXED, b2), b2);
	KUNIT_EXPECT_EQ(test, mm->map_count, 5);
	KUNIT_EXPECT_EQ(test, rmap_misses(mm, b2, b2 + 2 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, b2, PAGE_SIZE, 3), 0ul);

	/* The upper piece reuses the lower's anon_vma: undone, they merge. */
	map(test, mm, BASE + SZ_4M, 2 * PAGE_SIZE, rw, anon, NULL);
	KUNIT_ASSERT_EQ(test, vml_mprotect(mm, BASE + SZ_4M + PAGE_SIZE, PAGE_SIZE,
					   rw | PROT_EXEC), 0);
	fill(test, mm, BASE + SZ_4M, 2 * PAGE_SIZE, 4);
	KUNIT_EXPECT_EQ(test, mm->map_count, 7);
	KUNIT_ASSERT_EQ(test, vml_mprotect(mm, BASE + SZ_4M + PAGE_SIZE, PAGE_SIZE, rw), 0);
	KUNIT_EXPECT_EQ(test, mm->map_count, 6);

	/* After fork, the child's pieces of one faulted VMA stay apart. */
	KUNIT_ASSERT_EQ(test, vml_mprotect(mm, BASE + SZ_4M + PAGE_SIZE, PAGE_SIZE,
					   PROT_READ), 0);
	child = fork_mm(test, mm);	/* published, the fork's reference dropped */
	KUNIT_ASSERT_EQ(test, vml_mprotect(child, BASE + SZ_4M + PAGE_SIZE, PAGE_SIZE, rw), 0);
	KUNIT_EXPECT_EQ(test, child->map_count, 7);
	fill(test, child, BASE + SZ_4M, PAGE_SIZE, 5);
	KUNIT_EXPECT_EQ(test, rmap_misses(child, BASE + SZ_4M, BASE + SZ_4M + 2 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, rmap_misses(mm, BASE + SZ_4M, BASE + SZ_4M + 2 * PAGE_SIZE), 0);
	vml_mm_destroy(child);
	/* In the parent they merge again: its anon_vma_chain is singular. */
	KUNIT_ASSERT_EQ(test, vml_mprotect(mm, BASE + SZ_4M + PAGE_SIZE, PAGE_SIZE, rw), 0);
	KUNIT_EXPECT_EQ(test, mm->map_count, 6);
	KUNIT_EXPECT_EQ(test, rmap_misses(mm, BASE, BASE + SZ_8M), 0);
	vml_mm_destroy(mm);
}

/*
 * Shared anonymous memory is an object with a size (shmem_zero_setup()):
 * mremap grows the VMA, not the object, so a fault past it is SIGBUS;
 * mremap with old_len 0 maps the same object a second time.
 */
static void fault_test_shmem_object(struct kunit *test)
{
	const unsigned long rw = PROT_READ | PROT_WRITE;
	struct vml_mm *mm = new_mm(test);
	struct vml_access_result res;
	u8 buf[4] = "SHM!";

	map(test, mm, BASE, 2 * PAGE_SIZE, rw, MAP_SHARED | MAP_ANONYMOUS, NULL);
	KUNIT_ASSERT_EQ(test, vml_mremap(mm, BASE, 2 * PAGE_SIZE, 4 * PAGE_SIZE, 0, 0), BASE);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE + PAGE_SIZE, buf, 4, true, &res), 0);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE + 3 * PAGE_SIZE, buf, 4, true, &res),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, res.code, VML_SIGBUS);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE, 0, 2 * PAGE_SIZE,
					 MREMAP_MAYMOVE | MREMAP_FIXED, BASE + SZ_1M),
			BASE + SZ_1M);
	memset(buf, 0, 4);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE + SZ_1M + PAGE_SIZE, buf, 4, false, &res),
			0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "SHM!", 4), 0);
	KUNIT_EXPECT_PTR_EQ(test, page_of(mm, BASE + PAGE_SIZE),
			    page_of(mm, BASE + SZ_1M + PAGE_SIZE));
	/* Private memory cannot be duplicated that way. */
	map(test, mm, BASE + SZ_2M, PAGE_SIZE, rw, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	KUNIT_EXPECT_EQ(test, vml_mremap(mm, BASE + SZ_2M, 0, PAGE_SIZE, MREMAP_MAYMOVE, 0),
			(unsigned long)-EINVAL);
	vml_mm_destroy(mm);
}

/*
 * msync syncs the file range: pages dirtied through another mapping, in
 * another mm, or under a VMA that was split, faulted and merged again,
 * reach the file; pgpgout counts KiB, as Linux's /proc/vmstat.
 */
static void fault_test_msync_range(struct kunit *test)
{
	const unsigned long rw = PROT_READ | PROT_WRITE;
	struct file *f = make_file(test, 2 * PAGE_SIZE, 'a');
	struct vml_mm *mm = new_mm(test), *m2 = new_mm(test);
	struct vml_access_result res;
	unsigned long out;
	u8 buf[4] = "WXYZ";

	map(test, mm, BASE, PAGE_SIZE, rw, MAP_SHARED, f);
	map(test, m2, BASE, PAGE_SIZE, rw, MAP_SHARED, f);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE, buf, 4, true, &res), 0);
	out = vml_vm_event_sum(VML_PGPGOUT);
	KUNIT_EXPECT_EQ(test, vml_msync(m2, BASE, PAGE_SIZE), 1l);
	KUNIT_EXPECT_EQ(test, file_byte(f, 0), 'W');
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_PGPGOUT) - out, PAGE_SIZE / SZ_1K);
	/* Even when the msync'd mapping is PROT_NONE. */
	KUNIT_ASSERT_EQ(test, vml_mprotect(m2, BASE, PAGE_SIZE, PROT_NONE), 0);
	buf[0] = 'V';
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE, buf, 1, true, &res), 0);
	KUNIT_EXPECT_EQ(test, vml_msync(m2, BASE, PAGE_SIZE), 1l);
	KUNIT_EXPECT_EQ(test, file_byte(f, 0), 'V');

	/* Split, fault, merge: the merged VMA still names the file's pages. */
	map(test, mm, BASE + SZ_1M, 2 * PAGE_SIZE, PROT_READ, MAP_SHARED, f);
	KUNIT_ASSERT_EQ(test, vml_mprotect(mm, BASE + SZ_1M + PAGE_SIZE, PAGE_SIZE, rw), 0);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE + SZ_1M, buf, 1, false, &res), 0);
	KUNIT_ASSERT_EQ(test, vml_mprotect(mm, BASE + SZ_1M, PAGE_SIZE, rw), 0);
	buf[0] = 'U';
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE + SZ_1M, buf, 1, true, &res), 0);
	KUNIT_EXPECT_EQ(test, mm->map_count, 2);
	KUNIT_EXPECT_EQ(test, vml_msync(mm, BASE + SZ_1M, 2 * PAGE_SIZE), 1l);
	KUNIT_EXPECT_EQ(test, file_byte(f, 0), 'U');
	KUNIT_EXPECT_EQ(test, rmap_misses(mm, BASE + SZ_1M, BASE + SZ_1M + 2 * PAGE_SIZE), 0);
	vml_mm_destroy(m2);
	vml_mm_destroy(mm);
	vml_drop_caches();
	fput(f);
}

/* ---- faults resolved inside the CR3 window ---- */

static long fixups(void)
{
	return atomic_long_read(&vml_mmu_stats.window_fixups);
}

/*
 * Once the tables and the anon_vma exist, demand-zero and COW faults are
 * resolved without leaving the window: every fault is a fix-up, no window
 * stops on a fault, and the counts are those of the full path.
 */
static void fault_test_in_window(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test), *child;
	long fix0, stops0, cow0;
	unsigned long before;

	map(test, mm, BASE, 64 * PAGE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	touch(test, mm, BASE, PAGE_SIZE, true, 1);	/* the full path: tables, anon_vma */
	before = frames(test);
	fix0 = fixups();
	stops0 = atomic_long_read(&vml_mmu_stats.window_faults);
	touch(test, mm, BASE, 64 * PAGE_SIZE, true, 63);
	KUNIT_EXPECT_EQ(test, fixups() - fix0, 63l);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&vml_mmu_stats.window_faults) - stops0, 0l);
	KUNIT_EXPECT_EQ(test, frames(test) - before, 63ul);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_ANONPAGES), 64ul);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&mm->min_flt), 64l);

	/* COW in the window: the parent copies, the data stays its own. */
	fill(test, mm, BASE, 64 * PAGE_SIZE, 5);
	child = fork_mm(test, mm);
	fix0 = fixups();
	cow0 = vml_vm_event_sum(VML_COW_FAULT);
	fill(test, mm, BASE, 8 * PAGE_SIZE, 6);
	KUNIT_EXPECT_EQ(test, fixups() - fix0, 8l);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_COW_FAULT) - cow0, 8ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, child, BASE, 64 * PAGE_SIZE, 5), 0ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, 8 * PAGE_SIZE, 6), 0ul);
	KUNIT_EXPECT_PTR_NE(test, page_of(mm, BASE), page_of(child, BASE));
	KUNIT_EXPECT_PTR_EQ(test, page_of(mm, BASE + 8 * PAGE_SIZE),
			    page_of(child, BASE + 8 * PAGE_SIZE));
	vml_mm_destroy(child);
	vml_mm_destroy(mm);
	KUNIT_EXPECT_LE(test, frames(test), before);
}

struct cow_racer {
	struct vml_mm *mm;
	unsigned long addr;
	u64 seed;
	int ret;
};

static void cow_race_fn(void *arg)
{
	struct cow_racer *r = arg;
	struct vml_access_result res;

	r->ret = vml_access_fill(r->mm, r->addr, 128 * PAGE_SIZE, r->seed, &res);
}

/*
 * Two CPUs copy-on-write the two halves of one mm at once, each through
 * its own windows: a copy made while the other CPU is inside a window on
 * the tree must end its window for a shootdown before the old frame goes.
 */
static void fault_test_in_window_two_cpus(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test), *child;
	long flush0 = atomic_long_read(&vml_mmu_stats.window_fixup_flushes);
	struct cow_racer r[2];
	unsigned long before;
	int cpu;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	map(test, mm, BASE, 256 * PAGE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	fill(test, mm, BASE, 256 * PAGE_SIZE, 10);
	child = fork_mm(test, mm);
	before = frames(test);
	for (cpu = 0; cpu < 2; cpu++)
		r[cpu] = (struct cow_racer){ .mm = mm, .seed = 11 + cpu,
					     .addr = BASE + cpu * 128 * PAGE_SIZE };
	run_on_two_cpus(test, cow_race_fn, &r[0], &r[1]);
	KUNIT_EXPECT_EQ(test, r[0].ret, 0);
	KUNIT_EXPECT_EQ(test, r[1].ret, 0);
	kunit_info(test, "copies that needed a shootdown: %ld\n",
		   atomic_long_read(&vml_mmu_stats.window_fixup_flushes) - flush0);
	/* 256 copies, and every old frame still mapped by the child. */
	KUNIT_EXPECT_EQ(test, frames(test) - before, 256ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, 128 * PAGE_SIZE, 11), 0ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE + 128 * PAGE_SIZE, 128 * PAGE_SIZE, 12),
			0ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, child, BASE, 256 * PAGE_SIZE, 10), 0ul);
	/* The child held the only mappings of the old frames: they go with it. */
	vml_mm_destroy(child);
	KUNIT_EXPECT_LE(test, frames(test), before);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_ANONPAGES), 256ul);
	vml_mm_destroy(mm);
}

/*
 * A read of a cached file maps the cached neighbours in the 64 KiB block
 * around it, within the VMA (fault-around): one fault per 16 pages.
 */
static void fault_test_fault_around(struct kunit *test)
{
	struct file *f = make_file(test, 40 * PAGE_SIZE, 'c');
	struct vml_mm *mm = new_mm(test);
	const unsigned long priv = BASE + SZ_1M, small = BASE + SZ_2M;
	struct vml_access_result res;
	unsigned long i;

	map(test, mm, BASE, 40 * PAGE_SIZE, PROT_READ, MAP_SHARED, f);
	map(test, mm, priv, 40 * PAGE_SIZE, PROT_READ, MAP_PRIVATE, f);
	map(test, mm, small + 2 * PAGE_SIZE, 4 * PAGE_SIZE, PROT_READ, MAP_PRIVATE, f);
	KUNIT_ASSERT_EQ(test, vml_access_touch(mm, BASE, 40 * PAGE_SIZE, false, PAGE_SIZE,
					       &res), 0);
	KUNIT_EXPECT_GT(test, res.majflt, 0ul);
	/* Everything is cached now: blocks [0,16), [16,32), [32,40). */
	touch(test, mm, priv, 40 * PAGE_SIZE, false, 3);
	for (i = 0; i < 40; i++) {
		KUNIT_EXPECT_PTR_EQ(test, page_of(mm, priv + i * PAGE_SIZE),
				    page_of(mm, BASE + i * PAGE_SIZE));
		KUNIT_EXPECT_EQ(test, vml_page_mapcount(page_of(mm, priv + i * PAGE_SIZE)), 2);
	}
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_FILEPAGES), 80ul);
	/* A 4-page VMA in the middle of a block: only its own pages are mapped. */
	touch(test, mm, small + 2 * PAGE_SIZE, 4 * PAGE_SIZE, false, 1);
	KUNIT_EXPECT_NULL(test, page_of(mm, small + PAGE_SIZE));
	KUNIT_EXPECT_NULL(test, page_of(mm, small + 6 * PAGE_SIZE));
	vml_mm_destroy(mm);
	fput(f);
	KUNIT_EXPECT_GT(test, vml_drop_caches(), 0ul);
}

/* ---- leaks ---- */

static void fault_test_returns_every_frame(struct kunit *test)
{
	struct file *f = make_file(test, 8 * PAGE_SIZE, 'b');
	struct vml_mm *mm, *child;
	unsigned long before;

	vml_mm_destroy(new_mm(test));		/* the kernel mm etc. exist now */
	before = frames(test);
	mm = new_mm(test);
	map(test, mm, BASE, 16 * PAGE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	map(test, mm, BASE + SZ_1M, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, f);
	map(test, mm, BASE + SZ_2M, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, f);
	fill(test, mm, BASE, 16 * PAGE_SIZE, 1);
	fill(test, mm, BASE + SZ_1M, 8 * PAGE_SIZE, 2);
	/* All 8 are cached (the shared fill): fault-around maps them at once. */
	touch(test, mm, BASE + SZ_2M, 8 * PAGE_SIZE, false, 1);
	child = fork_mm(test, mm);
	fill(test, child, BASE, 16 * PAGE_SIZE, 3);
	fill(test, child, BASE + SZ_2M, 8 * PAGE_SIZE, 4);
	vml_mm_destroy(child);
	vml_mm_destroy(mm);
	vml_drop_caches();
	KUNIT_EXPECT_EQ(test, frames(test), before);
	fput(f);
}

static struct kunit_case fault_test_cases[] = {
	KUNIT_CASE(fault_test_zero_page),
	KUNIT_CASE(fault_test_demand_zero_write),
	KUNIT_CASE(fault_test_segv),
	KUNIT_CASE(fault_test_fork_cow),
	KUNIT_CASE(fault_test_fork_1000_vmas),
	KUNIT_CASE(fault_test_fork_shared_and_locked),
	KUNIT_CASE(fault_test_rmap),
	KUNIT_CASE(fault_test_concurrent),
	KUNIT_CASE(fault_test_concurrent_first_fault),
	KUNIT_CASE(fault_test_file),
	KUNIT_CASE(fault_test_shared_anon_merge),
	KUNIT_CASE(fault_test_merge_rules),
	KUNIT_CASE(fault_test_shmem_object),
	KUNIT_CASE(fault_test_msync_range),
	KUNIT_CASE(fault_test_in_window),
	KUNIT_CASE(fault_test_in_window_two_cpus),
	KUNIT_CASE(fault_test_fault_around),
	KUNIT_CASE(fault_test_returns_every_frame),
	{}
};

static struct kunit_suite fault_test_suite = {
	.name = "vmlab_fault",
	.init = fault_test_init,
	.exit = fault_test_exit,
	.test_cases = fault_test_cases,
};

kunit_test_suite(fault_test_suite);
