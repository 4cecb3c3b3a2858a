// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_test.c - KUnit suites for the page allocator: split and coalesce
 * exactness, orders, zone fallback, watermarks, GFP semantics, per-CPU
 * lists, refused bad frees, fragmentation indices and SMP stress.
 *
 * Each case runs on a fresh core (vmlab_core_start/stop), so a case sees
 * an arena in its boot-time state.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "vmlab_core.h"
#include "vml_test.h"
#include "buddy/buddy.h"
#include "buddy/vmstat.h"

/* Whole-arena snapshot of free blocks per zone and order. */
struct snapshot {
	unsigned long nr[VML_MAX_NODES][VML_NR_ZONES][VML_MAX_ORDER];
};

static void take_snapshot(struct snapshot *s)
{
	struct vml_zone *zone;

	memset(s, 0, sizeof(*s));
	vml_drain_all_pages();
	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone))
		vml_zone_free_counts(zone, s->nr[zone->node->id][zone->type]);
}

static void expect_census_clean(struct kunit *test)
{
	struct vml_frame_census c;

	vml_drain_all_pages();
	KUNIT_EXPECT_EQ(test, vml_take_census(&c), 0);
	KUNIT_EXPECT_EQ(test, c.allocated, 0ul);
	KUNIT_EXPECT_EQ(test, c.pcp, 0ul);
	KUNIT_EXPECT_EQ(test, c.reserved + c.buddy, c.total);
}

static int buddy_test_init(struct kunit *test)
{
	/* 64 MiB, one node, DMA 8 MiB, no HighMem. */
	return vml_test_start_buddy(64, 1, 8, 0);
}

static void buddy_test_exit(struct kunit *test)
{
	vml_test_check(test);
	vmlab_core_stop();
}

static unsigned long total_free(void)
{
	struct vml_zone *zone;
	unsigned long n = 0;

	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone))
		n += READ_ONCE(zone->free_pages);
	return n;
}

/* Take every frame at order 0 (watermarks ignored), free in random order. */
static void buddy_test_split_coalesce_exact(struct kunit *test)
{
	struct snapshot *before, *after;
	struct vml_page **pages;
	unsigned long n = 0, i, j, max = vml_arena.nr_frames;

	before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	pages = vmalloc(max * sizeof(*pages));
	KUNIT_ASSERT_NOT_NULL(test, pages);
	take_snapshot(before);

	while (n < max && (pages[n] = vml_alloc_pages(VML___GFP_MEMALLOC |
						      VML___GFP_NOWARN, 0)))
		n++;
	KUNIT_EXPECT_EQ(test, total_free(), 0ul);
	KUNIT_EXPECT_EQ(test, n, vml_arena.nr_frames - vml_arena.meta_frames);

	for (i = n; i > 1; i--) {	/* Fisher-Yates */
		j = get_random_u32_below(i);
		swap(pages[i - 1], pages[j]);
	}
	for (i = 0; i < n; i++)
		vml_free_pages(pages[i], 0);
	vfree(pages);

	take_snapshot(after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*before)), 0);
	expect_census_clean(test);
}

/* Every order: natural alignment, accounting, and exact restoration. */
static void buddy_test_every_order(struct kunit *test)
{
	struct snapshot *before, *after;
	unsigned int order;

	before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	take_snapshot(before);
	for (order = 0; order < VML_MAX_ORDER; order++) {
		unsigned long free0 = total_free();
		struct vml_page *page = vml_alloc_pages(VML_GFP_KERNEL, order);

		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_EQ(test, vml_page_idx(page) & ((1u << order) - 1), 0u);
		KUNIT_EXPECT_EQ(test, vml_page_order(page), order);
		KUNIT_EXPECT_EQ(test, vml_page_count(page), 1);
		if (order)
			KUNIT_EXPECT_EQ(test, free0 - total_free(), 1ul << order);
		vml_free_pages(page, order);
	}
	KUNIT_EXPECT_NULL(test, vml_alloc_pages(VML_GFP_KERNEL | VML___GFP_NOWARN,
						VML_MAX_ORDER));
	take_snapshot(after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*before)), 0);
}

