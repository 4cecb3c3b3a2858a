// SPDX-License-Identifier: GPL-2.0
/*
 * swap_test.c - KUnit suites for swap/: the LRU lists under both
 * replacement policies, swap areas (ram: and a swap file), slot use
 * counts and I/O, the swap cache, and the swap entry in a PTE.
 *
 * Each case runs on a fresh core with every layer started, and checks at
 * its end that every arena frame it took came back.
 */
#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/swap.h>
#include "vmlab_core.h"
#include "vml_test.h"
#include "buddy/buddy.h"
#include "buddy/vmstat.h"
#include "mmu/mmu.h"
#include "swap/swap.h"

static unsigned long allocated_at_start;

static unsigned long allocated_frames(void)
{
	struct vml_frame_census c;

	vml_drain_all_pages();
	vml_take_census(&c);
	return c.allocated;
}

static int swap_test_init(struct kunit *test)
{
	struct vml_config cfg;
	int ret;

	vml_default_config(&cfg, 64);
	ret = vmlab_core_start(&cfg);
	if (!ret)
		allocated_at_start = allocated_frames();
	return ret;
}

static void swap_test_exit(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vml_lru_pages(), 0ul);
	KUNIT_EXPECT_EQ(test, allocated_frames(), allocated_at_start);
	vml_test_check(test);
	vmlab_core_stop();
}

/* ---- LRU ---- */

#define NPAGES	8

static void get_pages(struct kunit *test, struct vml_page **p, int n, bool anon)
{
	int i;

	for (i = 0; i < n; i++) {
		p[i] = vml_alloc_pages(VML_GFP_KERNEL, 0);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		if (anon)
			vml_page_set(p[i], VML_PG_anon);
	}
}

/* Take each page off the LRU (or back from isolation) and free it. */
static void put_pages(struct kunit *test, struct vml_page **p, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (vml_lru_del(p[i]))
			vml_put_page(p[i]);	/* isolated: the isolation ref */
		vml_page_clear(p[i], VML_PG_anon);
		vml_page_clear(p[i], VML_PG_mlocked);
		vml_page_clear(p[i], VML_PG_referenced);
		vml_page_clear(p[i], VML_PG_active);
		vml_put_page(p[i]);
	}
}

/* Add pages in order, then drain: p[0] is the oldest. */
static void add_pages(struct vml_page **p, int n)
{
	int i;

	for (i = 0; i < n; i++)
		vml_lru_cache_add(p[i]);
	vml_lru_add_drain_all();
}

static unsigned long lru_nr(enum vml_lru_list lru)
{
	unsigned long nr[VML_NR_LRU_LISTS];

	vml_lru_sizes(0, nr);
	return nr[lru];
}

/* Select @nr victims and check they are @want, in that order. */
static void expect_victims(struct kunit *test, bool file, unsigned long nr,
			   struct vml_page **want, int nwant)
{
	struct vml_plist out;
	struct vml_page *page;
	int i = 0;

	vml_plist_init(&out);
	KUNIT_EXPECT_EQ(test, vml_lru_select_victims(0, file, nr, &out),
			(unsigned long)nwant);
	while ((page = vml_plist_pop(&out))) {
		KUNIT_EXPECT_FALSE(test, vml_page_test(page, VML_PG_lru));
		if (i < nwant)
			KUNIT_EXPECT_PTR_EQ(test, page, want[i]);
		i++;
		vml_lru_putback(page);
	}
	KUNIT_EXPECT_EQ(test, i, nwant);
}

static void lru_test_batching(struct kunit *test)
{
	struct vml_page *p[VML_PAGEVEC_SIZE + 3];
	int i;

	get_pages(test, p, ARRAY_SIZE(p), false);
	migrate_disable();	/* one CPU's batch */
	for (i = 0; i < VML_PAGEVEC_SIZE - 1; i++)
		vml_lru_cache_add(p[i]);
	KUNIT_EXPECT_EQ(test, vml_lru_pages(), 0ul);
	/* The batch holds a reference of its own. */
	KUNIT_EXPECT_EQ(test, vml_page_count(p[0]), 2);
	vml_lru_cache_add(p[i++]);
	KUNIT_EXPECT_EQ(test, vml_lru_pages(), (unsigned long)VML_PAGEVEC_SIZE);
	KUNIT_EXPECT_EQ(test, vml_page_count(p[0]), 1);
	for (; i < ARRAY_SIZE(p); i++)
		vml_lru_cache_add(p[i]);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, vml_lru_pages(), (unsigned long)VML_PAGEVEC_SIZE);
	vml_lru_add_drain_all();
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_INACTIVE_FILE), (unsigned long)ARRAY_SIZE(p));
	for (i = 0; i < ARRAY_SIZE(p); i++)
		KUNIT_EXPECT_TRUE(test, vml_page_test(p[i], VML_PG_lru));
	put_pages(test, p, ARRAY_SIZE(p));
}

