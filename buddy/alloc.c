// SPDX-License-Identifier: GPL-2.0
/*
 * alloc.c - allocation policy: zonelists, watermarks, the slow path, and
 * the checks that keep a caller's bad free from corrupting the allocator.
 *
 * Follows __alloc_pages() of today's Linux rather than 2.4's loop (Gorman
 * 6.2): a fast pass against pages_low; then kswapd is woken and a pass
 * against pages_min, lowered for __GFP_HIGH (by half) and for atomic
 * callers (by a further quarter); then, for callers that may sleep, direct
 * reclaim and at last the OOM hook.
 */
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/ratelimit.h>
#include <linux/sched/signal.h>
#include <linux/topology.h>
#include "buddy/buddy-internal.h"
#include "buddy/buddy_trace.h"
#include "buddy/vmstat.h"
#include "arena/fail.h"

/* OOM kills one allocation may wait for at most (MAX_RECLAIM_RETRIES). */
#define VML_MAX_OOM_ROUNDS	16

static void default_wakeup_kswapd(struct vml_zone *zone, unsigned int order)
{
	pr_debug("vmlab: would wake kswapd for %s order %u\n", zone->name, order);
}

static unsigned long default_try_to_free_pages(struct vml_zonelist *zl,
					       vml_gfp_t gfp, unsigned int order)
{
	pr_debug("vmlab: would reclaim for order %u (no reclaim yet)\n", order);
	return 0;
}

static const struct vml_reclaim_hooks default_hooks = {
	.wakeup_kswapd = default_wakeup_kswapd,
	.try_to_free_pages = default_try_to_free_pages,
};

static const struct vml_reclaim_hooks *reclaim_hooks = &default_hooks;

void vml_set_reclaim_hooks(const struct vml_reclaim_hooks *hooks)
{
	WRITE_ONCE(reclaim_hooks, hooks ?: &default_hooks);
}

static enum vml_zone_type vml_gfp_zone(vml_gfp_t gfp)
{
	if (gfp & VML___GFP_DMA)
		return VML_ZONE_DMA;
	if (gfp & VML___GFP_HIGHMEM)
		return VML_ZONE_HIGH;
	return VML_ZONE_NORMAL;
}

/* Fake nodes take CPUs round-robin; that is what "local" means here. */
static int local_node(void)
{
	return raw_smp_processor_id() % vml_arena.nr_nodes;
}

bool vml_zone_watermark_ok(struct vml_zone *zone, unsigned int order,
			   unsigned long mark, vml_gfp_t gfp)
{
	long min = mark;
	long free = (long)READ_ONCE(zone->free_pages) - (1l << order) + 1;
	unsigned int o;

	if (gfp & VML___GFP_HIGH)
		min -= min / 2;
	if (gfp & VML___GFP_ATOMIC)
		min -= min / 4;
	if (free <= min)
		return false;
	if (!order)
		return true;
	/* Enough frames is not enough: one block must be large enough. */
	for (o = order; o < VML_MAX_ORDER; o++)
		if (!vml_plist_empty(&zone->free_area[o].free_list))
			return true;
	return false;
}

static struct vml_page *rmqueue(struct vml_zone *zone, unsigned int order)
{
	struct vml_page *page;
	unsigned long flags;

	if (order <= VML_PCP_MAX_ORDER)
		return vml_rmqueue_pcp(zone, order);
	spin_lock_irqsave(&zone->lock, flags);
	page = __vml_rmqueue(zone, order);
	spin_unlock_irqrestore(&zone->lock, flags);
	return page;
}

void vml_prep_new_page(struct vml_page *page, unsigned int order,
		       vml_gfp_t gfp)
{
	u32 keep = atomic_read(&page->flags) &
		   ((VML_ZONE_MASK << VML_ZONE_SHIFT) |
		    (VML_NODE_MASK << VML_NODE_SHIFT));

	if (order)
		keep |= BIT(VML_PG_head);
	atomic_set(&page->flags, keep | (order << VML_ORDER_SHIFT));
	atomic_set(&page->_refcount, 1);
	page->private = 0;
	page->index = 0;
	if (gfp & VML___GFP_ZERO) {
		unsigned int i;

		for (i = 0; i < (1u << order); i++)
			clear_page(vml_page_address(page + i));
	}
}

enum vml_wmark { VML_WMARK_MIN, VML_WMARK_LOW };