/* Splitting an order-10 block leaves one free block at each lower order. */
static void buddy_test_expand(struct kunit *test)
{
	struct vml_zone *zone = &vml_arena.nodes[0]->zones[VML_ZONE_NORMAL];
	unsigned long before[VML_MAX_ORDER], after[VML_MAX_ORDER];
	struct vml_page *page;
	int o;

	vml_zone_free_counts(zone, before);
	KUNIT_ASSERT_EQ(test, before[0] + before[1] + before[2], 0ul);
	page = vml_alloc_pages(VML_GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_PTR_EQ(test, vml_page_zone(page), zone);
	vml_zone_free_counts(zone, after);
	for (o = 2; o < VML_MAX_ORDER - 1; o++)
		KUNIT_EXPECT_EQ(test, after[o], before[o] + 1);
	KUNIT_EXPECT_EQ(test, after[VML_MAX_ORDER - 1],
			before[VML_MAX_ORDER - 1] - 1);
	vml_free_pages(page, 2);
	vml_drain_all_pages();
	vml_zone_free_counts(zone, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(before)), 0);
}

static void buddy_test_zero_and_content(struct kunit *test)
{
	struct vml_page *page = vml_alloc_pages(VML_GFP_KERNEL, 1);
	u8 *p;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, page);
	memset(vml_page_address(page), 0xa5, 2 * PAGE_SIZE);
	vml_free_pages(page, 1);
	page = vml_alloc_pages(VML_GFP_KERNEL | VML___GFP_ZERO, 1);
	KUNIT_ASSERT_NOT_NULL(test, page);
	p = vml_page_address(page);
	for (i = 0; i < 2 * PAGE_SIZE; i++)
		if (p[i])
			break;
	KUNIT_EXPECT_EQ(test, i, 2 * (int)PAGE_SIZE);
	vml_free_pages(page, 1);
}

/* DMA requests stay in DMA; Normal requests fall back to DMA when empty. */
static void buddy_test_zone_fallback(struct kunit *test)
{
	struct vml_zone *dma = &vml_arena.nodes[0]->zones[VML_ZONE_DMA];
	struct vml_zone *normal = &vml_arena.nodes[0]->zones[VML_ZONE_NORMAL];
	struct vml_page *page, *stash = NULL;
	unsigned long taken = 0;
	struct vml_page **list;
	unsigned long i, max = normal->managed;

	page = vml_alloc_pages(VML_GFP_DMA | VML_GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, vml_page_zonenum(page), VML_ZONE_DMA);
	vml_free_pages(page, 0);
	page = vml_alloc_pages(VML_GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, vml_page_zonenum(page), VML_ZONE_NORMAL);
	vml_free_pages(page, 0);

	/* Exhaust Normal down to its low watermark with order-0 frames. */
	list = vmalloc(max * sizeof(*list));
	KUNIT_ASSERT_NOT_NULL(test, list);
	while (taken < max) {
		page = vml_alloc_pages(VML_GFP_NOWAIT | VML___GFP_NOWARN, 0);
		if (!page || vml_page_zone(page) != normal) {
			stash = page;
			break;
		}
		list[taken++] = page;
	}
	KUNIT_ASSERT_NOT_NULL(test, stash);
	KUNIT_EXPECT_PTR_EQ(test, vml_page_zone(stash), dma);
	KUNIT_EXPECT_LE(test, READ_ONCE(normal->free_pages), normal->pages_low);
	vml_free_pages(stash, 0);
	for (i = 0; i < taken; i++)
		vml_free_pages(list[i], 0);
	vfree(list);
	expect_census_clean(test);
}

static struct vml_page **drain_zone(struct kunit *test, vml_gfp_t gfp,
				    unsigned long *n, unsigned long max)
{
	struct vml_page **list = vmalloc(max * sizeof(*list));
	struct vml_page *page;

	KUNIT_ASSERT_NOT_NULL(test, list);
	*n = 0;
	while (*n < max && (page = vml_alloc_pages(gfp | VML___GFP_NOWARN, 0)))
		list[(*n)++] = page;
	return list;
}

static void free_list(struct vml_page **list, unsigned long n)
{
	while (n--)
		vml_free_pages(list[n], 0);
	vfree(list);
}

/* GFP_ATOMIC with interrupts off: must neither sleep nor reclaim. */
static unsigned long drain_atomic(struct vml_page **list, unsigned long max)
{
	struct vml_page *page;
	unsigned long flags, n = 0;

	local_irq_save(flags);
	while (n < max &&
	       (page = vml_alloc_pages(VML_GFP_ATOMIC | VML___GFP_NOWARN, 0)))
		list[n++] = page;
	local_irq_restore(flags);
	return n;
}