/* vml_lru_del() finds a page still in a batch. */
static void lru_test_del_from_batch(struct kunit *test)
{
	struct vml_page *p[1];

	get_pages(test, p, 1, true);
	vml_lru_cache_add(p[0]);
	KUNIT_EXPECT_EQ(test, vml_lru_del(p[0]), 0);
	KUNIT_EXPECT_EQ(test, vml_lru_del(p[0]), -ENOENT);
	KUNIT_EXPECT_EQ(test, vml_page_count(p[0]), 1);
	vml_page_clear(p[0], VML_PG_anon);
	vml_put_page(p[0]);
}

static void lru_test_promotion(struct kunit *test)
{
	unsigned long act = vml_vm_event_sum(VML_PGACTIVATE);
	struct vml_page *p[4];

	get_pages(test, p, 4, true);
	add_pages(p, 4);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_INACTIVE_ANON), 4ul);
	vml_mark_page_accessed(p[1]);
	KUNIT_EXPECT_TRUE(test, vml_page_test(p[1], VML_PG_referenced));
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_ACTIVE_ANON), 0ul);
	vml_mark_page_accessed(p[1]);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_ACTIVE_ANON), 1ul);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_INACTIVE_ANON), 3ul);
	KUNIT_EXPECT_TRUE(test, vml_page_test(p[1], VML_PG_active));
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_PGACTIVATE), act + 1);
	put_pages(test, p, 4);
}

/* Used twice while still in a batch: straight to the active list. */
static void lru_test_promotion_in_batch(struct kunit *test)
{
	struct vml_page *p[1];

	get_pages(test, p, 1, false);
	migrate_disable();
	vml_lru_cache_add(p[0]);
	vml_mark_page_accessed(p[0]);
	vml_mark_page_accessed(p[0]);
	migrate_enable();
	vml_lru_add_drain_all();
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_ACTIVE_FILE), 1ul);
	put_pages(test, p, 1);
}

/* Oldest first; a referenced page is activated, not taken. */
static void lru_test_victim_order_2list(struct kunit *test)
{
	struct vml_page *p[4];

	get_pages(test, p, 4, false);
	add_pages(p, 4);
	vml_mark_page_accessed(p[1]);
	expect_victims(test, true, 2, (struct vml_page *[]){ p[0], p[2] }, 2);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_ACTIVE_FILE), 1ul);
	/* Put back at the front: now p[3] is the oldest; p[1] is protected. */
	expect_victims(test, true, 4, (struct vml_page *[]){ p[3], p[0], p[2] }, 3);
	put_pages(test, p, 4);
}

/* CLOCK: the referenced page gets a second chance, then goes. */
static void lru_test_victim_order_clock(struct kunit *test)
{
	struct vml_page *p[4];

	KUNIT_ASSERT_EQ(test, vml_lru_set_policy("clock"), 0);
	get_pages(test, p, 4, false);
	add_pages(p, 4);
	vml_mark_page_accessed(p[1]);
	vml_mark_page_accessed(p[1]);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_ACTIVE_FILE), 0ul);
	expect_victims(test, true, 2, (struct vml_page *[]){ p[0], p[2] }, 2);
	/* Circle, front to back: p[2] p[0] p[1] p[3]. */
	expect_victims(test, true, 4,
		       (struct vml_page *[]){ p[3], p[1], p[0], p[2] }, 4);
	put_pages(test, p, 4);
}

/* Refill demotes unreferenced active pages and keeps a referenced one. */
static void lru_test_refill(struct kunit *test)
{
	unsigned long deact = vml_vm_event_sum(VML_PGDEACTIVATE);
	unsigned long refill = vml_vm_event_sum(VML_PGREFILL);
	struct vml_page *p[NPAGES];
	int i;

	get_pages(test, p, NPAGES, true);
	add_pages(p, NPAGES);
	for (i = 0; i < NPAGES; i++) {
		vml_mark_page_accessed(p[i]);
		vml_mark_page_accessed(p[i]);
	}
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_ACTIVE_ANON), (unsigned long)NPAGES);
	vml_mark_page_accessed(p[0]);	/* oldest active page, used again */
	/* Inactive is empty: refill first, then p[1] (demoted first) goes. */
	expect_victims(test, false, 1, (struct vml_page *[]){ p[1] }, 1);
	KUNIT_EXPECT_TRUE(test, vml_page_test(p[0], VML_PG_active));
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_PGDEACTIVATE), deact + NPAGES - 1);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_PGREFILL), refill + NPAGES);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_ACTIVE_ANON), 1ul);
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_INACTIVE_ANON), (unsigned long)NPAGES - 1);
	put_pages(test, p, NPAGES);
}

static struct vml_page *ref_target;

static int fake_referenced(struct vml_page *page)
{
	return page == ref_target;
}

/* The harvest callback is what protects a page, under both policies. */
static void lru_test_referenced_callback(struct kunit *test)
{
	static const char * const pol[] = { "2list", "clock" };
	struct vml_page *p[3];
	int k;

	for (k = 0; k < 2; k++) {
		KUNIT_ASSERT_EQ(test, vml_lru_set_policy(pol[k]), 0);
		get_pages(test, p, 3, true);
		add_pages(p, 3);
		ref_target = p[0];
		vml_lru_set_referenced_fn(fake_referenced);
		expect_victims(test, false, 2, (struct vml_page *[]){ p[1], p[2] }, 2);
		vml_lru_set_referenced_fn(NULL);
		put_pages(test, p, 3);
	}
}