static struct vml_page *get_page_from_freelist(vml_gfp_t gfp,
					       unsigned int order,
					       struct vml_zonelist *zl,
					       enum vml_wmark wmark)
{
	struct vml_zone **z, *zone;
	struct vml_page *page;

	for (z = zl->zones; (zone = *z); z++) {
		unsigned long mark = wmark == VML_WMARK_LOW ?
				     zone->pages_low : zone->pages_min;

		if (!(gfp & VML___GFP_MEMALLOC) &&
		    !vml_zone_watermark_ok(zone, order, mark, gfp))
			continue;
		page = rmqueue(zone, order);
		if (page) {
			vml_prep_new_page(page, order, (__force unsigned int)gfp);
			vml_count_events(VML_PGALLOC_DMA + zone->type, 1l << order);
			return page;
		}
	}
	return NULL;
}

static void wake_all_kswapds(struct vml_zonelist *zl, unsigned int order)
{
	const struct vml_reclaim_hooks *hooks = READ_ONCE(reclaim_hooks);
	struct vml_zone **z;

	for (z = zl->zones; *z; z++) {
		vml_count_event(VML_KSWAPD_WAKEUP);
		hooks->wakeup_kswapd(*z, order);
	}
}

static struct vml_page *alloc_slowpath(vml_gfp_t gfp, unsigned int order,
				       struct vml_zonelist *zl)
{
	const struct vml_reclaim_hooks *hooks = READ_ONCE(reclaim_hooks);
	struct vml_page *page;
	unsigned long progress;
	int tries, kills = 0;

	if (gfp & VML___GFP_KSWAPD_RECLAIM)
		wake_all_kswapds(zl, order);
	page = get_page_from_freelist(gfp, order, zl, VML_WMARK_MIN);
	if (page || !(gfp & VML___GFP_DIRECT_RECLAIM))
		return page;
retry:
	tries = gfp & VML___GFP_NORETRY ? 1 : 3;
	progress = 0;
	while (tries--) {
		vml_count_event(VML_ALLOCSTALL);
		progress = hooks->try_to_free_pages(zl, gfp, order);
		page = get_page_from_freelist(gfp, order, zl, VML_WMARK_MIN);
		if (page || !progress)
			break;
		cond_resched();
	}
	/* The OOM killer only when reclaim freed nothing (6.1: no progress). */
	if (!page && !progress && !(gfp & VML___GFP_NORETRY) &&
	    hooks->out_of_memory) {
		vml_count_event(VML_OOM_HOOK);
		if (!hooks->out_of_memory(zl, gfp, order))
			return NULL;
		page = get_page_from_freelist(gfp, order, zl, VML_WMARK_MIN);
		/*
		 * As 6.1, go round again while the killer makes progress: a
		 * victim may free too little, or another allocation may take
		 * what it freed first. Each round kills another mm, so this
		 * ends when the killer finds none; the bound is for a task
		 * that keeps losing the race (6.1's MAX_RECLAIM_RETRIES).
		 */
		if (!page && ++kills < VML_MAX_OOM_ROUNDS &&
		    !fatal_signal_pending(current))
			goto retry;
	}
	return page;
}

struct vml_page *vml_alloc_pages_node(int nid, vml_gfp_t gfp, unsigned int order)
{
	struct vml_zonelist *zl;
	struct vml_page *page;

	if (order >= VML_MAX_ORDER || !vml_arena_live())
		return NULL;
	if (vml_should_fail(VML_FAIL_FRAMES))
		return NULL;
	if (gfp & VML___GFP_DIRECT_RECLAIM)
		might_sleep();
	if (nid < 0 || nid >= vml_arena.nr_nodes)
		nid = local_node();
	zl = &vml_arena.nodes[nid]->zonelists[vml_gfp_zone(gfp)];
	/* The fast pass must not dip into any reserve. */
	page = get_page_from_freelist(gfp & ~(VML___GFP_HIGH | VML___GFP_ATOMIC),
				      order, zl, VML_WMARK_LOW);
	if (likely(page))
		goto out;
	page = alloc_slowpath(gfp, order, zl);
	if (!page) {
		vml_count_event(VML_PGALLOC_FAIL);
		if (!(gfp & VML___GFP_NOWARN))
			pr_warn_ratelimited("vmlab: page allocation failure: order:%u, mode:%#x\n",
					    order, (__force unsigned int)gfp);
	}
out:
	/* As mm_page_alloc: failures too, with pfn -1 and no zone. */
	trace_vmlab_page_alloc(page ? vml_page_to_pfn(page) : -1ul, order,
			       (__force unsigned int)gfp,
			       page ? vml_page_zonenum(page) : -1,
			       page ? vml_page_nid(page) : -1);
	return page;
}