/*
 * One Normal zone only. Ordinary allocations stop at pages_min; atomic
 * high-priority ones may go on to min - min/2 - (min - min/2)/4, and
 * nothing is left only for __GFP_MEMALLOC. Atomic requests never reclaim.
 */
static void buddy_test_watermarks(struct kunit *test)
{
	struct vml_zone *zone;
	struct vml_page **a, **b, **c;
	unsigned long na, nb, nc, min, atomic_min, stalls, wakeups;

	vmlab_core_stop();
	KUNIT_ASSERT_EQ(test, vml_test_start_buddy(64, 1, 0, 0), 0);
	zone = &vml_arena.nodes[0]->zones[VML_ZONE_NORMAL];
	min = zone->pages_min;
	KUNIT_EXPECT_EQ(test, zone->pages_low, 2 * min);
	KUNIT_EXPECT_EQ(test, zone->pages_high, 3 * min);
	KUNIT_EXPECT_GE(test, min, 20ul);

	wakeups = vml_vm_event_sum(VML_KSWAPD_WAKEUP);
	stalls = vml_vm_event_sum(VML_ALLOCSTALL);
	a = drain_zone(test, VML_GFP_NOWAIT, &na, zone->managed);
	/* pcp batches may hold a few frames beyond the check. */
	KUNIT_EXPECT_LE(test, READ_ONCE(zone->free_pages), min + 1);
	KUNIT_EXPECT_GE(test, READ_ONCE(zone->free_pages) + 64, min);
	KUNIT_EXPECT_GT(test, vml_vm_event_sum(VML_KSWAPD_WAKEUP), wakeups);

	atomic_min = min - min / 2;
	atomic_min -= atomic_min / 4;
	b = vmalloc(zone->managed * sizeof(*b));
	KUNIT_ASSERT_NOT_NULL(test, b);
	nb = drain_atomic(b, zone->managed);
	KUNIT_EXPECT_GT(test, nb, 0ul);
	KUNIT_EXPECT_LE(test, READ_ONCE(zone->free_pages), atomic_min + 1);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_ALLOCSTALL), stalls);

	c = drain_zone(test, VML___GFP_MEMALLOC, &nc, zone->managed);
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->free_pages), 0ul);
	/* The kthread may have moved CPU: frames can wait on another's list. */
	KUNIT_EXPECT_EQ(test, na + nb + nc + vml_zone_pcp_count(zone), zone->managed);

	free_list(c, nc);
	free_list(b, nb);
	free_list(a, na);
	expect_census_clean(test);
}

/* Direct reclaim: a GFP_KERNEL allocation below min calls the hook. */
static struct vml_page **hook_stash;
static unsigned long hook_stash_n, hook_calls;

static unsigned long test_try_to_free(struct vml_zonelist *zl, vml_gfp_t gfp,
				      unsigned int order)
{
	unsigned long freed = 0;

	hook_calls++;
	while (hook_stash_n && freed < 64) {
		vml_free_pages(hook_stash[--hook_stash_n], 0);
		freed++;
	}
	vml_drain_all_pages();
	return freed;
}

static void test_wakeup(struct vml_zone *zone, unsigned int order)
{
}

static const struct vml_reclaim_hooks test_hooks = {
	.wakeup_kswapd = test_wakeup,
	.try_to_free_pages = test_try_to_free,
};

static void buddy_test_direct_reclaim(struct kunit *test)
{
	struct vml_zone *zone;
	struct vml_page *page;
	unsigned long stalls;

	vmlab_core_stop();
	KUNIT_ASSERT_EQ(test, vml_test_start_buddy(64, 1, 0, 0), 0);
	zone = &vml_arena.nodes[0]->zones[VML_ZONE_NORMAL];
	hook_stash = drain_zone(test, VML_GFP_NOWAIT, &hook_stash_n, zone->managed);
	hook_calls = 0;
	vml_set_reclaim_hooks(&test_hooks);
	stalls = vml_vm_event_sum(VML_ALLOCSTALL);

	/* No reclaim for callers that cannot sleep. */
	KUNIT_EXPECT_NULL(test, vml_alloc_pages(VML_GFP_NOWAIT | VML___GFP_NOWARN, 0));
	KUNIT_EXPECT_EQ(test, hook_calls, 0ul);

	page = vml_alloc_pages(VML_GFP_KERNEL, 0);
	KUNIT_EXPECT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, hook_calls, 1ul);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_ALLOCSTALL), stalls + 1);
	if (page)
		vml_free_pages(page, 0);
	vml_set_reclaim_hooks(NULL);
	free_list(hook_stash, hook_stash_n);
	expect_census_clean(test);
}