/* An mlocked page is never handed out, whatever the policy. */
static void lru_test_unevictable(struct kunit *test)
{
	static const char * const pol[] = { "2list", "clock" };
	struct vml_page *p[3];
	int k;

	for (k = 0; k < 2; k++) {
		KUNIT_ASSERT_EQ(test, vml_lru_set_policy(pol[k]), 0);
		get_pages(test, p, 3, false);
		vml_page_set(p[1], VML_PG_mlocked);
		add_pages(p, 3);
		KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_UNEVICTABLE), 1ul);
		vml_mark_page_accessed(p[1]);
		vml_mark_page_accessed(p[1]);
		KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_UNEVICTABLE), 1ul);
		expect_victims(test, true, 100, (struct vml_page *[]){ p[0], p[2] }, 2);
		expect_victims(test, false, 100, NULL, 0);
		/* munlock: evictable again, and next to go once the rest is. */
		vml_page_clear(p[1], VML_PG_mlocked);
		KUNIT_EXPECT_EQ(test, vml_lru_update_evictable(p[1]), 0);
		KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_UNEVICTABLE), 0ul);
		KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_INACTIVE_FILE), 3ul);
		put_pages(test, p, 3);
	}
}

/* Switching policy with pages on active lists loses none. */
static void lru_test_switch_policy(struct kunit *test)
{
	struct vml_page *p[NPAGES];
	struct vml_plist out;
	struct vml_page *page;
	int i;

	get_pages(test, p, NPAGES, true);
	add_pages(p, NPAGES);
	for (i = 0; i < NPAGES / 2; i++) {
		vml_mark_page_accessed(p[i]);
		vml_mark_page_accessed(p[i]);
	}
	KUNIT_EXPECT_EQ(test, lru_nr(VML_LRU_ACTIVE_ANON), (unsigned long)NPAGES / 2);
	KUNIT_ASSERT_EQ(test, vml_lru_set_policy("clock"), 0);
	KUNIT_EXPECT_STREQ(test, vml_lru_policy_name(), "clock");
	KUNIT_EXPECT_EQ(test, vml_lru_set_policy("lfu"), -EINVAL);
	KUNIT_EXPECT_STREQ(test, vml_lru_policy_name(), "clock");
	vml_plist_init(&out);
	KUNIT_EXPECT_EQ(test, vml_lru_select_victims(0, false, NPAGES, &out),
			(unsigned long)NPAGES);
	KUNIT_EXPECT_EQ(test, vml_lru_pages(), 0ul);
	while ((page = vml_plist_pop(&out)))
		vml_lru_putback(page);
	KUNIT_EXPECT_EQ(test, vml_lru_pages(), (unsigned long)NPAGES);
	/* Bad node numbers select nothing. */
	KUNIT_EXPECT_EQ(test, vml_lru_select_victims(-1, false, 1, &out), 0ul);
	KUNIT_EXPECT_EQ(test, vml_lru_select_victims(VML_MAX_NODES, false, 1, &out), 0ul);
	put_pages(test, p, NPAGES);
}

/*
 * Policy lab in miniature: memory of SIM_MEM pages, a hot set used once a
 * round and a stream of SIM_STREAM cold pages used once each per round
 * (twice the memory). Faults on hot pages after the first round are
 * counted. The two-list policy keeps the hot set on the active list, out of
 * the stream's way; CLOCK's hand passes twice a round, so a hot page's one
 * use is cleared on the first pass and the page taken on the second.
 */
#define SIM_MEM		32
#define SIM_HOT		16
#define SIM_STREAM	64
#define SIM_POOL	(SIM_MEM + SIM_HOT)
#define SIM_ROUNDS	6

struct sim {
	struct kunit *test;
	struct vml_page *hot[SIM_HOT], *cold[SIM_POOL];
	unsigned int resident, next_cold;
};

static bool sim_resident(struct vml_page *page)
{
	return page->private == 1;
}

static void sim_evict_one(struct sim *s)
{
	struct vml_plist out;
	struct vml_page *page;
	int tries;

	vml_plist_init(&out);
	for (tries = 0; tries < 4; tries++)
		if (vml_lru_select_victims(0, false, 1, &out))
			break;
	page = vml_plist_pop(&out);
	KUNIT_ASSERT_NOT_NULL(s->test, page);
	page->private = 0;
	vml_page_clear(page, VML_PG_active);
	vml_page_clear(page, VML_PG_referenced);
	vml_put_page(page);	/* the isolation reference */
	s->resident--;
}

static void sim_fault(struct sim *s, struct vml_page *page)
{
	page->private = 1;
	vml_lru_cache_add(page);
	vml_lru_add_drain_all();
	if (++s->resident > SIM_MEM)
		sim_evict_one(s);
}

