// SPDX-License-Identifier: GPL-2.0
/*
 * tree.c - the VMA tree and list, lookups, and the free-area search
 * (Gorman 4.4.2-4.4.4; mm/mmap.c of Linux 4.x-6.0: vma_compute_gap(),
 * __vma_link_rb(), find_vma(), unmapped_area_topdown()).
 *
 * VMAs sit in an rbtree by address whose nodes also carry rb_subtree_gap,
 * the largest free gap just below any VMA of the subtree, so the search
 * for a hole of a given length skips whole subtrees; and on a list in
 * address order, which gives every VMA its neighbours. A VMA's gap is
 * measured from the end of the previous one to its own start, with the
 * stack guard gap taken off GROWSDOWN VMAs (vm_start_gap()).
 */
#include <linux/rbtree_augmented.h>
#include "vma/vma-internal.h"

unsigned long vml_vm_start_gap(struct vml_vma *vma)
{
	unsigned long start = vma->vm_start;

	if (vma->vm_flags & VML_VM_GROWSDOWN) {
		start -= VML_STACK_GUARD_GAP;
		if (start > vma->vm_start)
			start = 0;
	}
	return start;
}

unsigned long vml_vm_end_gap(struct vml_vma *vma)
{
	return vma->vm_end;
}

struct vml_vma *vml_vma_next(struct vml_vma *vma)
{
	if (list_is_last(&vma->vm_list, &vma->vm_mm->mmap))
		return NULL;
	return list_next_entry(vma, vm_list);
}

struct vml_vma *vml_vma_prev(struct vml_vma *vma)
{
	if (list_is_first(&vma->vm_list, &vma->vm_mm->mmap))
		return NULL;
	return list_prev_entry(vma, vm_list);
}

/* The free gap just below @vma. */
static unsigned long vma_own_gap(struct vml_vma *vma)
{
	struct vml_vma *prev = vml_vma_prev(vma);
	unsigned long start = vml_vm_start_gap(vma);
	unsigned long prev_end = prev ? vml_vm_end_gap(prev) : 0;

	return start > prev_end ? start - prev_end : 0;
}

RB_DECLARE_CALLBACKS_MAX(static, vma_gap_cb, struct vml_vma, vm_rb,
			 unsigned long, rb_subtree_gap, vma_own_gap)

/* A VMA's own gap changed: fix rb_subtree_gap up to the root. */
static void vma_gap_update(struct vml_vma *vma)
{
	vma_gap_cb_propagate(&vma->vm_rb, NULL);
}

static void update_after(struct vml_mm *mm, struct vml_vma *vma)
{
	struct vml_vma *next = vml_vma_next(vma);

	if (next)
		vma_gap_update(next);
	else
		mm->highest_vm_end = vml_vm_end_gap(vma);
}

/* The rbtree slot for @addr, and the VMA that will precede it. */
static struct rb_node **find_link(struct vml_mm *mm, unsigned long addr,
				  struct rb_node **parent, struct vml_vma **pprev)
{
	struct rb_node **link = &mm->mm_rb.rb_node;

	*parent = NULL;
	*pprev = NULL;
	while (*link) {
		struct vml_vma *v = rb_entry(*link, struct vml_vma, vm_rb);

		*parent = *link;
		if (addr < v->vm_start) {
			link = &(*link)->rb_left;
		} else {
			*pprev = v;
			link = &(*link)->rb_right;
		}
	}
	return link;
}

/*
 * Insert @vma (which overlaps nothing) in the tree and the list
 * (vma_link()). As __vma_link_rb() does: first the list, and the gap of
 * the VMA after it (which shrinks) fixed up while the tree is still
 * consistent, since the rebalancing rotations copy subtree gaps around;
 * then the new node goes in with a zero gap that is then propagated.
 */
