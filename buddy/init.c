// SPDX-License-Identifier: GPL-2.0
/*
 * init.c - bring the page allocator up over a new arena and take it down:
 * retire the boot allocator (free_all_bootmem, Gorman 5.5), size the
 * watermarks and per-CPU lists, and count every frame at the end.
 */
#include <linux/kernel.h>
#include "buddy/buddy-internal.h"
#include "buddy/vmstat.h"

/* Hand a boot-time free block to the buddy lists, split at zone edges. */
static void release_boot_block(u32 idx, unsigned int order)
{
	struct vml_page *page = vml_idx_to_page(idx);
	struct vml_zone *zone = vml_page_zone(page);
	u32 i, nr = 1u << order;
	unsigned long flags;

	if (order && idx + nr - 1 - zone->start_idx >= zone->spanned) {
		release_boot_block(idx, order - 1);
		release_boot_block(idx + nr / 2, order - 1);
		return;
	}
	for (i = 0; i < nr; i++) {
		vml_page_clear(page + i, VML_PG_reserved);
		atomic_set(&page[i]._refcount, 0);
	}
	spin_lock_irqsave(&zone->lock, flags);
	zone->managed += nr;
	__vml_free_one(zone, page, order);
	spin_unlock_irqrestore(&zone->lock, flags);
}

/*
 * Gorman 2.2.1: pages_min = zone size / 128, clamped to 20..255; low and
 * high are twice and three times that. For large zones this is too small,
 * so the zone's share of Linux's min_free_kbytes (4 * sqrt(lowmem KiB)) is
 * used when larger. HighMem gets a small fixed reserve, as in Linux.
 */
static void setup_watermarks(void)
{
	unsigned long lowmem = 0, min_free, min;
	struct vml_zone *zone;

	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone))
		if (zone->type != VML_ZONE_HIGH)
			lowmem += zone->managed;
	min_free = int_sqrt((lowmem << (PAGE_SHIFT - 10)) * 16) >> (PAGE_SHIFT - 10);

	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone)) {
		if (zone->type == VML_ZONE_HIGH) {
			min = clamp(zone->managed / 1024, 32ul, 128ul);
		} else {
			min = clamp(zone->managed / 128, 20ul, 255ul);
			if (lowmem)
				min = max(min, min_free * zone->managed / lowmem);
		}
		/* A tiny zone must keep most of itself usable. */
		min = min(min, zone->managed / 8);
		zone->pages_min = min;
		zone->pages_low = 2 * min;
		zone->pages_high = 3 * min;
	}
}

int vml_buddy_init(void)
{
	struct vml_zone *zone;
	int ret;

	ret = vml_vmstat_init();
	if (ret)
		return ret;
	vml_arena_retire_bootmem(release_boot_block);
	setup_watermarks();
	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone)) {
		ret = vml_pcp_init(zone);
		if (ret)
			goto fail;
	}
	return 0;
fail:
	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone))
		vml_pcp_exit(zone);
	vml_vmstat_exit();
	return ret;
}

/* Count the frames of one zone under its lock. */
static void census_zone(struct vml_zone *zone, struct vml_frame_census *c,
			unsigned long *buddy)
{
	u32 i, end = zone->start_idx + zone->spanned;
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	for (i = zone->start_idx; i < end; i++) {
		struct vml_page *page = vml_idx_to_page(i);
		u32 f = atomic_read(&page->flags);

		if (f & BIT(VML_PG_reserved)) {
			c->reserved++;
		} else if (f & BIT(VML_PG_buddy)) {
			unsigned long n = 1ul << vml_page_order(page);

			*buddy += n;
			i += n - 1;
		} else if (f & BIT(VML_PG_pcp)) {
			unsigned long n = 1ul << vml_page_order(page);

			c->pcp += n;
			i += n - 1;
		} else {
			c->allocated++;
		}
	}
	spin_unlock_irqrestore(&zone->lock, flags);
}

int vml_take_census(struct vml_frame_census *c)
{
	struct vml_zone *zone;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	c->total = vml_arena.nr_frames;
	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone)) {
		unsigned long buddy = 0;

		census_zone(zone, c, &buddy);
		if (buddy != READ_ONCE(zone->free_pages))
			ret = -EUCLEAN;
		c->buddy += buddy;
	}
	if (c->reserved + c->buddy + c->pcp + c->allocated != c->total)
		ret = -EUCLEAN;
	return ret;
}

unsigned long vml_buddy_exit(void)
{
	struct vml_frame_census c;
	struct vml_zone *zone;

	if (!vml_vm_events)
		return 0;
	vml_drain_all_pages();
	if (vml_take_census(&c))
		pr_err("vmlab: frame census inconsistent at exit\n");
	if (c.allocated)
		pr_err("vmlab: %lu frames still allocated at exit\n", c.allocated);
	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone))
		vml_pcp_exit(zone);
	vml_vmstat_exit();
	vml_set_reclaim_hooks(NULL);
	return c.allocated;
}