/* Resident pages leave the LRU; evicted ones are already off it. */
static void sim_release(struct sim *s, struct vml_page **p, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (sim_resident(p[i]))
			KUNIT_EXPECT_EQ(s->test, vml_lru_del(p[i]), 0);
		p[i]->private = 0;
		vml_page_clear(p[i], VML_PG_anon);
		vml_put_page(p[i]);
	}
}

static unsigned long sim_run(struct kunit *test, const char *policy)
{
	struct sim *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned long misses = 0;
	int r, i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->test = test;
	KUNIT_ASSERT_EQ(test, vml_lru_set_policy(policy), 0);
	get_pages(test, s->hot, SIM_HOT, true);
	get_pages(test, s->cold, SIM_POOL, true);
	for (i = 0; i < SIM_HOT; i++)
		s->hot[i]->private = 0;
	for (i = 0; i < SIM_POOL; i++)
		s->cold[i]->private = 0;
	for (r = 0; r < SIM_ROUNDS; r++) {
		for (i = 0; i < SIM_HOT; i++) {
			if (!sim_resident(s->hot[i])) {
				misses += r > 0;
				sim_fault(s, s->hot[i]);
			}
			vml_mark_page_accessed(s->hot[i]);
		}
		for (i = 0; i < SIM_STREAM; i++) {
			while (sim_resident(s->cold[s->next_cold]))
				s->next_cold = (s->next_cold + 1) % SIM_POOL;
			sim_fault(s, s->cold[s->next_cold]);
		}
	}
	sim_release(s, s->hot, SIM_HOT);
	sim_release(s, s->cold, SIM_POOL);
	return misses;
}

static void lru_test_compare_policies(struct kunit *test)
{
	unsigned long two = sim_run(test, "2list");
	unsigned long clock = sim_run(test, "clock");

	kunit_info(test, "hot-set faults over %d rounds: 2list %lu, clock %lu\n",
		   SIM_ROUNDS - 1, two, clock);
	KUNIT_EXPECT_EQ(test, two, 0ul);
	KUNIT_EXPECT_EQ(test, clock, (unsigned long)(SIM_ROUNDS - 1) * SIM_HOT);
}

static struct kunit_case lru_test_cases[] = {
	KUNIT_CASE(lru_test_batching),
	KUNIT_CASE(lru_test_del_from_batch),
	KUNIT_CASE(lru_test_promotion),
	KUNIT_CASE(lru_test_promotion_in_batch),
	KUNIT_CASE(lru_test_victim_order_2list),
	KUNIT_CASE(lru_test_victim_order_clock),
	KUNIT_CASE(lru_test_refill),
	KUNIT_CASE(lru_test_referenced_callback),
	KUNIT_CASE(lru_test_unevictable),
	KUNIT_CASE(lru_test_switch_policy),
	KUNIT_CASE(lru_test_compare_policies),
	{}
};

static struct kunit_suite lru_test_suite = {
	.name = "vmlab_lru",
	.init = swap_test_init,
	.exit = swap_test_exit,
	.test_cases = lru_test_cases,
};

/* ---- swap areas ---- */

static void expect_swapon(struct kunit *test, const char *spec, int prio, int want)
{
	const char *why;
	int ret = vml_swapon(spec, prio, &why);

	KUNIT_EXPECT_EQ_MSG(test, ret, want, "swapon %s: %s", spec, why);
	if (want < 0)
		KUNIT_EXPECT_STRNEQ(test, why, "");
}

static void expect_swapoff(struct kunit *test, const char *spec, int want)
{
	const char *why;

	KUNIT_EXPECT_EQ_MSG(test, vml_swapoff(spec, &why), want, "swapoff %s: %s",
			    spec, why);
}

static struct vml_swp_entry alloc_slot(struct kunit *test)
{
	struct vml_swp_entry e = { 0 };

	KUNIT_EXPECT_EQ(test, vml_swap_alloc(&e), 0);
	return e;
}

