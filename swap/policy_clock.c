// SPDX-License-Identifier: GPL-2.0
/*
 * policy_clock.c - CLOCK, the second-chance FIFO (Gorman 10.1; Corbato's
 * CLOCK), the comparison policy for the two-list default.
 */

/**
 * DOC: CLOCK policy
 *
 * One list per type, the inactive one, used as a circle: new pages enter
 * at the front and the hand is at the back. A use only sets
 * VML_PG_referenced. Selecting victims moves the hand: a referenced page
 * has the bit cleared and goes to the front, its second chance; an
 * unreferenced page is a victim, unless its PTEs' Accessed bits (harvested
 * by lru.c once lru_lock is dropped) say it was used: then it comes back
 * to the front with the bit set. Each page is looked at most twice per call, so a call ends
 * even when every page is referenced. Pages left on an active list by the
 * two-list policy, when the policy was switched, are folded into the
 * circle first, so the switch itself moves nothing.
 */
#include "swap/swap-internal.h"

static void clock_add(struct vml_lruvec *lv, struct vml_page *page)
{
	vml_page_clear(page, VML_PG_active);
	vml_lru_link(lv, page);
}

static void clock_access(struct vml_lruvec *lv, struct vml_page *page)
{
	vml_page_set(page, VML_PG_referenced);
}

static unsigned long clock_select_victims(struct vml_lruvec *lv, bool file,
					  unsigned long nr, struct vml_plist *out)
{
	struct vml_plist *circle = &lv->lists[vml_lru_inactive(file)];
	unsigned long taken = 0, scan;
	struct vml_page *page;

	vml_lru_deactivate_all(lv, file);
	for (scan = 2 * circle->nr; scan && taken < nr; scan--) {
		page = vml_plist_last(circle);
		if (!page)
			break;
		if (vml_lru_test_clear_referenced(page)) {
			vml_lru_move(lv, page, false);
			continue;
		}
		taken += vml_lru_isolate(lv, page, out);
	}
	return taken;
}

static void clock_rotate(struct vml_lruvec *lv, struct vml_page *page)
{
	clock_add(lv, page);
}

const struct vml_lru_policy vml_lru_policy_clock = {
	.name = "clock",
	.add = clock_add,
	.access = clock_access,
	.select_victims = clock_select_victims,
	.rotate = clock_rotate,
};