static void buddy_test_pcp_drain(struct kunit *test)
{
	struct vml_zone *zone = &vml_arena.nodes[0]->zones[VML_ZONE_NORMAL];
	struct vml_page *pages[8];
	struct vml_frame_census c;
	int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = vml_alloc_pages(VML_GFP_KERNEL, 0);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		vml_free_pages(pages[i], 0);
	pages[0] = vml_alloc_pages(VML_GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, pages[0]);
	vml_free_pages(pages[0], 2);	/* orders up to 3 are kept per CPU too */
	KUNIT_EXPECT_TRUE(test, vml_page_test(pages[0], VML_PG_pcp));
	KUNIT_EXPECT_GT(test, vml_zone_pcp_count(zone), 0ul);
	KUNIT_EXPECT_EQ(test, vml_take_census(&c), 0);
	KUNIT_EXPECT_EQ(test, c.pcp, vml_zone_pcp_count(zone));
	vml_drain_all_pages();
	KUNIT_EXPECT_EQ(test, vml_zone_pcp_count(zone), 0ul);
	expect_census_clean(test);
}

/* Each bad free is refused, counted once, and changes no accounting. */
static void buddy_test_bad_frees(struct kunit *test)
{
	struct vml_page fake = {};
	struct vml_page *page, *reserved = vml_idx_to_page(0);
	unsigned long bad = vml_vm_event_sum(VML_BAD_FREE), free0;
	struct vml_frame_census before, after;

	page = vml_alloc_pages(VML_GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, page);
	vml_drain_all_pages();
	free0 = total_free();
	vml_take_census(&before);

	vml_free_pages(&fake, 0);			/* outside the arena */
	vml_free_pages((void *)page + 1, 0);		/* misaligned pointer */
	vml_free_pages(page, 1);			/* wrong order */
	vml_free_pages(reserved, 0);			/* metadata frame */
	atomic_set(&page->_mapcount, 0);		/* still mapped */
	vml_free_pages(page, 2);
	atomic_set(&page->_mapcount, -1);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_BAD_FREE), bad + 5);
	KUNIT_EXPECT_EQ(test, total_free(), free0);
	vml_take_census(&after);
	KUNIT_EXPECT_EQ(test, memcmp(&before, &after, sizeof(before)), 0);

	vml_free_pages(page, 2);			/* the good free */
	KUNIT_EXPECT_TRUE(test, vml_page_test(page, VML_PG_pcp));
	vml_drain_all_pages();
	KUNIT_EXPECT_EQ(test, total_free(), free0 + 4);
	vml_free_pages(page, 2);			/* double free */
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_BAD_FREE), bad + 6);
	KUNIT_EXPECT_EQ(test, total_free(), free0 + 4);
	KUNIT_EXPECT_NOT_NULL(test, vml_free_check(page, 2));
	expect_census_clean(test);
}

static void buddy_test_refcount(struct kunit *test)
{
	struct vml_page *page = vml_alloc_pages(VML_GFP_KERNEL, 3);
	unsigned long free0;

	KUNIT_ASSERT_NOT_NULL(test, page);
	vml_drain_all_pages();
	free0 = total_free();
	vml_get_page(page);
	vml_put_page(page);
	KUNIT_EXPECT_EQ(test, total_free(), free0);
	KUNIT_EXPECT_EQ(test, vml_page_count(page), 1);
	vml_put_page(page);	/* last reference: freed at its recorded order */
	vml_drain_all_pages();
	KUNIT_EXPECT_EQ(test, total_free(), free0 + 8);
}

