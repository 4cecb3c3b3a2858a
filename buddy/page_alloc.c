// SPDX-License-Identifier: GPL-2.0
/*
 * page_alloc.c - the binary buddy proper (Gorman 6.1-6.4).
 *
 * A free block of 2^order frames is represented by its first frame, which
 * carries VML_PG_buddy and the order and sits on free_area[order]. The
 * buddy of the block at index i is at i ^ 2^order (indices are arena
 * relative and the arena is 4 MiB aligned, so buddies are physical buddies);
 * freeing coalesces with free buddies immediately, allocating splits a
 * larger block and returns the upper halves to the lists (expand()).
 *
 * Locking: every function here runs under zone->lock, taken IRQ-safe.
 */
#include "buddy/buddy-internal.h"

static inline bool idx_in_zone(const struct vml_zone *zone, u32 idx)
{
	return idx - zone->start_idx < zone->spanned;
}

static inline void add_to_free_area(struct vml_zone *zone,
				    struct vml_page *page, unsigned int order)
{
	vml_set_page_order(page, order);
	vml_page_set(page, VML_PG_buddy);
	vml_plist_add(&zone->free_area[order].free_list, page);
}

static inline void del_from_free_area(struct vml_zone *zone,
				      struct vml_page *page, unsigned int order)
{
	vml_plist_del(&zone->free_area[order].free_list, page);
	vml_page_clear(page, VML_PG_buddy);
}

/*
 * Take a 2^order block, splitting a larger one when needed: the upper half
 * of each split goes back to the list one order down (expand()).
 */
struct vml_page *__vml_rmqueue(struct vml_zone *zone, unsigned int order)
{
	struct vml_page *page;
	unsigned int cur;

	lockdep_assert_held(&zone->lock);
	for (cur = order; cur < VML_MAX_ORDER; cur++) {
		struct vml_plist *list = &zone->free_area[cur].free_list;

		if (vml_plist_empty(list))
			continue;
		page = vml_idx_to_page(list->first);
		del_from_free_area(zone, page, cur);
		while (cur > order) {
			cur--;
			add_to_free_area(zone, page + (1u << cur), cur);
		}
		vml_set_page_order(page, order);
		zone->free_pages -= 1ul << order;
		return page;
	}
	return NULL;
}

/* Free a block and merge it with its buddies as far as they are free. */
void __vml_free_one(struct vml_zone *zone, struct vml_page *page,
		    unsigned int order)
{
	u32 idx = vml_page_idx(page), buddy_idx;
	unsigned long nr = 1ul << order;
	struct vml_page *buddy;

	lockdep_assert_held(&zone->lock);
	while (order < VML_MAX_ORDER - 1) {
		buddy_idx = idx ^ (1u << order);
		if (!idx_in_zone(zone, buddy_idx))
			break;
		buddy = vml_idx_to_page(buddy_idx);
		if (!vml_page_test(buddy, VML_PG_buddy) ||
		    vml_page_order(buddy) != order)
			break;
		del_from_free_area(zone, buddy, order);
		idx &= buddy_idx;
		order++;
	}
	add_to_free_area(zone, vml_idx_to_page(idx), order);
	zone->free_pages += nr;
}

void vml_zone_free_counts(struct vml_zone *zone, unsigned long nr[VML_MAX_ORDER])
{
	unsigned long flags;
	int order;

	spin_lock_irqsave(&zone->lock, flags);
	for (order = 0; order < VML_MAX_ORDER; order++)
		nr[order] = zone->free_area[order].free_list.nr;
	spin_unlock_irqrestore(&zone->lock, flags);
}
