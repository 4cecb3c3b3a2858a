// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - the swap layer's part of the invariant checker (ctl `check`).
 *
 * Pages on the LRU belong to their anonymous or file owner, who claims
 * them. What is checked is the layer's own bookkeeping: every LRU list
 * links back and forth, holds only allocated frames of its node whose
 * flags name that list, and has the length it says; every swap area's
 * in-use count, bad-slot count and free-slot hints agree with its
 * swap_map; every swap-cache page is an arena frame marked as such, keyed
 * by the entry it records, its slot holding the cache bit (swap-cache
 * pages are claimed here: a page only the cache holds has no other
 * owner); every slot's count equals the swap PTEs naming it plus the
 * swap entries shared anonymous objects hold for it. Indices are
 * range-checked and list walks bounded before anything is dereferenced.
 * A frame flagged VML_PG_lru that no list holds is reported too.
 */
#include <linux/xarray.h>
#include "arena/check.h"
#include "swap/swap-internal.h"

/* One LRU list; lru_lock held. */
static void check_list(struct vml_check *chk, struct vml_lruvec *lv,
		       enum vml_lru_list lru)
{
	struct vml_plist *list = &lv->lists[lru];
	u32 idx = list->first, prev = VML_IDX_NONE;
	unsigned long n = 0;
	struct vml_page *page;

	while (idx != VML_IDX_NONE && n <= list->nr) {
		if (idx >= vml_arena.nr_frames) {
			vml_check_fail(chk, "lru: node %d list %d: frame %u out of the arena",
				       lv->nid, lru, idx);
			return;
		}
		page = vml_idx_to_page(idx);
		if (page->lru_prev != prev)
			vml_check_fail(chk, "lru: frame %u's prev link is %u, not %u",
				       idx, page->lru_prev, prev);
		if (!vml_page_test(page, VML_PG_lru) || vml_page_lru(page) != lru ||
		    vml_page_nid(page) != lv->nid || !vml_page_count(page))
			vml_check_fail(chk, "lru: frame %u on node %d list %d: flags %#x count %d",
				       idx, lv->nid, lru, atomic_read(&page->flags),
				       vml_page_count(page));
		prev = idx;
		idx = page->lru_next;
		n++;
	}
	if (n != list->nr || idx != VML_IDX_NONE)
		vml_check_fail(chk, "lru: node %d list %d holds %s%lu frames, says %u",
			       lv->nid, lru, idx != VML_IDX_NONE ? "more than " : "",
			       n, list->nr);
	else if (n && list->last != prev)
		vml_check_fail(chk, "lru: node %d list %d tail is %u, not %u",
			       lv->nid, lru, list->last, prev);
}

/*
 * The other half of list membership: every frame of the node flagged
 * VML_PG_lru is on one of its lists (the walk above found each listed
 * frame flagged, and a frame has one set of links, so equal counts
 * mean each LRU frame is on exactly one list); lru_lock held.
 */
static void check_lru_flags(struct vml_check *chk, struct vml_lruvec *lv)
{
	struct vml_node *node = vml_arena.nodes[lv->nid];
	unsigned long flagged = 0, listed = 0, i;
	int lru;

	for (i = 0; i < node->spanned; i++)
		flagged += vml_page_test(vml_idx_to_page(node->start_idx + i),
					 VML_PG_lru);
	for (lru = 0; lru < VML_NR_LRU_LISTS; lru++)
		listed += lv->lists[lru].nr;
	if (flagged != listed)
		vml_check_fail(chk, "lru: node %d has %lu frames flagged lru, %lu on its lists",
			       lv->nid, flagged, listed);
}

/* One area's swap_map against its counters; swap_lock held. */
static void check_area(struct vml_check *chk, struct vml_swap_area *si)
{
	unsigned long off, inuse = 0, bad = 0;

	for (off = 0; off < si->max; off++) {
		unsigned char map = si->swap_map[off];

		if (map == VML_SWAP_MAP_BAD) {
			bad++;
		} else if (map) {
			inuse++;
		} else if (off < si->lowest_bit || off > si->highest_bit) {
			vml_check_fail(chk, "swap %s: free slot %lu out of hints %lu..%lu",
				       si->spec, off, si->lowest_bit, si->highest_bit);
		}
	}
	if (si->swap_map[0] != VML_SWAP_MAP_BAD)
		vml_check_fail(chk, "swap %s: the header slot is not marked bad", si->spec);
	if (inuse != si->inuse || si->max - bad != si->pages)
		vml_check_fail(chk, "swap %s: %lu used, %lu usable; counted %lu, %lu",
			       si->spec, inuse, si->max - bad, si->inuse, si->pages);
}