void vml_vma_link(struct vml_mm *mm, struct vml_vma *vma)
{
	struct rb_node **link, *parent;
	struct vml_vma *prev;

	link = find_link(mm, vma->vm_start, &parent, &prev);
	if (prev)
		list_add(&vma->vm_list, &prev->vm_list);
	else
		list_add(&vma->vm_list, &mm->mmap);
	update_after(mm, vma);
	rb_link_node(&vma->vm_rb, parent, link);
	vma->rb_subtree_gap = 0;
	vma_gap_update(vma);
	rb_insert_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_cb);
	mm->map_count++;
	vml_i_mmap_link(vma);
}

/* Take @vma out of the tree and the list (__vma_unlink()); not freed. */
void vml_vma_unlink(struct vml_mm *mm, struct vml_vma *vma)
{
	struct vml_vma *prev = vml_vma_prev(vma);
	struct vml_vma *next = vml_vma_next(vma);

	vml_i_mmap_unlink(vma);
	rb_erase_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_cb);
	list_del_init(&vma->vm_list);
	RB_CLEAR_NODE(&vma->vm_rb);
	if (next)
		vma_gap_update(next);
	else
		mm->highest_vm_end = prev ? vml_vm_end_gap(prev) : 0;
	mm->map_count--;
}

/*
 * Move a VMA's bounds (the tree part of vma_adjust()). The new range must
 * not overlap a neighbour, so its place in the mm's tree holds; its place
 * in its object's and anon_vmas' trees moves, under their locks. A VMA
 * not linked yet (a split's copy) only moves in those.
 */
void vml_vma_set_range(struct vml_vma *vma, unsigned long start,
		       unsigned long end, unsigned long pgoff)
{
	vml_vma_rmap_unhook(vma);
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_pgoff = pgoff;
	vml_vma_rmap_rehook(vma);
	if (RB_EMPTY_NODE(&vma->vm_rb))
		return;
	vma_gap_update(vma);
	update_after(vma->vm_mm, vma);
}

#ifdef VMLAB_FLAVOR_kunit
atomic_long_t vml_vma_lookups;	/* the access tests count lookups per fault */
#endif