/* A slot lives from allocation with the cache bit to its last free. */
static void swap_test_slot_counts(struct kunit *test)
{
	struct vml_swap_totals t;
	struct vml_swp_entry e, e2;
	int i;

	KUNIT_EXPECT_EQ(test, vml_swap_alloc(&e), -ENOSPC);
	expect_swapon(test, "ram:1M", VML_SWAP_PRIO_DEFAULT, 0);
	vml_swap_totals(&t);
	KUNIT_EXPECT_EQ(test, t.pages, 255ul);	/* 256 less the header slot */
	e = alloc_slot(test);
	KUNIT_EXPECT_EQ(test, vml_swp_type(e), 0u);
	KUNIT_EXPECT_EQ(test, vml_swp_offset(e), 1ul);
	KUNIT_EXPECT_EQ(test, vml_swap_count(e), VML_SWAP_HAS_CACHE);
	e2 = alloc_slot(test);
	KUNIT_EXPECT_EQ(test, vml_swp_offset(e2), 2ul);	/* the next free slot */
	KUNIT_EXPECT_EQ(test, vml_swap_duplicate(e), 0);
	KUNIT_EXPECT_EQ(test, vml_swap_count(e), VML_SWAP_HAS_CACHE | 1);
	/* A slot with references cannot be swapped off. */
	expect_swapoff(test, "ram:1M", -EBUSY);
	KUNIT_EXPECT_EQ(test, vml_swapcache_free(e), 0);
	KUNIT_EXPECT_EQ(test, vml_swapcache_free(e), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_swap_count(e), 1);
	for (i = 1; i < VML_SWAP_MAP_MAX; i++)
		KUNIT_EXPECT_EQ(test, vml_swap_duplicate(e), 0);
	KUNIT_EXPECT_EQ(test, vml_swap_count(e), VML_SWAP_MAP_MAX);
	KUNIT_EXPECT_EQ(test, vml_swap_refs(e), VML_SWAP_MAP_MAX);
	/* Past 62 the count continues (COUNT_CONTINUED), up to 300 here. */
	for (i = VML_SWAP_MAP_MAX; i < 300; i++)
		KUNIT_EXPECT_EQ(test, vml_swap_duplicate(e), 0);
	KUNIT_EXPECT_EQ(test, vml_swap_count(e), VML_COUNT_CONTINUED | VML_SWAP_MAP_MAX);
	KUNIT_EXPECT_EQ(test, vml_swap_refs(e), 300);
	vml_swap_totals(&t);
	KUNIT_EXPECT_EQ(test, t.cont, 1ul);
	/* swapcache_prepare() and the cache bit leave the continuation be. */
	KUNIT_EXPECT_EQ(test, vml_swapcache_prepare(e), 0);
	KUNIT_EXPECT_EQ(test, vml_swap_refs(e), 300);
	KUNIT_EXPECT_EQ(test, vml_swapcache_free(e), 0);
	for (i = 300; i > VML_SWAP_MAP_MAX; i--)
		KUNIT_EXPECT_EQ(test, vml_swap_free(e), 0);
	KUNIT_EXPECT_EQ(test, vml_swap_count(e), VML_SWAP_MAP_MAX);
	vml_swap_totals(&t);
	KUNIT_EXPECT_EQ(test, t.cont, 0ul);
	for (i = 0; i < VML_SWAP_MAP_MAX; i++)
		KUNIT_EXPECT_EQ(test, vml_swap_free(e), 0);
	KUNIT_EXPECT_EQ(test, vml_swap_count(e), 0);
	KUNIT_EXPECT_EQ(test, vml_swap_free(e), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_swap_duplicate(e), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_swapcache_free(e2), 0);
	/* The header slot, offsets past the end, unused types. */
	KUNIT_EXPECT_EQ(test, vml_swap_free(vml_swp_entry(0, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_swap_count(vml_swp_entry(0, 256)), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_swap_free(vml_swp_entry(1, 1)), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_swap_free(vml_swp_entry(31, 1)), -EINVAL);
	vml_swap_totals(&t);
	KUNIT_EXPECT_EQ(test, t.inuse, 0ul);
	expect_swapoff(test, "ram:1M", 0);
}

/* Every slot once, then ENOSPC; a freed slot is found again. */
static void swap_test_fill_area(struct kunit *test)
{
	unsigned long seen[BITS_TO_LONGS(64)] = { 0 };
	struct vml_swp_entry e[63], again;
	int i;

	expect_swapon(test, "ram:256K", VML_SWAP_PRIO_DEFAULT, 0);
	for (i = 0; i < 63; i++) {
		e[i] = alloc_slot(test);
		KUNIT_EXPECT_GE(test, vml_swp_offset(e[i]), 1ul);
		KUNIT_EXPECT_LE(test, vml_swp_offset(e[i]), 63ul);
		KUNIT_EXPECT_FALSE(test, __test_and_set_bit(vml_swp_offset(e[i]) % 64, seen));
	}
	KUNIT_EXPECT_EQ(test, vml_swap_alloc(&again), -ENOSPC);
	KUNIT_EXPECT_EQ(test, vml_swapcache_free(e[30]), 0);
	again = alloc_slot(test);
	KUNIT_EXPECT_EQ(test, again.val, e[30].val);
	for (i = 0; i < 63; i++)
		KUNIT_EXPECT_EQ(test, vml_swapcache_free(e[i]), 0);
	expect_swapoff(test, "ram:256K", 0);
}

/* Highest priority first, then round robin between equals. */
static void swap_test_priorities(struct kunit *test)
{
	struct vml_swp_entry e[63 + 8];
	int i, n[3] = { 0 };

	expect_swapon(test, "ram:256K", 10, 0);
	expect_swapon(test, "ram:1M", 5, 1);
	expect_swapon(test, "ram:2M", 5, 2);
	for (i = 0; i < 63; i++) {
		e[i] = alloc_slot(test);
		KUNIT_EXPECT_EQ(test, vml_swp_type(e[i]), 0u);
	}
	for (; i < ARRAY_SIZE(e); i++) {
		e[i] = alloc_slot(test);
		n[vml_swp_type(e[i])]++;
		if (i > 63)
			KUNIT_EXPECT_NE(test, vml_swp_type(e[i]), vml_swp_type(e[i - 1]));
	}
	KUNIT_EXPECT_EQ(test, n[1], 4);
	KUNIT_EXPECT_EQ(test, n[2], 4);
	for (i = 0; i < ARRAY_SIZE(e); i++)
		KUNIT_EXPECT_EQ(test, vml_swapcache_free(e[i]), 0);
	expect_swapoff(test, "ram:1M", 0);
	expect_swapoff(test, "ram:2M", 0);
	expect_swapoff(test, "ram:256K", 0);
}

/* Bad specs and priorities are refused; the type table has an end. */
static void swap_test_bad_input(struct kunit *test)
{
	char spec[32];
	int i;

	expect_swapon(test, "ram:0", VML_SWAP_PRIO_DEFAULT, -EINVAL);
	expect_swapon(test, "ram:1000", VML_SWAP_PRIO_DEFAULT, -EINVAL);
	expect_swapon(test, "ram:junk", VML_SWAP_PRIO_DEFAULT, -EINVAL);
	expect_swapon(test, "ram:4K", VML_SWAP_PRIO_DEFAULT, -ERANGE);
	expect_swapon(test, "ram:1T", VML_SWAP_PRIO_DEFAULT, -EINVAL);
	expect_swapon(test, "ram:1000G", VML_SWAP_PRIO_DEFAULT, -ERANGE);
	expect_swapon(test, "ram:8K", 32768, -ERANGE);
	expect_swapon(test, "ram:8K", -5, -ERANGE);
	expect_swapon(test, "/no/such/file", VML_SWAP_PRIO_DEFAULT, -ENOENT);
	expect_swapon(test, "/", VML_SWAP_PRIO_DEFAULT, -EISDIR);
	expect_swapoff(test, "ram:8K", -EINVAL);
	for (i = 0; i < VML_MAX_SWAPFILES; i++) {
		snprintf(spec, sizeof(spec), "ram:%dK", 8 + 4 * i);
		expect_swapon(test, spec, VML_SWAP_PRIO_DEFAULT, i);
	}
	expect_swapon(test, "ram:4M", VML_SWAP_PRIO_DEFAULT, -EPERM);
	expect_swapon(test, "ram:8K", VML_SWAP_PRIO_DEFAULT, -EPERM);
	for (i = 0; i < VML_MAX_SWAPFILES; i++) {
		snprintf(spec, sizeof(spec), "ram:%dK", 8 + 4 * i);
		expect_swapoff(test, spec, 0);
	}
	expect_swapon(test, "ram:8K", VML_SWAP_PRIO_DEFAULT, 0);
	expect_swapon(test, "ram:8K", VML_SWAP_PRIO_DEFAULT, -EBUSY);
	expect_swapoff(test, "ram:8K", 0);
	expect_swapoff(test, "ram:8K", -EINVAL);
}

static void fill(struct vml_page *page, u32 seed)
{
	u32 *w = vml_page_address(page);
	int i;

	for (i = 0; i < PAGE_SIZE / 4; i++)
		w[i] = seed * 2654435761u + i;
}

static bool check_fill(struct vml_page *page, u32 seed)
{
	u32 *w = vml_page_address(page);
	int i;

	for (i = 0; i < PAGE_SIZE / 4; i++)
		if (w[i] != seed * 2654435761u + i)
			return false;
	return true;
}

/* Pages written to slots read back intact; a free slot takes no I/O. */
static void rw_pages(struct kunit *test, int n)
{
	unsigned long in = vml_vm_event_sum(VML_PSWPIN);
	unsigned long out = vml_vm_event_sum(VML_PSWPOUT);
	struct vml_page *page = vml_alloc_pages(VML_GFP_KERNEL, 0);
	struct vml_swp_entry e[16];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, page);
	for (i = 0; i < n; i++) {
		e[i] = alloc_slot(test);
		fill(page, i + 1);
		KUNIT_EXPECT_EQ(test, vml_swap_writepage(e[i], page), 0);
	}
	for (i = n - 1; i >= 0; i--) {
		memset(vml_page_address(page), 0, PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, vml_swap_readpage(e[i], page), 0);
		KUNIT_EXPECT_TRUE(test, check_fill(page, i + 1));
	}
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_PSWPOUT), out + n);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_PSWPIN), in + n);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, vml_swapcache_free(e[i]), 0);
	KUNIT_EXPECT_EQ(test, vml_swap_writepage(e[0], page), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_swap_readpage(e[0], page), -EINVAL);
	vml_put_page(page);
}

