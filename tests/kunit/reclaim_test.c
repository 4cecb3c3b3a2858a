// SPDX-License-Identifier: GPL-2.0
/*
 * reclaim_test.c - KUnit suite for page reclaim (swap/vmscan.c) and the
 * LRU wiring of fault/ and vma/: pages reach the lists when first mapped
 * or cached and leave them with their last reference; reclaim unmaps
 * file pages through the reverse map, writes dirty ones back and frees
 * them, under both replacement policies; anonymous pages stay without
 * swap and go to a swap area when there is one, in batches that put back
 * the pages that cannot go; mlocked pages stay;
 * MADV_COLD deactivates.
 *
 * Each case runs on a fresh core with a 64 MiB arena and ends with the
 * invariant checker.
 */
#include <linux/sizes.h>
#include "tests/kunit/fault_test.h"
#include "buddy/vmstat.h"
#include "swap/swap.h"

#define NR	64			/* pages in each case's mapping */
#define LEN	(NR * PAGE_SIZE)

static unsigned long lru_nr(enum vml_lru_list lru)
{
	unsigned long nr[VML_NR_LRU_LISTS];

	vml_lru_add_drain_all();
	vml_lru_sizes(0, nr);
	return nr[lru];
}

/* Present PTEs in [BASE, BASE + LEN). */
static unsigned long resident(struct vml_mm *mm)
{
	unsigned long a, n = 0;

	for (a = BASE; a < BASE + LEN; a += PAGE_SIZE)
		n += !!page_of(mm, a);
	return n;
}

/* Read every page of [addr, addr + LEN), with no fault count expected. */
static void read_all(struct kunit *test, struct vml_mm *mm, unsigned long addr)
{
	struct vml_access_result res;

	KUNIT_ASSERT_EQ(test, vml_access_touch(mm, addr, LEN, false, PAGE_SIZE, &res), 0);
}

static unsigned long stolen(void)
{
	return vml_vm_event_sum(VML_PGSTEAL_DIRECT);
}

/* Faulted pages are on the lists; unmapped, they leave with their last put. */
static void reclaim_test_lru_wiring(struct kunit *test)
{
	struct file *f = make_file(test, LEN, 'w');
	struct vml_mm *mm = new_mm(test);

	map(test, mm, BASE, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	map(test, mm, BASE + SZ_1M, LEN, PROT_READ, MAP_SHARED, f);
	fill(test, mm, BASE, LEN, 1);
	read_all(test, mm, BASE + SZ_1M);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_INACTIVE_ANON), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_INACTIVE_FILE), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_NR_INACTIVE_ANON), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_NR_INACTIVE_FILE), (unsigned long)NR);
	KUNIT_EXPECT_TRUE(test, vml_page_test(page_of(mm, BASE), VML_PG_lru));
	vml_test_check(test);
	/* munmap: anonymous pages go with their PTE; cache pages stay cached. */
	KUNIT_EXPECT_EQ(test, vml_munmap(mm, BASE, LEN), 0);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_INACTIVE_ANON), 0ul);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_NR_INACTIVE_ANON), 0ul);
	vml_mm_destroy(mm);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_INACTIVE_FILE), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, vml_drop_caches(), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, vml_lru_pages(), 0ul);
	fput(f);
}

/*
 * Dirty shared file pages: reclaim unmaps them, writes them back and
 * frees them; the data comes back from the file. Under both policies.
 */