static void check_swap_cache(struct vml_check *chk)
{
	struct vml_page *page;
	unsigned long off;
	int type;

	for (type = 0; type < VML_MAX_SWAPFILES; type++) {
		xa_for_each(vml_swap_cache_xa(type), off, page) {
			struct vml_swp_entry e = vml_swp_entry(type, off);

			if (!vml_page_in_arena(page)) {
				vml_check_fail(chk, "swap cache: entry %#lx: page out of the arena",
					       e.val);
				continue;
			}
			vml_check_claim(chk, vml_page_idx(page), 1, VML_FRAME_SWAPCACHE,
					"swap cache");
			if (!(vml_swap_count(e) & VML_SWAP_HAS_CACHE))
				vml_check_fail(chk, "swap cache: entry %#lx: slot has no cache bit",
					       e.val);
			if (!vml_page_test(page, VML_PG_swapcache) ||
			    vml_page_swap_entry(page).val != e.val || !vml_page_count(page))
				vml_check_fail(chk,
					       "swap cache: frame %u entry %#lx: flags %#x entry %#lx",
					       vml_page_idx(page), e.val, atomic_read(&page->flags),
					       vml_page_swap_entry(page).val);
		}
	}
}

/*
 * Slot references against swap PTEs: every swap PTE of every mm is counted
 * per slot, then each slot's count must equal what was found (a count
 * below is a use after free waiting to happen, one above a leaked slot;
 * with no mm left every swap_map byte is 0), and the cache bit must be set
 * exactly when the swap cache holds a page for the slot.
 */
struct pte_counts {
	struct vml_check *chk;
	u32 *found[VML_MAX_SWAPFILES];	/* per slot */
	unsigned long max[VML_MAX_SWAPFILES];
	char name[24];
};

static int count_swap_pte(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
			  void *arg)
{
	struct pte_counts *pc = arg;
	struct vml_swp_entry e;
	unsigned int type;
	unsigned long off;

	if (vml_pte_state(*ptep) != VML_PTE_SWAP)
		return 0;
	e = vml_pte_to_swp_entry(*ptep);
	type = vml_swp_type(e);
	off = vml_swp_offset(e);
	if (type >= VML_MAX_SWAPFILES || !pc->found[type] || off >= pc->max[type]) {
		vml_check_fail(pc->chk, "%s %#lx: swap PTE %#lx names no slot of an area",
			       pc->name, addr, pte_val(*ptep));
		return 0;
	}
	pc->found[type][off]++;
	return 0;
}

/* A swap entry a shared anonymous object holds in place of a page. */
static void count_shmem_entry(struct vml_swp_entry e, void *arg)
{
	struct pte_counts *pc = arg;
	unsigned int type = vml_swp_type(e);
	unsigned long off = vml_swp_offset(e);

	if (type >= VML_MAX_SWAPFILES || !pc->found[type] || off >= pc->max[type]) {
		vml_check_fail(pc->chk, "shmem: swap entry %#lx names no slot of an area",
			       e.val);
		return;
	}
	pc->found[type][off]++;
}

static int count_mm(struct vml_mm *mm, void *arg)
{
	struct pte_counts *pc = arg;
	struct vml_vma *vma;

	if (mm->kernel)
		return 0;
	snprintf(pc->name, sizeof(pc->name), "mm %d", mm->id);
	down_read(&mm->mmap_lock);
	vml_for_each_vma(mm, vma)
		vml_walk_range(&mm->pgt, vma->vm_start, vma->vm_end, count_swap_pte, pc);
	up_read(&mm->mmap_lock);
	return 0;
}

