// SPDX-License-Identifier: GPL-2.0
/*
 * merge.c - merging a range with compatible neighbours, splitting VMAs,
 * and unmapping (mm/mmap.c: vma_merge(), __split_vma(), do_munmap();
 * Gorman 4.5.2 and 4.6).
 *
 * Two VMAs merge when they touch and nothing a later operation looks at
 * tells them apart: same flags, same backing object with contiguous
 * offsets (is_mergeable_vma()), and anon_vmas that Linux 6.1's
 * is_mergeable_anon_vma() accepts: the same one, or none on one side
 * while the VMA already there has a singular anon_vma_chain. A VMA with
 * no anon_vma therefore never takes in a range that has one: its pages
 * would name an anon_vma the VMA does not have, and rmap would miss them.
 * Merging only rewrites VMAs; the pages and page tables underneath stay
 * where they are.
 */
#include <linux/err.h>
#include <linux/fs.h>
#include "vma/vma-internal.h"
#include "vma/vma_trace.h"

unsigned long vml_calc_vm_prot_bits(unsigned long prot)
{
	return (prot & PROT_READ ? VML_VM_READ : 0) |
	       (prot & PROT_WRITE ? VML_VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VML_VM_EXEC : 0);
}

bool vml_same_file(struct file *a, struct file *b)
{
	/*
	 * Linux compares the struct file; ctl opens the path anew for every
	 * mmap, so vmlab compares what an fd would share: inode and mode.
	 */
	if (!a || !b)
		return a == b;
	return file_inode(a) == file_inode(b) && a->f_mode == b->f_mode;
}

/* is_mergeable_anon_vma() for the prev + next case: neither is checked. */
static bool anon_compatible(struct vml_anon_vma *a, struct vml_anon_vma *b)
{
	return !a || !b || a == b;
}

/*
 * is_mergeable_anon_vma(): may a range whose anon_vma is @anon join @v?
 * Only @v's chain is looked at: when @v has none, its chain is empty.
 */
static bool anon_mergeable(struct vml_anon_vma *anon, struct vml_vma *v)
{
	if (anon == v->anon_vma)
		return true;
	return (!anon || !v->anon_vma) && vml_anon_vma_singular(v);
}

/*
 * Shared anonymous memory: Linux gives each such mmap a shmem file of its
 * own, so it only merges with pieces of the same object. vmlab's object
 * is vm_private_data, made at the first fault (or before a fork): VMAs
 * merge when they name the same one, or when neither has one yet.
 */
static bool object_compatible(struct vml_vma *v, unsigned long flags,
			      struct file *file, void *obj)
{
	return !(flags & VML_VM_SHARED) || file || v->vm_private_data == obj;
}

/* Can [.., vm_end of @prev) be followed by a range with these attributes? */
static bool can_merge_after(struct vml_vma *prev, unsigned long flags,
			    struct file *file, unsigned long pgoff,
			    struct vml_anon_vma *anon, void *obj)
{
	return prev->vm_flags == flags && vml_same_file(prev->vm_file, file) &&
	       anon_mergeable(anon, prev) &&
	       object_compatible(prev, flags, file, obj) &&
	       prev->vm_pgoff + vml_vma_pages(prev) == pgoff;
}

/* Can a range of @pages pages at @pgoff be followed by @next? */
static bool can_merge_before(struct vml_vma *next, unsigned long flags,
			     struct file *file, unsigned long pgoff,
			     unsigned long pages, struct vml_anon_vma *anon,
			     void *obj)
{
	return next->vm_flags == flags && vml_same_file(next->vm_file, file) &&
	       anon_mergeable(anon, next) &&
	       object_compatible(next, flags, file, obj) &&
	       pgoff + pages == next->vm_pgoff;
}

/*
 * @to takes over pages of @from (vma_adjust()'s importer and exporter):
 * it needs @from's anon_vma and chains too. The one step of a merge that
 * can fail, so it comes before any other. Return: 0 or -ENOMEM.
 */