static void reclaim_test_file_writeback(struct kunit *test)
{
	static const char * const pol[] = { "2list", "clock" };
	unsigned long scan, steal, out, got;
	struct vml_mm *mm;
	struct file *f;
	int k;

	for (k = 0; k < 2; k++) {
		KUNIT_ASSERT_EQ(test, vml_lru_set_policy(pol[k]), 0);
		f = make_file(test, LEN, 0);
		mm = new_mm(test);
		map(test, mm, BASE, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, f);
		fill(test, mm, BASE, LEN, 40 + k);
		KUNIT_EXPECT_EQ(test, resident(mm), (unsigned long)NR);
		scan = vml_vm_event_sum(VML_PGSCAN_DIRECT);
		steal = vml_vm_event_sum(VML_PGSTEAL_DIRECT);
		out = vml_vm_event_sum(VML_PGPGOUT);
		got = vml_reclaim_pages(NR);
		kunit_info(test, "%s: reclaimed %lu\n", pol[k], got);
		KUNIT_EXPECT_GE(test, got, (unsigned long)NR);
		KUNIT_EXPECT_EQ(test, resident(mm), 0ul);
		KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_INACTIVE_FILE) +
				lru_nr(VML_LRU_ACTIVE_FILE), 0ul);
		KUNIT_EXPECT_GE(test, vml_vm_event_sum(VML_PGSCAN_DIRECT) - scan,
				(unsigned long)NR);
		KUNIT_EXPECT_GE(test, vml_vm_event_sum(VML_PGSTEAL_DIRECT) - steal,
				(unsigned long)NR);
		KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_PGPGOUT) - out,
				(unsigned long)NR * (PAGE_SIZE / SZ_1K));
		/* Read back from the file through new faults. */
		KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, LEN, 40 + k), 0ul);
		vml_test_check(test);
		vml_mm_destroy(mm);
		vml_drop_caches();
		fput(f);
	}
}

/*
 * A page PTEs used since the last harvest survives a reclaim that takes
 * its unused neighbours, though it is the oldest page on the list.
 */
static void reclaim_test_referenced_survive(struct kunit *test)
{
	struct file *f = make_file(test, LEN, 'r');
	struct vml_mm *mm = new_mm(test);
	struct vml_access_result res;
	unsigned long a;
	u8 c;

	map(test, mm, BASE, LEN, PROT_READ, MAP_SHARED, f);
	read_all(test, mm, BASE);
	for (a = BASE; a < BASE + LEN; a += PAGE_SIZE)	/* age: A bits off */
		KUNIT_EXPECT_EQ(test, vml_page_referenced(page_of(mm, a)), 1);
	KUNIT_EXPECT_EQ(test, vml_access_rw(mm, BASE, &c, 1, false, &res), 0);
	KUNIT_EXPECT_GE(test, vml_reclaim_pages(NR / 2), (unsigned long)NR / 2);
	KUNIT_EXPECT_NOT_NULL(test, page_of(mm, BASE));
	KUNIT_EXPECT_NULL(test, page_of(mm, BASE + PAGE_SIZE));	/* next oldest */
	KUNIT_EXPECT_LE(test, resident(mm), (unsigned long)NR / 2);
	vml_mm_destroy(mm);
	vml_drop_caches();
	fput(f);
}

/* mlocked pages never leave; munlocked, they can go. */
static void reclaim_test_mlocked(struct kunit *test)
{
	struct file *f = make_file(test, LEN, 'm');
	struct vml_mm *mm = new_mm(test);
	unsigned long steal;

	map(test, mm, BASE, LEN, PROT_READ, MAP_SHARED, f);
	KUNIT_ASSERT_EQ(test, vml_mlock(mm, BASE, LEN), 0);
	KUNIT_EXPECT_EQ(test, resident(mm), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_UNEVICTABLE), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_NR_UNEVICTABLE), (unsigned long)NR);
	steal = stolen();
	vml_reclaim_pages(NR);
	KUNIT_EXPECT_EQ(test, stolen(), steal);
	KUNIT_EXPECT_EQ(test, resident(mm), (unsigned long)NR);
	vml_test_check(test);
	KUNIT_ASSERT_EQ(test, vml_munlock(mm, BASE, LEN), 0);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_UNEVICTABLE), 0ul);
	KUNIT_EXPECT_GE(test, vml_reclaim_pages(NR), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, resident(mm), 0ul);
	vml_mm_destroy(mm);
	fput(f);
}