/* Free every other frame: free memory exists but no order-1 block. */
static void buddy_test_fragmentation_index(struct kunit *test)
{
	struct vml_zone *zone;
	struct vml_page **list;
	unsigned long n, i;

	vmlab_core_stop();
	KUNIT_ASSERT_EQ(test, vml_test_start_buddy(16, 1, 0, 0), 0);
	zone = &vml_arena.nodes[0]->zones[VML_ZONE_NORMAL];
	KUNIT_EXPECT_EQ(test, vml_unusable_index(zone, 0), 0);
	KUNIT_EXPECT_EQ(test, vml_fragmentation_index(zone, 3), -1000);

	list = drain_zone(test, VML___GFP_MEMALLOC, &n, zone->managed);
	KUNIT_EXPECT_EQ(test, vml_unusable_index(zone, 0), 0);	/* no free memory */
	for (i = 0; i < n; i++) {
		if (vml_page_idx(list[i]) & 1) {
			vml_free_pages(list[i], 0);
			list[i] = NULL;
		}
	}
	vml_drain_all_pages();
	KUNIT_EXPECT_EQ(test, vml_unusable_index(zone, 0), 0);
	KUNIT_EXPECT_EQ(test, vml_unusable_index(zone, 1), 1000);
	/* free_pages/requested = total blocks/2: index = 1000 - (1000 + 500*t)/t */
	KUNIT_EXPECT_GE(test, vml_fragmentation_index(zone, 1), 490);
	KUNIT_EXPECT_LE(test, vml_fragmentation_index(zone, 1), 500);
	for (i = 0; i < n; i++)
		if (list[i])
			vml_free_pages(list[i], 0);
	vfree(list);
	vml_drain_all_pages();
	KUNIT_EXPECT_EQ(test, vml_unusable_index(zone, 1), 0);
	expect_census_clean(test);
}

/* ---- SMP stress: every CPU allocates; frees happen on the other CPU ---- */

#define STRESS_SLOTS	256
#define STRESS_ROUNDS	4000

struct stress_ctx {
	spinlock_t lock;	/* slot[], order[] */
	struct vml_page *slot[STRESS_SLOTS];
	u8 order[STRESS_SLOTS];
	atomic_t running;
	atomic_t failures;
	struct completion done;
};

static int stress_fn(void *arg)
{
	struct stress_ctx *ctx = arg;
	int i;

	for (i = 0; i < STRESS_ROUNDS; i++) {
		unsigned int s = get_random_u32_below(STRESS_SLOTS);
		unsigned int order = get_random_u32_below(4);
		struct vml_page *page, *old;
		unsigned int old_order;

		page = vml_alloc_pages(VML_GFP_KERNEL | VML___GFP_NOWARN, order);
		if (page) {
			u8 *p = vml_page_address(page);

			p[0] = s;
			p[(PAGE_SIZE << order) - 1] = s;
		}
		spin_lock(&ctx->lock);
		old = ctx->slot[s];
		old_order = ctx->order[s];
		ctx->slot[s] = page;
		ctx->order[s] = order;
		spin_unlock(&ctx->lock);
		if (old) {
			u8 *p = vml_page_address(old);

			if (p[0] != (u8)s || p[(PAGE_SIZE << old_order) - 1] != (u8)s)
				atomic_inc(&ctx->failures);
			vml_free_pages(old, old_order);
		}
		if (!(i % 256))
			cond_resched();
	}
	if (atomic_dec_and_test(&ctx->running))
		complete(&ctx->done);
	return 0;
}

static void buddy_test_smp_stress(struct kunit *test)
{
	struct stress_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	int cpu, i;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	spin_lock_init(&ctx->lock);
	init_completion(&ctx->done);
	atomic_set(&ctx->running, num_online_cpus() * 2);
	for_each_online_cpu(cpu) {
		for (i = 0; i < 2; i++) {
			struct task_struct *t = kthread_create(stress_fn, ctx,
							       "vml_stress/%d", cpu);

			KUNIT_ASSERT_FALSE(test, IS_ERR(t));
			kthread_bind(t, cpu);
			wake_up_process(t);
		}
	}
	wait_for_completion(&ctx->done);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->failures), 0);
	for (i = 0; i < STRESS_SLOTS; i++)
		if (ctx->slot[i])
			vml_free_pages(ctx->slot[i], ctx->order[i]);
	expect_census_clean(test);
}

/*
 * The interface's registry (owned.c): a free of a frame it did not hand
 * out is refused and counted, and the frame is left exactly as it was.
 */