static void swap_test_ram_io(struct kunit *test)
{
	expect_swapon(test, "ram:64K", VML_SWAP_PRIO_DEFAULT, 0);
	rw_pages(test, 15);
	expect_swapoff(test, "ram:64K", 0);
}

#define SWAPFILE	"/vmlab-swap-test"

/* A file of @pages pages with a mkswap header patched by @patch. */
static void make_swapfile(struct kunit *test, u32 pages,
			  void (*patch)(union swap_header *h))
{
	struct file *f = filp_open(SWAPFILE, O_RDWR | O_CREAT | O_TRUNC | O_LARGEFILE,
				   0600);
	union swap_header *h;
	loff_t pos = 0;

	if (IS_ERR(f))
		kunit_skip(test, "no writable root file system");
	h = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	memcpy(h->magic.magic, "SWAPSPACE2", 10);
	h->info.version = 1;
	h->info.last_page = pages - 1;
	if (patch)
		patch(h);
	KUNIT_ASSERT_EQ(test, kernel_write(f, h, PAGE_SIZE, &pos), (ssize_t)PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, vfs_truncate(&f->f_path, (loff_t)pages * PAGE_SIZE), 0);
	filp_close(f, NULL);
}

static void patch_v0(union swap_header *h)
{
	memcpy(h->magic.magic, "SWAP-SPACE", 10);
}