/* Without a swap area anonymous pages stay resident and intact. */
static void reclaim_test_anon_kept(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	unsigned long steal;

	map(test, mm, BASE, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	fill(test, mm, BASE, LEN, 9);
	steal = stolen();
	vml_reclaim_pages(NR);
	KUNIT_EXPECT_EQ(test, stolen(), steal);
	KUNIT_EXPECT_EQ(test, resident(mm), (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, LEN, 9), 0ul);
	vml_mm_destroy(mm);
}

/*
 * With a swap area, reclaim swaps anonymous pages out (vml_swap_out_page())
 * and they fault back intact; mlocked anonymous pages stay.
 */
static void reclaim_test_anon_swap(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	unsigned long out = vml_vm_event_sum(VML_PSWPOUT), steal;
	const char *why;

	KUNIT_ASSERT_GE(test, vml_swapon("ram:1M", VML_SWAP_PRIO_DEFAULT, &why), 0);
	map(test, mm, BASE, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	map(test, mm, BASE + SZ_1M, LEN, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, NULL);
	fill(test, mm, BASE, LEN, 21);
	fill(test, mm, BASE + SZ_1M, LEN, 22);
	steal = stolen();
	KUNIT_EXPECT_GE(test, vml_reclaim_pages(NR), (unsigned long)NR);
	KUNIT_EXPECT_GE(test, stolen() - steal, (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, resident(mm), 0ul);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_PSWPOUT) - out, (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_SWAPENTS), (unsigned long)NR);
	vml_test_check(test);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, LEN, 21), 0ul);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE + SZ_1M, LEN, 22), 0ul);
	KUNIT_EXPECT_EQ(test, vml_mm_counter(mm, VML_MM_SWAPENTS), 0ul);
	vml_mm_destroy(mm);
	KUNIT_EXPECT_EQ(test, vml_swapoff("ram:1M", &why), 0);
}

/*
 * Reclaim hands anonymous pages to vml_swap_out_pages() 16 at a time; a
 * page of a batch that cannot leave goes back on the lists and the rest
 * of its batch goes on. Every fifth page here holds an extra reference
 * (a pin): it is written and unmapped to its swap entry, but stays in
 * the swap cache, on the lists; with the pin gone, the next reclaim frees
 * it without writing it again. All data comes back.
 */
static void reclaim_test_anon_batch_keeps(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	unsigned long out = vml_vm_event_sum(VML_PSWPOUT), cached, i, npin = 0;
	struct vml_page *pinned[NR];
	const char *why;

	KUNIT_ASSERT_GE(test, vml_swapon("ram:1M", VML_SWAP_PRIO_DEFAULT, &why), 0);
	map(test, mm, BASE, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	fill(test, mm, BASE, LEN, 23);
	for (i = 0; i < NR; i += 5) {
		pinned[npin] = page_of(mm, BASE + i * PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, pinned[npin]);
		vml_get_page(pinned[npin++]);
	}
	cached = vml_vm_event_sum(VML_NR_SWAPCACHED);
	/* At least: the slab caches reaped after the lists count too. */
	KUNIT_EXPECT_GE(test, vml_reclaim_pages(NR), NR - npin);
	KUNIT_EXPECT_EQ(test, resident(mm), 0ul);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_PSWPOUT) - out, (unsigned long)NR);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_NR_SWAPCACHED) - cached, npin);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_INACTIVE_ANON) + lru_nr(VML_LRU_ACTIVE_ANON), npin);
	/* (No check here: it rightly counts each pin as a reference no owner explains.) */
	for (i = 0; i < npin; i++)
		vml_put_page(pinned[i]);
	KUNIT_EXPECT_GE(test, vml_reclaim_pages(npin), npin);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_NR_SWAPCACHED), cached);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_PSWPOUT) - out, (unsigned long)NR);
	vml_test_check(test);
	KUNIT_EXPECT_EQ(test, mismatches(test, mm, BASE, LEN, 23), 0ul);
	vml_mm_destroy(mm);
	KUNIT_EXPECT_EQ(test, vml_swapoff("ram:1M", &why), 0);
}