/* One area's swap_map against the PTEs found; swap_lock held. */
static void compare_slots(struct pte_counts *pc, struct vml_swap_area *si)
{
	struct xarray *xa = vml_swap_cache_xa(si->type);
	unsigned long off, refs, nr_cont = 0;
	unsigned char map;
	bool cached;
	void *v;

	for (off = 1; off < si->max && off < pc->max[si->type]; off++) {
		map = si->swap_map[off];
		if (map == VML_SWAP_MAP_BAD)
			continue;
		refs = map & VML_SWAP_COUNT_MASK;
		v = xa_load(&si->cont, off);
		if (!!(map & VML_COUNT_CONTINUED) != !!v ||
		    (v && (!xa_is_value(v) || !xa_to_value(v) ||
			   refs != VML_SWAP_MAP_MAX)))
			vml_check_fail(pc->chk, "swap %s slot %lu: byte %#x, continuation %p",
				       si->spec, off, map, v);
		if (v && xa_is_value(v)) {
			refs += xa_to_value(v);
			nr_cont++;
		}
		if (refs != pc->found[si->type][off])
			vml_check_fail(pc->chk,
				       "swap %s slot %lu: count %lu, swap PTEs and shmem entries found %u",
				       si->spec, off, refs, pc->found[si->type][off]);
		cached = xa_load(xa, off);
		if (!!(map & VML_SWAP_HAS_CACHE) != cached)
			vml_check_fail(pc->chk, "swap %s slot %lu: cache bit %d, page cached %d",
				       si->spec, off, !!(map & VML_SWAP_HAS_CACHE), cached);
	}
	if (nr_cont != si->nr_cont)
		vml_check_fail(pc->chk, "swap %s: %lu continued slots, nr_cont says %lu",
			       si->spec, nr_cont, si->nr_cont);
}

static void check_slot_refs(struct vml_check *chk)
{
	struct pte_counts *pc = kzalloc(sizeof(*pc), GFP_KERNEL);
	int type;

	if (!pc) {
		vml_check_fail(chk, "swap: no memory to count swap PTEs");
		return;
	}
	pc->chk = chk;
	spin_lock(&vml_swap_lock);
	for (type = 0; type < VML_MAX_SWAPFILES; type++)
		if (vml_swap_info[type])
			pc->max[type] = vml_swap_info[type]->max;
	spin_unlock(&vml_swap_lock);
	for (type = 0; type < VML_MAX_SWAPFILES; type++) {
		if (!pc->max[type])
			continue;
		pc->found[type] = kvcalloc(pc->max[type], sizeof(u32), GFP_KERNEL);
		if (!pc->found[type])
			vml_check_fail(chk, "swap: no memory to count swap PTEs");
	}
	vml_walk_mms(count_mm, pc);
	vml_shmem_walk_swap(count_shmem_entry, pc);
	spin_lock(&vml_swap_lock);
	for (type = 0; type < VML_MAX_SWAPFILES; type++)
		if (vml_swap_info[type] && pc->found[type])
			compare_slots(pc, vml_swap_info[type]);
	spin_unlock(&vml_swap_lock);
	for (type = 0; type < VML_MAX_SWAPFILES; type++)
		kvfree(pc->found[type]);
	kfree(pc);
}

/* Takes every lru_lock and swap_lock in turn (swap.h has the contract). */
void vml_swap_check(struct vml_check *chk)
{
	struct vml_lruvec *lv;
	unsigned long flags;
	int nid, lru, type;

	for (nid = 0; nid < vml_arena.nr_nodes; nid++) {
		lv = vml_lruvec(nid);
		if (!lv)
			continue;
		spin_lock_irqsave(&lv->lock, flags);
		for (lru = 0; lru < VML_NR_LRU_LISTS; lru++)
			check_list(chk, lv, lru);
		check_lru_flags(chk, lv);
		spin_unlock_irqrestore(&lv->lock, flags);
	}
	spin_lock(&vml_swap_lock);
	for (type = 0; type < VML_MAX_SWAPFILES; type++)
		if (vml_swap_info[type])
			check_area(chk, vml_swap_info[type]);
	spin_unlock(&vml_swap_lock);
	check_swap_cache(chk);
	check_slot_refs(chk);
}