struct vml_page *vml_alloc_pages(vml_gfp_t gfp, unsigned int order)
{
	return vml_alloc_pages_node(NUMA_NO_NODE, gfp, order);
}

/* Flags an owner must have cleared before giving a frame back. */
#define VML_OWNER_FLAGS	(BIT(VML_PG_slab) | BIT(VML_PG_pgtable) | \
			 BIT(VML_PG_lru) | BIT(VML_PG_locked) | \
			 BIT(VML_PG_swapcache) | BIT(VML_PG_writeback) | \
			 BIT(VML_PG_zero))

const char *vml_free_check(const struct vml_page *page, unsigned int order)
{
	u32 flags;

	if (!vml_page_in_arena(page))
		return "frame is not in the arena";
	if (order >= VML_MAX_ORDER)
		return "order out of range";
	flags = atomic_read(&page->flags);
	if (flags & BIT(VML_PG_reserved))
		return "frame is reserved (arena metadata)";
	if ((flags & (BIT(VML_PG_buddy) | BIT(VML_PG_pcp))) ||
	    vml_page_count(page) <= 0)
		return "double free: frame is already free";
	if (vml_page_order(page) != order)
		return "order does not match the allocation";
	if (vml_page_mapcount(page) > 0)
		return "frame is still mapped";
	if (flags & VML_OWNER_FLAGS)
		return "frame still carries owner flags";
	return NULL;
}

void vml_report_bad_free(const struct vml_page *page, unsigned int order,
			 const char *why)
{
	vml_count_event(VML_BAD_FREE);
	/* A plain message, not WARN: a bad free is refused and harmless. */
	if (vml_page_in_arena(page))
		pr_err_ratelimited("vmlab: bad free of pfn %#lx order %u refused: %s\n",
				   vml_page_to_pfn(page), order, why);
	else
		pr_err_ratelimited("vmlab: bad free of %p order %u refused: %s\n",
				   page, order, why);
}

static void free_pages_ok(struct vml_page *page, unsigned int order)
{
	struct vml_zone *zone = vml_page_zone(page);
	unsigned long flags;

	trace_vmlab_page_free(vml_page_to_pfn(page), order);
	vml_count_events(VML_PGFREE, 1l << order);
	vml_page_clear(page, VML_PG_head);
	if (order <= VML_PCP_MAX_ORDER) {
		vml_free_pcp(page, order);
		return;
	}
	spin_lock_irqsave(&zone->lock, flags);
	__vml_free_one(zone, page, order);
	spin_unlock_irqrestore(&zone->lock, flags);
}

void vml_free_pages(struct vml_page *page, unsigned int order)
{
	const char *why = vml_free_check(page, order);

	if (unlikely(why)) {
		vml_report_bad_free(page, order, why);
		return;
	}
	if (atomic_dec_and_test(&page->_refcount))
		free_pages_ok(page, order);
}

/* Drop a reference that is not the last; false if it would be. */
static bool put_not_last(struct vml_page *page)
{
	int c = atomic_read(&page->_refcount);

	do {
		if (c <= 1)
			return false;
	} while (!atomic_try_cmpxchg(&page->_refcount, &c, c - 1));
	return true;
}

void vml_put_page(struct vml_page *page)
{
	/*
	 * As put_page(): only the last reference frees, so only it is
	 * checked. A page shared by several PTEs (fork, the page cache)
	 * loses one reference per unmapping while still mapped elsewhere.
	 */
	const struct vml_reclaim_hooks *hooks;

	if (!vml_page_in_arena(page)) {
		vml_free_pages(page, 0);	/* reported and refused */
		return;
	}
	if (put_not_last(page))
		return;
	/* An LRU page leaves its list with its last reference (6.1 too). */
	hooks = READ_ONCE(reclaim_hooks);
	if (vml_page_test(page, VML_PG_lru) && hooks->lru_release &&
	    !hooks->lru_release(page))
		return;
	vml_free_pages(page, vml_page_order(page));
}