/* MADV_COLD moves active pages to the inactive list (deactivate_page()). */
static void reclaim_test_madv_cold(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	unsigned long deact, a;

	map(test, mm, BASE, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	fill(test, mm, BASE, LEN, 3);
	vml_lru_add_drain_all();
	for (a = BASE; a < BASE + LEN; a += PAGE_SIZE) {
		vml_mark_page_accessed(page_of(mm, a));
		vml_mark_page_accessed(page_of(mm, a));
	}
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_ACTIVE_ANON), (unsigned long)NR);
	deact = vml_vm_event_sum(VML_PGDEACTIVATE);
	KUNIT_EXPECT_EQ(test, vml_madvise(mm, BASE, LEN / 2, MADV_COLD), 0);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_ACTIVE_ANON), (unsigned long)NR / 2);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_INACTIVE_ANON), (unsigned long)NR / 2);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_PGDEACTIVATE) - deact,
			(unsigned long)NR / 2);
	KUNIT_EXPECT_FALSE(test, vml_page_test(page_of(mm, BASE), VML_PG_active));
	vml_test_check(test);
	vml_mm_destroy(mm);
}

/* The checker's LRU rule: a page flagged lru is on exactly one list. */
static void reclaim_test_check_rule(struct kunit *test)
{
	struct vml_mm *mm = new_mm(test);
	struct vml_check chk;
	struct vml_page *page;
	bool found = false;
	unsigned long i;

	map(test, mm, BASE, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL);
	fill(test, mm, BASE, PAGE_SIZE, 5);
	page = page_of(mm, BASE);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, vml_lru_del(page), 0);
	vml_page_set(page, VML_PG_lru);		/* flagged, on no list */
	KUNIT_EXPECT_EQ(test, vmlab_core_check(&chk), -EUCLEAN);
	for (i = 0; i < min_t(unsigned long, chk.violations, VML_CHECK_MAX_MSGS); i++)
		found |= !!strstr(chk.msgs[i], "1 frames flagged lru, 0 on its lists");
	KUNIT_EXPECT_TRUE_MSG(test, found, "first violation: %s",
			      chk.violations ? chk.msgs[0] : "none");
	vml_check_end(&chk);
	vml_page_clear(page, VML_PG_lru);
	vml_lru_cache_add(page);		/* back on a list: clean again */
	vml_test_check(test);
	vml_mm_destroy(mm);
}

/* Bad and boundary values of swappiness; the default is 60. */
static void reclaim_test_swappiness(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vml_swappiness(), VML_SWAPPINESS_DEFAULT);
	KUNIT_EXPECT_EQ(test, vml_set_swappiness(VML_SWAPPINESS_MAX + 1), -ERANGE);
	KUNIT_EXPECT_EQ(test, vml_swappiness(), VML_SWAPPINESS_DEFAULT);
	KUNIT_EXPECT_EQ(test, vml_set_swappiness(0), 0);
	KUNIT_EXPECT_EQ(test, vml_swappiness(), 0);
	KUNIT_EXPECT_EQ(test, vml_set_swappiness(VML_SWAPPINESS_MAX), 0);
	KUNIT_EXPECT_EQ(test, vml_swappiness(), VML_SWAPPINESS_MAX);
}

static struct kunit_case reclaim_test_cases[] = {
	KUNIT_CASE(reclaim_test_lru_wiring),
	KUNIT_CASE(reclaim_test_file_writeback),
	KUNIT_CASE(reclaim_test_referenced_survive),
	KUNIT_CASE(reclaim_test_mlocked),
	KUNIT_CASE(reclaim_test_anon_kept),
	KUNIT_CASE(reclaim_test_anon_swap),
	KUNIT_CASE(reclaim_test_anon_batch_keeps),
	KUNIT_CASE(reclaim_test_madv_cold),
	KUNIT_CASE(reclaim_test_check_rule),
	KUNIT_CASE(reclaim_test_swappiness),
	{}
};

static struct kunit_suite reclaim_test_suite = {
	.name = "vmlab_reclaim",
	.init = fault_test_init,
	.exit = fault_test_exit,
	.test_cases = reclaim_test_cases,
};

kunit_test_suite(reclaim_test_suite);