static int share_anon(struct vml_vma *to, struct vml_vma *from)
{
	if (to->anon_vma || !from || !from->anon_vma)
		return 0;
	to->anon_vma = from->anon_vma;
	if (vml_anon_vma_clone(to, from)) {
		to->anon_vma = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* @keep absorbs @gone (adjacent, same anon_vma or none): unlink, free it. */
static void absorb(struct vml_mm *mm, struct vml_vma *keep, struct vml_vma *gone)
{
	vml_vma_unlink(mm, gone);
	vml_vma_free(gone);
}

/*
 * vml_vma_merge() - extend a neighbour over [addr, end) instead of making
 * a new VMA (vma_merge() cases 1-8). @prev is the VMA before @addr or NULL.
 * The range is either free, or lies inside one VMA whose attributes are
 * being changed (mprotect, mlock): then the part of that VMA the range
 * covers moves to the neighbour, and the VMA shrinks or goes away.
 * @obj is the range's vm_private_data (its shared anonymous object).
 * Return: the VMA that now covers the range, or NULL (nothing merged).
 */
struct vml_vma *vml_vma_merge(struct vml_mm *mm, struct vml_vma *prev,
			      unsigned long addr, unsigned long end,
			      unsigned long vm_flags, struct file *file,
			      unsigned long pgoff, struct vml_anon_vma *anon,
			      void *obj)
{
	unsigned long pages = (end - addr) >> PAGE_SHIFT;
	struct vml_vma *mid, *next;
	bool merge_prev, merge_next;

	mid = prev ? vml_vma_next(prev) : vml_find_vma(mm, 0);
	if (mid && mid->vm_start >= end)
		mid = NULL;		/* the range is free */
	if (mid && (mid->vm_start != addr && mid->vm_end != end))
		return NULL;		/* a hole punched in the middle: split */
	next = mid ? (mid->vm_end == end ? vml_vma_next(mid) : NULL) :
		     (prev ? vml_vma_next(prev) : vml_find_vma(mm, 0));
	merge_prev = prev && prev->vm_end == addr &&
		     (!mid || mid->vm_start == addr) &&
		     can_merge_after(prev, vm_flags, file, pgoff, anon, obj);
	merge_next = next && next->vm_start == end &&
		     can_merge_before(next, vm_flags, file, pgoff, pages, anon, obj);
	if (merge_prev && merge_next && !anon_compatible(prev->anon_vma, next->anon_vma))
		merge_next = false;
	if (merge_prev) {
		unsigned long new_end = merge_next ? next->vm_end : end;

		/* As vma_merge(): out of memory here, the range gets its own VMA. */
		if (share_anon(prev, mid && mid->anon_vma ? mid : merge_next ? next : NULL))
			return NULL;
		if (mid && mid->vm_end == end)
			absorb(mm, prev, mid);
		else if (mid)
			vml_vma_set_range(mid, end, mid->vm_end, mid->vm_pgoff + pages);
		if (merge_next)
			absorb(mm, prev, next);
		vml_vma_set_range(prev, prev->vm_start, new_end, prev->vm_pgoff);
		return prev;
	}
	if (merge_next) {
		if (share_anon(next, mid))
			return NULL;
		if (mid && mid->vm_start == addr)
			absorb(mm, next, mid);
		else if (mid)
			vml_vma_set_range(mid, mid->vm_start, addr, mid->vm_pgoff);
		vml_vma_set_range(next, addr, next->vm_end, pgoff);
		return next;
	}
	return NULL;
}

/*
 * vml_vma_merge_new() - mmap_region()'s merge of a new range [@addr, @end)
 * (6.1): next is tried first, with no anon_vma; prev then with next's
 * anon_vma, so a prev without one (or with another) does not join a next
 * that has one, where vma_merge() would merge all three. Found by
 * 53-randtest. Arguments as vml_vma_merge()'s.
 * Return: the VMA that now covers the range, or NULL.
 */
struct vml_vma *vml_vma_merge_new(struct vml_mm *mm, struct vml_vma *prev,
				  unsigned long addr, unsigned long end,
				  unsigned long vm_flags, struct file *file,
				  unsigned long pgoff, void *obj)
{
	struct vml_vma *next = prev ? vml_vma_next(prev) : vml_find_vma(mm, 0);
	unsigned long pages = (end - addr) >> PAGE_SHIFT;

	if (prev && prev->vm_end == addr && next && next->vm_start == end &&
	    next->anon_vma &&
	    can_merge_before(next, vm_flags, file, pgoff, pages, NULL, obj) &&
	    !can_merge_after(prev, vm_flags, file, pgoff, next->anon_vma, obj)) {
		vml_vma_set_range(next, addr, next->vm_end, pgoff);
		return next;
	}
	return vml_vma_merge(mm, prev, addr, end, vm_flags, file, pgoff, NULL, obj);
}

/*
 * Cut @vma at @addr, @new (a vml_vma_dup() of it) taking the lower part
 * if @new_below, else the upper part. Cannot fail: callers that split
 * twice allocate both copies first, so a failure changes nothing.
 */
static void split_with(struct vml_mm *mm, struct vml_vma *vma, unsigned long addr,
		       bool new_below, struct vml_vma *new)
{
	unsigned long delta = (addr - vma->vm_start) >> PAGE_SHIFT;

	/* @new is chained (vml_vma_dup()): its trees see the change too. */
	if (new_below) {
		vml_vma_set_range(new, vma->vm_start, addr, vma->vm_pgoff);
		vml_vma_set_range(vma, addr, vma->vm_end, vma->vm_pgoff + delta);
	} else {
		vml_vma_set_range(new, addr, vma->vm_end, vma->vm_pgoff + delta);
		vml_vma_set_range(vma, vma->vm_start, addr, vma->vm_pgoff);
	}
	vml_vma_link(mm, new);
}

/*
 * vml_split_vma() - cut @vma at @addr into two VMAs (__split_vma()). The
 * new VMA is the lower part if @new_below, else the upper part.
 * Return: 0 or -ENOMEM.
 */
int vml_split_vma(struct vml_mm *mm, struct vml_vma *vma, unsigned long addr,
		  bool new_below)
{
	struct vml_vma *new = vml_vma_dup(vma);

	if (!new)
		return -ENOMEM;
	split_with(mm, vma, addr, new_below, new);
	return 0;
}

/*
 * The copies of @vma that cutting out [start, end) needs: *@lo when
 * @start is inside it, *@hi when @end is. Both or neither: 6.1 splits
 * one end, then fails the other and leaves the first split in the maps;
 * vmlab allocates both first so that ENOMEM changes nothing.
 * Return: 0 or -ENOMEM.
 */
static int split_copies(struct vml_vma *vma, unsigned long start, unsigned long end,
			struct vml_vma **lo, struct vml_vma **hi)
{
	bool need_lo = start > vma->vm_start, need_hi = end < vma->vm_end;

	*lo = NULL;
	*hi = NULL;
	if (need_lo) {
		*lo = vml_vma_dup(vma);
		if (!*lo)
			return -ENOMEM;
	}
	if (need_hi) {
		*hi = vml_vma_dup(vma);
		if (!*hi) {
			if (*lo)
				vml_vma_free(*lo);
			*lo = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

/* Take one whole VMA away: unlock, account, zap, unlink, free. */
static void remove_vma(struct vml_mm *mm, struct vml_vma *vma)
{
	long npages = vml_vma_pages(vma);

	if (vma->vm_flags & VML_VM_LOCKED) {
		vml_mlock_pages(vma, vma->vm_start, vma->vm_end, false);
		mm->locked_vm -= npages;
	}
	vml_vm_stat_account(mm, vma->vm_flags, -npages);
	vml_zap_range(vma, vma->vm_start, vma->vm_end);
	vml_vma_unlink(mm, vma);
	vml_vma_free(vma);
}

/*
 * vml_do_munmap() - munmap() with mmap_lock held for writing
 * (do_mas_munmap()): split at both ends, remove what is inside, free
 * the page tables of the hole left between the neighbours.
 * Return: 0, -EINVAL, -ENOMEM.
 */
int vml_do_munmap(struct vml_mm *mm, unsigned long start, unsigned long len)
{
	struct vml_vma *vma, *next, *prev, *last, *lo, *hi;
	unsigned long end;

	if (offset_in_page(start) || start > mm->task_size ||
	    len > mm->task_size - start)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (!len)
		return -EINVAL;
	vma = vml_find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		return 0;
	/* map_count may go one over its limit here, as in Linux. */
	if (start > vma->vm_start && end < vma->vm_end &&
	    mm->map_count >= mm->limits.max_map_count)
		return -ENOMEM;
	/*
	 * The copies for both cuts first (see split_copies()): 6.1 cuts at
	 * start, and when the cut at end then fails it returns ENOMEM with
	 * the first cut left in the maps.
	 */
	last = vml_find_vma(mm, end);
	if (last && last->vm_start >= end)
		last = NULL;
	lo = start > vma->vm_start ? vml_vma_dup(vma) : NULL;
	hi = last ? vml_vma_dup(last) : NULL;
	if ((start > vma->vm_start && !lo) || (last && !hi)) {
		if (lo)
			vml_vma_free(lo);
		if (hi)
			vml_vma_free(hi);
		return -ENOMEM;
	}
	if (lo)
		split_with(mm, vma, start, false, lo);
	if (hi)		/* the VMA holding end now: lo when both cut one VMA */
		split_with(mm, vml_find_vma(mm, end), end, true, hi);
	vma = vml_find_vma_prev(mm, start, &prev);
	while (vma && vma->vm_start < end) {
		next = vml_vma_next(vma);
		remove_vma(mm, vma);
		vma = next;
	}
	/* free_pgtables() between the neighbours' ends (floor/ceiling). */
	vml_free_pgd_range(mm, prev ? prev->vm_end : 0,
			   vma ? vma->vm_start : mm->task_size);
	return 0;
}

int vml_munmap(struct vml_mm *mm, unsigned long addr, unsigned long len)
{
	int ret;

	if (mm->kernel)
		return -EPERM;
	down_write(&mm->mmap_lock);
	ret = vml_do_munmap(mm, addr, len);
	up_write(&mm->mmap_lock);
	trace_vmlab_munmap(mm->id, addr, len, ret);
	return ret;
}

/*
 * vml_vma_modify() - give [start, end) of @vma the flags @newflags
 * (the common part of mprotect_fixup() and mlock_fixup()): merge it into
 * a neighbour when they are then compatible, else split @vma so the range
 * is a VMA of its own. @vma must contain the range.
 * Return: the VMA now covering exactly the range, or an ERR_PTR(-ENOMEM).
 */
struct vml_vma *vml_vma_modify(struct vml_mm *mm, struct vml_vma *vma,
			       unsigned long start, unsigned long end,
			       unsigned long newflags)
{
	unsigned long pgoff = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT);
	struct vml_vma *merged, *lo, *hi;
	int ret;

	merged = vml_vma_merge(mm, vml_vma_prev(vma), start, end, newflags,
			       vma->vm_file, pgoff, vma->anon_vma, vma->vm_private_data);
	if (merged)
		return merged;
	/* Both limits before either split, as for the allocations. */
	if ((start != vma->vm_start || end != vma->vm_end) &&
	    mm->map_count >= mm->limits.max_map_count)
		return ERR_PTR(-ENOMEM);
	if (start != vma->vm_start && end != vma->vm_end &&
	    mm->map_count + 1 >= mm->limits.max_map_count)
		return ERR_PTR(-ENOMEM);
	ret = split_copies(vma, start, end, &lo, &hi);
	if (ret)
		return ERR_PTR(ret);
	if (lo)
		split_with(mm, vma, start, true, lo);
	if (hi)
		split_with(mm, vma, end, false, hi);
	vma->vm_flags = newflags;
	vma->vm_page_prot = vm_get_page_prot(newflags);
	return vma;
}