static void patch_nosig(union swap_header *h)
{
	memset(h->magic.magic, 0, 10);
}

static void patch_version(union swap_header *h)
{
	h->info.version = 2;
}

static void patch_swabbed(union swap_header *h)
{
	h->info.version = swab32(1);
}

static void patch_last_page(union swap_header *h)
{
	h->info.last_page += 1;
}

static void patch_bad_zero(union swap_header *h)
{
	h->info.nr_badpages = 1;
	h->info.badpages[0] = 0;
}

static void patch_too_many_bad(union swap_header *h)
{
	h->info.nr_badpages = 1000;
}

static void patch_bad_pages(union swap_header *h)
{
	h->info.nr_badpages = 2;
	h->info.badpages[0] = 1;
	h->info.badpages[1] = 3;
}

/* mkswap's format is accepted, everything else refused with a reason. */
static void swap_test_file_header(struct kunit *test)
{
	void (*bad[])(union swap_header *h) = {
		patch_v0, patch_nosig, patch_version, patch_swabbed,
		patch_last_page, patch_bad_zero, patch_too_many_bad,
	};
	struct vml_swap_totals t;
	struct vml_swp_entry e[2];
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		make_swapfile(test, 16, bad[i]);
		expect_swapon(test, SWAPFILE, VML_SWAP_PRIO_DEFAULT, -EINVAL);
	}
	make_swapfile(test, 1, NULL);	/* last_page 0 */
	expect_swapon(test, SWAPFILE, VML_SWAP_PRIO_DEFAULT, -EINVAL);
	make_swapfile(test, 16, patch_bad_pages);
	expect_swapon(test, SWAPFILE, VML_SWAP_PRIO_DEFAULT, 0);
	vml_swap_totals(&t);
	KUNIT_EXPECT_EQ(test, t.pages, 13ul);	/* 16 - header - 2 bad */
	e[0] = alloc_slot(test);
	e[1] = alloc_slot(test);
	KUNIT_EXPECT_EQ(test, vml_swp_offset(e[0]), 2ul);	/* 1 is bad */
	KUNIT_EXPECT_EQ(test, vml_swp_offset(e[1]), 4ul);	/* 3 is bad */
	KUNIT_EXPECT_EQ(test, vml_swapcache_free(e[0]), 0);
	KUNIT_EXPECT_EQ(test, vml_swapcache_free(e[1]), 0);
	expect_swapon(test, SWAPFILE, VML_SWAP_PRIO_DEFAULT, -EBUSY);
	expect_swapoff(test, SWAPFILE, 0);
	make_swapfile(test, 64, NULL);
	expect_swapon(test, SWAPFILE, 3, 0);
	rw_pages(test, 16);
	expect_swapoff(test, SWAPFILE, 0);
}

/* ---- swap cache ---- */

static void swap_test_cache(struct kunit *test)
{
	struct vml_swap_cache_info before, after;
	struct vml_page *p = vml_alloc_pages(VML_GFP_KERNEL, 0);
	struct vml_page *q = vml_alloc_pages(VML_GFP_KERNEL, 0);
	struct vml_swp_entry e = vml_swp_entry(3, 77), other = vml_swp_entry(3, 78);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	vml_swap_cache_info(&before);
	KUNIT_EXPECT_NULL(test, vml_lookup_swap_cache(e));
	KUNIT_EXPECT_EQ(test, vml_add_to_swap_cache(p, e), 0);
	KUNIT_EXPECT_EQ(test, vml_page_count(p), 2);
	KUNIT_EXPECT_TRUE(test, vml_page_test(p, VML_PG_swapcache));
	KUNIT_EXPECT_EQ(test, vml_page_swap_entry(p).val, e.val);
	KUNIT_EXPECT_EQ(test, vml_add_to_swap_cache(q, e), -EEXIST);
	KUNIT_EXPECT_FALSE(test, vml_page_test(q, VML_PG_swapcache));
	KUNIT_EXPECT_EQ(test, vml_page_count(q), 1);
	KUNIT_EXPECT_EQ(test, vml_add_to_swap_cache(p, other), -EBUSY);
	KUNIT_EXPECT_NULL(test, vml_lookup_swap_cache(other));
	KUNIT_EXPECT_EQ(test, vml_add_to_swap_cache(q, vml_swp_entry(31, 1)), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, vml_lookup_swap_cache(e), p);
	KUNIT_EXPECT_EQ(test, vml_page_count(p), 3);
	vml_put_page(p);
	vml_swap_cache_info(&after);
	KUNIT_EXPECT_EQ(test, after.pages, before.pages + 1);
	KUNIT_EXPECT_EQ(test, after.add_total, before.add_total + 1);
	KUNIT_EXPECT_EQ(test, after.find_total, before.find_total + 3);
	KUNIT_EXPECT_EQ(test, after.find_success, before.find_success + 1);
	KUNIT_EXPECT_EQ(test, vml_delete_from_swap_cache(q), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_delete_from_swap_cache(p), 0);
	KUNIT_EXPECT_EQ(test, vml_delete_from_swap_cache(p), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_page_count(p), 1);
	KUNIT_EXPECT_FALSE(test, vml_page_test(p, VML_PG_swapcache));
	KUNIT_EXPECT_NULL(test, vml_lookup_swap_cache(e));
	vml_swap_cache_info(&after);
	KUNIT_EXPECT_EQ(test, after.pages, before.pages);
	KUNIT_EXPECT_EQ(test, after.del_total, before.del_total + 1);
	vml_put_page(p);
	vml_put_page(q);
}

