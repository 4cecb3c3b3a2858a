// SPDX-License-Identifier: GPL-2.0
/*
 * policy_2list.c - the default replacement policy: active and inactive
 * lists per type (Gorman 10.2-10.3; 6.1 mm/vmscan.c shrink_active_list(),
 * shrink_inactive_list(), mm/swap.c folio_mark_accessed()).
 */

/**
 * DOC: two-list policy
 *
 * New pages enter the front of the inactive list. A first use sets
 * VML_PG_referenced; a second use of a referenced page activates it, as
 * mark_page_accessed() does (a page still in a per-CPU batch is marked
 * active and lands on the active list when the batch drains).
 *
 * Victims come from the back of the inactive list. A page with
 * VML_PG_referenced is activated instead of taken; the rest are victims.
 * The Accessed bits are harvested by lru.c on the victims once lru_lock
 * is dropped: a page PTEs used comes back (rotate) with VML_PG_referenced
 * set, so it gets one more round on the inactive list and is activated
 * if it is seen again, as 6.1's folio_check_references() does.
 *
 * When the inactive list is low (inactive * ratio < active, ratio =
 * int_sqrt(10 * node GiB) or 1, as 6.1's inactive_is_low()) the active
 * list's back is scanned first to refill it: an active page with
 * VML_PG_referenced set (used again through mark_page_accessed() since it
 * was activated) goes back to the front of the active list, as in 2.4's
 * refill_inactive(), and the others are demoted. 6.1 demotes every page
 * but referenced executable file pages (it harvests their PTEs at this
 * point); vmlab has no executable-page distinction yet.
 */
#include <linux/math.h>
#include "swap/swap-internal.h"

static void lru2_add(struct vml_lruvec *lv, struct vml_page *page)
{
	vml_lru_link(lv, page);
}

static void lru2_access(struct vml_lruvec *lv, struct vml_page *page)
{
	if (!vml_page_test_and_set(page, VML_PG_referenced))
		return;
	if (vml_page_test(page, VML_PG_active))
		return;
	vml_page_clear(page, VML_PG_referenced);
	if (vml_page_test(page, VML_PG_lru))
		vml_lru_move(lv, page, true);
	else
		vml_page_set(page, VML_PG_active);	/* activated at drain */
	vml_count_event(VML_PGACTIVATE);
}

static bool inactive_is_low(struct vml_lruvec *lv, bool file)
{
	enum vml_lru_list lru = vml_lru_inactive(file);
	unsigned long gb = vml_arena.nodes[lv->nid]->spanned >> (30 - PAGE_SHIFT);
	unsigned long ratio = gb ? int_sqrt(10 * gb) : 1;

	return lv->lists[lru].nr * ratio < lv->lists[lru + 1].nr;
}

/* shrink_active_list(), with 2.4's treatment of referenced pages. */
static void lru2_refill(struct vml_lruvec *lv, bool file, unsigned long nr)
{
	struct vml_plist *active = &lv->lists[vml_lru_inactive(file) + 1];
	unsigned long scan = min_t(unsigned long, active->nr, nr);
	struct vml_page *page;

	vml_count_events(VML_PGREFILL, scan);
	while (scan-- && (page = vml_plist_last(active))) {
		if (vml_lru_test_clear_referenced(page)) {
			vml_lru_move(lv, page, true);
			continue;
		}
		vml_lru_move(lv, page, false);
		vml_count_event(VML_PGDEACTIVATE);
	}
}

static unsigned long lru2_select_victims(struct vml_lruvec *lv, bool file,
					 unsigned long nr, struct vml_plist *out)
{
	struct vml_plist *inactive = &lv->lists[vml_lru_inactive(file)];
	unsigned long taken = 0, scan;
	struct vml_page *page;

	if (inactive_is_low(lv, file))
		lru2_refill(lv, file, max_t(unsigned long, nr, VML_SWAP_CLUSTER_MAX));
	/* Activated pages leave the list, so one pass sees each page once. */
	for (scan = inactive->nr; scan && taken < nr; scan--) {
		page = vml_plist_last(inactive);
		if (vml_lru_test_clear_referenced(page)) {
			vml_lru_move(lv, page, true);
			vml_count_event(VML_PGACTIVATE);
			continue;
		}
		taken += vml_lru_isolate(lv, page, out);
	}
	return taken;
}

/* putback_lru_page(): back to the front of the list its flags name. */
static void lru2_rotate(struct vml_lruvec *lv, struct vml_page *page)
{
	vml_lru_link(lv, page);
}

const struct vml_lru_policy vml_lru_policy_2list = {
	.name = "2list",
	.add = lru2_add,
	.access = lru2_access,
	.select_victims = lru2_select_victims,
	.rotate = lru2_rotate,
};