static void buddy_test_owned_refusals(struct kunit *test)
{
	unsigned long bad = vml_vm_event_sum(VML_BAD_FREE);
	struct vml_page *mine = vml_alloc_pages(VML_GFP_KERNEL, 0), *q;
	unsigned long pfn;
	const char *why;

	KUNIT_ASSERT_NOT_NULL(test, mine);
	pfn = vml_page_to_pfn(mine);
	/* Allocated, but not through the interface. */
	KUNIT_EXPECT_EQ(test, vml_owned_free_pages(pfn, 0, &why), -EPERM);
	KUNIT_EXPECT_NOT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, vml_page_count(mine), 1);
	KUNIT_EXPECT_FALSE(test, vml_page_test(mine, VML_PG_buddy));
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_BAD_FREE), bad + 1);
	vml_free_pages(mine, 0);
	/* Wrong order, then right; then a double free; then outside the arena. */
	q = vml_owned_alloc_pages(VML_GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, q);
	pfn = vml_page_to_pfn(q);
	KUNIT_EXPECT_EQ(test, vml_owned_order(pfn), 2);
	KUNIT_EXPECT_EQ(test, vml_owned_frames(), 4ul);
	KUNIT_EXPECT_EQ(test, vml_owned_free_pages(pfn, 1, &why), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_page_count(q), 1);
	KUNIT_EXPECT_EQ(test, vml_owned_free_pages(pfn, 2, &why), 0);
	KUNIT_EXPECT_EQ(test, vml_owned_order(pfn), -ENOENT);
	KUNIT_EXPECT_EQ(test, vml_owned_free_pages(pfn, 2, &why), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_owned_free_pages(0, 0, &why), -EINVAL);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_BAD_FREE), bad + 4);
	KUNIT_EXPECT_EQ(test, vml_owned_frames(), 0ul);
	expect_census_clean(test);
}

struct owned_race {
	unsigned long pfn;		/* the frame the allocator holds now */
	atomic_t failures;
	bool stop;
	struct completion done;
};

/* Allocate and free one frame over and over; it must always be ours. */
static int owned_race_fn(void *arg)
{
	struct owned_race *r = arg;
	struct vml_page *page;

	while (!READ_ONCE(r->stop)) {
		page = vml_alloc_pages(VML_GFP_KERNEL, 0);
		if (!page)
			continue;
		WRITE_ONCE(r->pfn, vml_page_to_pfn(page));
		if (vml_page_count(page) != 1 || vml_page_test(page, VML_PG_buddy))
			atomic_inc(&r->failures);
		vml_free_pages(page, 0);
		cond_resched();
	}
	complete(&r->done);
	return 0;
}

/*
 * Hole 4 of issue 11: the interface tried to free a frame it did not
 * hand out "to have it refused", and another CPU could allocate it in
 * between. Now every such free is refused without touching the frame:
 * each try is counted exactly once, and the other CPU's frees are never
 * refused (a frame freed under it would make its own free a double one).
 */
static void buddy_test_owned_race(struct kunit *test)
{
	struct owned_race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	unsigned long bad, tries = 20000, i;
	struct task_struct *t;
	const char *why;

	KUNIT_ASSERT_NOT_NULL(test, r);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	init_completion(&r->done);
	r->pfn = vml_arena.base_pfn;
	t = kthread_create(owned_race_fn, r, "vml_owned_race");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	kthread_bind(t, cpumask_any_but(cpu_online_mask, raw_smp_processor_id()));
	bad = vml_vm_event_sum(VML_BAD_FREE);
	wake_up_process(t);
	for (i = 0; i < tries; i++) {
		KUNIT_EXPECT_NE(test, vml_owned_free_pages(READ_ONCE(r->pfn), 0, &why), 0);
		if (!(i % 256))
			cond_resched();
	}
	WRITE_ONCE(r->stop, true);
	wait_for_completion(&r->done);
	KUNIT_EXPECT_EQ(test, vml_vm_event_sum(VML_BAD_FREE) - bad, tries);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->failures), 0);
	expect_census_clean(test);
}

static struct kunit_case buddy_cases[] = {
	KUNIT_CASE(buddy_test_split_coalesce_exact),
	KUNIT_CASE(buddy_test_every_order),
	KUNIT_CASE(buddy_test_expand),
	KUNIT_CASE(buddy_test_zero_and_content),
	KUNIT_CASE(buddy_test_zone_fallback),
	KUNIT_CASE(buddy_test_watermarks),
	KUNIT_CASE(buddy_test_direct_reclaim),
	KUNIT_CASE(buddy_test_pcp_drain),
	KUNIT_CASE(buddy_test_bad_frees),
	KUNIT_CASE(buddy_test_refcount),
	KUNIT_CASE(buddy_test_fragmentation_index),
	KUNIT_CASE(buddy_test_smp_stress),
	KUNIT_CASE(buddy_test_owned_refusals),
	KUNIT_CASE(buddy_test_owned_race),
	{}
};

static struct kunit_suite buddy_suite = {
	.name = "vmlab_buddy",
	.init = buddy_test_init,
	.exit = buddy_test_exit,
	.test_cases = buddy_cases,
};

kunit_test_suites(&buddy_suite);