static struct kunit_case swap_test_cases[] = {
	KUNIT_CASE(swap_test_slot_counts),
	KUNIT_CASE(swap_test_fill_area),
	KUNIT_CASE(swap_test_priorities),
	KUNIT_CASE(swap_test_bad_input),
	KUNIT_CASE(swap_test_ram_io),
	KUNIT_CASE(swap_test_file_header),
	KUNIT_CASE(swap_test_cache),
	{}
};

static struct kunit_suite swap_test_suite = {
	.name = "vmlab_swap",
	.init = swap_test_init,
	.exit = swap_test_exit,
	.test_cases = swap_test_cases,
};

/* ---- the swap entry in a PTE ---- */

static void expect_entry(struct kunit *test, unsigned int type, unsigned long off)
{
	struct vml_swp_entry e = vml_swp_entry(type, off), back;
	pte_t pte = vml_swp_entry_to_pte(e);
	unsigned long pfn = (pte_val(pte) & PTE_PFN_MASK) >> PAGE_SHIFT;

	back = vml_pte_to_swp_entry(pte);
	KUNIT_EXPECT_EQ(test, vml_swp_type(back), type);
	KUNIT_EXPECT_EQ(test, vml_swp_offset(back), off);
	/* The kernel's own encoding, bit for bit. */
	KUNIT_EXPECT_EQ(test, pte_val(pte),
			pte_val(__swp_entry_to_pte(__swp_entry(type, off))));
	/* Never present to the MMU nor to pte_present() (PROT_NONE bit). */
	KUNIT_EXPECT_FALSE(test, pte_val(pte) & _PAGE_PRESENT);
	KUNIT_EXPECT_FALSE(test, pte_val(pte) & _PAGE_PROTNONE);
	KUNIT_EXPECT_FALSE(test, pte_present(pte));
	KUNIT_EXPECT_EQ(test, vml_pte_state(pte), VML_PTE_SWAP);
	KUNIT_EXPECT_NULL(test, vml_pte_page(pte));
	KUNIT_EXPECT_NULL(test, vml_normal_page(pte));
	/* L1TF: the PFN bits point above half the cacheable address space. */
	KUNIT_EXPECT_GE(test, (u64)pfn, (u64)l1tf_pfn_limit());
	KUNIT_EXPECT_FALSE(test, pfn_valid(pfn));
	KUNIT_EXPECT_FALSE(test, vml_pfn_valid(pfn));
}

static void swp_entry_test_boundaries(struct kunit *test)
{
	unsigned long max = vml_max_swap_offset();
	unsigned int types[] = { 0, 1, VML_MAX_SWAPFILES - 1, 31 };
	unsigned long offs[] = { 0, 1, 2, 7, 8, 0xfff, 0x1000, max / 2, max - 1, max };
	int t, o, b;
	pte_t pte;

	KUNIT_EXPECT_GE(test, max, 1ul << 20);
	KUNIT_EXPECT_LE(test, max, (1ul << 50) - 1);
	for (t = 0; t < ARRAY_SIZE(types); t++)
		for (o = 0; o < ARRAY_SIZE(offs); o++)
			expect_entry(test, types[t], offs[o]);
	for (b = 0; (1ul << b) <= max; b++)
		expect_entry(test, 5, 1ul << b);
	/* The largest offset the layout holds at all still round trips. */
	pte = vml_swp_entry_to_pte(vml_swp_entry(2, (1ul << 50) - 1));
	KUNIT_EXPECT_EQ(test, vml_swp_offset(vml_pte_to_swp_entry(pte)),
			(1ul << 50) - 1);
}

static struct kunit_case swp_entry_test_cases[] = {
	KUNIT_CASE(swp_entry_test_boundaries),
	{}
};

static struct kunit_suite swp_entry_test_suite = {
	.name = "vmlab_swp_entry",
	.init = swap_test_init,
	.exit = swap_test_exit,
	.test_cases = swp_entry_test_cases,
};

kunit_test_suites(&lru_test_suite, &swap_test_suite, &swp_entry_test_suite);