struct vml_vma *vml_find_vma(struct vml_mm *mm, unsigned long addr)
{
	struct rb_node *node = mm->mm_rb.rb_node;
	struct vml_vma *found = NULL;

#ifdef VMLAB_FLAVOR_kunit
	atomic_long_inc(&vml_vma_lookups);
#endif
	while (node) {
		struct vml_vma *v = rb_entry(node, struct vml_vma, vm_rb);

		if (v->vm_end > addr) {
			found = v;
			if (v->vm_start <= addr)
				break;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found;
}

struct vml_vma *vml_find_vma_prev(struct vml_mm *mm, unsigned long addr,
				  struct vml_vma **pprev)
{
	struct vml_vma *vma = vml_find_vma(mm, addr);

	if (vma)
		*pprev = vml_vma_prev(vma);
	else
		*pprev = list_empty(&mm->mmap) ? NULL :
			 list_last_entry(&mm->mmap, struct vml_vma, vm_list);
	return vma;
}

struct vml_vma *vml_vma_lookup(struct vml_mm *mm, unsigned long addr)
{
	struct vml_vma *vma = vml_find_vma(mm, addr);

	return vma && vma->vm_start <= addr ? vma : NULL;
}

struct vml_vma *vml_find_vma_intersection(struct vml_mm *mm,
					  unsigned long start, unsigned long end)
{
	struct vml_vma *vma = vml_find_vma(mm, start);

	return vma && vma->vm_start < end ? vma : NULL;
}

static struct vml_vma *rb_vma(struct rb_node *n)
{
	return n ? rb_entry(n, struct vml_vma, vm_rb) : NULL;
}

/* Start of the gap below @vma (end of the previous VMA). */
static unsigned long gap_start_of(struct vml_vma *vma)
{
	struct vml_vma *prev = vml_vma_prev(vma);

	return prev ? vml_vm_end_gap(prev) : 0;
}

/*
 * The highest gap of @length within [low, high) (unmapped_area_topdown()):
 * descend right first while a subtree may hold a gap that is both long
 * enough and low enough, checking each VMA's own gap on the way back.
 */
static unsigned long topdown_search(struct vml_mm *mm, unsigned long length,
				    unsigned long low, unsigned long high)
{
	unsigned long high_limit, low_limit, gap_start, gap_end;
	struct vml_vma *vma;

	if (high < length || low > high - length)
		return -ENOMEM;
	high_limit = high - length;
	low_limit = low + length;
	if (mm->highest_vm_end <= high_limit)
		return high - length;
	vma = rb_vma(mm->mm_rb.rb_node);
	if (!vma || vma->rb_subtree_gap < length)
		return -ENOMEM;
	for (;;) {
		struct vml_vma *right = rb_vma(vma->vm_rb.rb_right);
		struct vml_vma *left;

		gap_start = gap_start_of(vma);
		if (gap_start <= high_limit && right && right->rb_subtree_gap >= length) {
			vma = right;
			continue;
		}
check_current:
		gap_end = vml_vm_start_gap(vma);
		if (gap_end < low_limit)
			return -ENOMEM;
		if (gap_start <= high_limit && gap_end > gap_start &&
		    gap_end - gap_start >= length)
			return min(gap_end, high) - length;
		left = rb_vma(vma->vm_rb.rb_left);
		if (left && left->rb_subtree_gap >= length) {
			vma = left;
			continue;
		}
		/* Climb to the first ancestor we reached from its right. */
		for (;;) {
			struct rb_node *prev = &vma->vm_rb;

			if (!rb_parent(prev))
				return -ENOMEM;
			vma = rb_vma(rb_parent(prev));
			if (prev == vma->vm_rb.rb_right) {
				gap_start = gap_start_of(vma);
				goto check_current;
			}
		}
	}
}

/* The lowest gap of @length in [low, high): the bottom-up fallback. */
static unsigned long bottomup_search(struct vml_mm *mm, unsigned long length,
				     unsigned long low, unsigned long high)
{
	unsigned long start = low;
	struct vml_vma *vma;

	vml_for_each_vma(mm, vma) {
		if (vml_vm_start_gap(vma) >= start + length)
			break;
		start = max(start, vml_vm_end_gap(vma));
	}
	return start + length <= high ? start : -ENOMEM;
}

/* Is [addr, addr+len) free, guard gaps included? */
static bool range_free(struct vml_mm *mm, unsigned long addr, unsigned long len)
{
	struct vml_vma *prev, *vma = vml_find_vma_prev(mm, addr, &prev);

	return addr >= VML_MMAP_MIN_ADDR && mm->task_size - len >= addr &&
	       (!vma || addr + len <= vml_vm_start_gap(vma)) &&
	       (!prev || addr >= vml_vm_end_gap(prev));
}

unsigned long vml_get_unmapped_area(struct vml_mm *mm, unsigned long addr,
				    unsigned long len, unsigned long flags)
{
	unsigned long high = mm->mmap_base, ret;

	if (len > mm->task_size - VML_MMAP_MIN_ADDR)
		return -ENOMEM;
	if (flags & MAP_FIXED) {
		if (addr > mm->task_size - len)
			return -ENOMEM;
		if (offset_in_page(addr))
			return -EINVAL;
		/* security_mmap_addr(), as for an unprivileged task */
		return addr < VML_MMAP_MIN_ADDR ? -EPERM : addr;
	}
	if (addr) {
		addr &= PAGE_MASK;	/* x86 masks a hint down */
		if (range_free(mm, addr, len))
			return addr;
		/* A hint above the 47-bit window opens the 5-level space. */
		if (addr > VML_DEFAULT_MAP_WINDOW)
			high = mm->task_size;
	}
	ret = topdown_search(mm, len, max(PAGE_SIZE, VML_MMAP_MIN_ADDR), high);
	if (IS_ERR_VALUE(ret))
		ret = bottomup_search(mm, len, PAGE_ALIGN(mm->task_size / 3),
				      min(mm->task_size, VML_DEFAULT_MAP_WINDOW));
	return ret;
}
