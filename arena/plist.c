// SPDX-License-Identifier: GPL-2.0
/*
 * plist.c - doubly linked lists of frames, linked by 32-bit arena index.
 *
 * A frame is on at most one list at a time (free_area, a per-CPU list, an
 * LRU list), exactly as Linux reuses page->lru. The caller holds whatever
 * lock protects the list.
 */
#include "arena/arena.h"

void vml_plist_add(struct vml_plist *list, struct vml_page *page)
{
	u32 idx = vml_page_idx(page);

	page->lru_prev = VML_IDX_NONE;
	page->lru_next = list->first;
	if (list->first != VML_IDX_NONE)
		vml_idx_to_page(list->first)->lru_prev = idx;
	else
		list->last = idx;
	list->first = idx;
	list->nr++;
}

void vml_plist_add_tail(struct vml_plist *list, struct vml_page *page)
{
	struct vml_page *p;

	if (vml_plist_empty(list)) {
		vml_plist_add(list, page);
		return;
	}
	/* The tail index makes this O(1): LRU lists are scanned from it. */
	p = vml_idx_to_page(list->last);
	p->lru_next = vml_page_idx(page);
	page->lru_prev = list->last;
	page->lru_next = VML_IDX_NONE;
	list->last = vml_page_idx(page);
	list->nr++;
}

void vml_plist_del(struct vml_plist *list, struct vml_page *page)
{
	if (page->lru_prev != VML_IDX_NONE)
		vml_idx_to_page(page->lru_prev)->lru_next = page->lru_next;
	else
		list->first = page->lru_next;
	if (page->lru_next != VML_IDX_NONE)
		vml_idx_to_page(page->lru_next)->lru_prev = page->lru_prev;
	else
		list->last = page->lru_prev;
	page->lru_next = VML_IDX_NONE;
	page->lru_prev = VML_IDX_NONE;
	list->nr--;
}

struct vml_page *vml_plist_pop(struct vml_plist *list)
{
	struct vml_page *page;

	if (vml_plist_empty(list))
		return NULL;
	page = vml_idx_to_page(list->first);
	vml_plist_del(list, page);
	return page;
}
