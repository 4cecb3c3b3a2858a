// SPDX-License-Identifier: GPL-2.0
/*
 * mremap.c - mremap(2) (mm/mremap.c: sys_mremap(), mremap_to(),
 * vma_to_resize(), move_vma(), copy_vma(); Gorman 4.5.4).
 *
 * Shrinking unmaps the tail. Growing extends the VMA in place when the
 * range after it is free, else (with MREMAP_MAYMOVE) moves it: a VMA is
 * made (or merged) at the new place, the page-table entries are moved
 * there by vml_move_pte_prepare() and _prepared() (the pages never move, so
 * their data, rss and mapcounts are unchanged), and the old range is
 * unmapped. MREMAP_DONTUNMAP moves the pages the same way but leaves the
 * old VMA in place, empty: its next touch faults anew (zero-filled
 * anonymous memory, or the object's pages), as 6.1 since 5.13.
 */
#include <linux/err.h>
#include "vma/vma-internal.h"
#include "vma/vma_trace.h"

/* vma_to_resize(): the VMA at @addr, if [addr, addr+old_len) may grow. */
static struct vml_vma *vma_to_resize(struct vml_mm *mm, unsigned long addr,
				     unsigned long old_len, unsigned long new_len)
{
	struct vml_vma *vma = vml_vma_lookup(mm, addr);
	unsigned long pgoff;

	if (!vma)
		return ERR_PTR(-EFAULT);
	if (!old_len && !(vma->vm_flags & (VML_VM_SHARED | VML_VM_MAYSHARE)))
		return ERR_PTR(-EINVAL);
	if (old_len > vma->vm_end - addr)
		return ERR_PTR(-EFAULT);
	if (new_len == old_len)
		return vma;
	pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	if (pgoff + (new_len >> PAGE_SHIFT) < pgoff)
		return ERR_PTR(-EINVAL);
	if (!vml_mlock_ok(mm, vma->vm_flags, new_len - old_len))
		return ERR_PTR(-EAGAIN);
	if (!vml_may_expand_vm(mm, vma->vm_flags, (new_len - old_len) >> PAGE_SHIFT))
		return ERR_PTR(-ENOMEM);
	return vma;
}

/*
 * copy_vma(): a VMA for [addr, addr+len) like @vma, merged if possible.
 * @keep_source (MREMAP_DONTUNMAP): @vma stays, so it must not merge with
 * its own copy, which only never-faulted anonymous memory could.
 */
static struct vml_vma *copy_vma_to(struct vml_mm *mm, struct vml_vma *vma,
				   unsigned long addr, unsigned long len,
				   unsigned long pgoff, bool keep_source)
{
	struct vml_vma *prev, *new = NULL;
	bool self = false;

	/* Never-faulted anonymous memory takes the new place's offset. */
	if (!vma->vm_file && !(vma->vm_flags & VML_VM_MAYSHARE) && !vma->anon_vma) {
		pgoff = addr >> PAGE_SHIFT;
		self = keep_source && (addr == vma->vm_end || vma->vm_start == addr + len);
	}
	vml_find_vma_prev(mm, addr, &prev);
	if (!self)
		new = vml_vma_merge(mm, prev, addr, addr + len, vma->vm_flags, vma->vm_file,
				    pgoff, vma->anon_vma, vma->vm_private_data);
	if (new)
		return new;
	new = vml_vma_dup(vma);
	if (!new)
		return NULL;
	vml_vma_set_range(new, addr, addr + len, pgoff);
	vml_vma_link(mm, new);
	return new;
}

/*
 * MREMAP_DONTUNMAP's end of move_vma(): the old range stays mapped, empty.
 * It is never locked (a locked VMA was cut to the range first; locked_vm
 * is unchanged, the new VMA holds the locked pages now), and when it is a
 * whole VMA it loses its anon_vma and, if anonymous, takes the offset of
 * never-faulted memory, as 6.1's unlink_anon_vmas() there.
 */
static void keep_old_range(struct vml_mm *mm, unsigned long addr, unsigned long len)
{
	struct vml_vma *vma = vml_vma_lookup(mm, addr);

	vma->vm_flags &= ~VML_VM_LOCKED;
	if (vma->vm_start != addr || vma->vm_end != addr + len)
		return;
	if (vma->anon_vma)
		vml_unlink_anon_vmas(vma);
	if (!vma->vm_file && !(vma->vm_flags & VML_VM_MAYSHARE))
		vml_vma_set_range(vma, vma->vm_start, vma->vm_end, vma->vm_start >> PAGE_SHIFT);
}

/* Cut a locked @vma to [addr, end) before MREMAP_DONTUNMAP unlocks it. */
static int split_locked(struct vml_mm *mm, struct vml_vma *vma, unsigned long addr,
			unsigned long end)
{
	if (vma->vm_start != addr && vml_split_vma(mm, vma, addr, true))
		return -ENOMEM;
	if (vma->vm_end != end && vml_split_vma(mm, vma, end, false))
		return -ENOMEM;
	return 0;
}

/*
 * move_page_tables() with take_rmap_locks(): a walk of the VMAs' trees
 * waits while the entries are between the two places, so it never misses
 * one. Both VMAs are in the same trees (the new one is a copy or merged
 * with a neighbour of the same anon_vma and object). The tables are
 * allocated first: the allocation may reclaim, which walks those trees.
 */
static int move_ptes(struct vml_mm *mm, struct vml_vma *vma, unsigned long old_addr,
		     unsigned long new_addr, unsigned long len)
{
	int ret = vml_move_pte_prepare(&mm->pgt, old_addr, new_addr, len);

	if (ret)
		return ret;
	vml_vma_rmap_lock(vma);
	vml_move_pte_prepared(&mm->pgt, old_addr, new_addr, len);
	vml_vma_rmap_unlock(vma);
	return 0;
}

/*
 * move_vma(): move [old_addr, old_addr+old_len) of @vma to @new_addr,
 * @new_len long. @vma may be merged away by copy_vma(), so only values
 * saved before are used after it.
 */
static unsigned long move_vma(struct vml_mm *mm, struct vml_vma *vma,
			      unsigned long old_addr, unsigned long old_len,
			      unsigned long new_len, unsigned long new_addr,
			      unsigned long flags)
{
	bool dontunmap = flags & MREMAP_DONTUNMAP;
	unsigned long vm_flags = vma->vm_flags;
	unsigned long pgoff = vma->vm_pgoff + ((old_addr - vma->vm_start) >> PAGE_SHIFT);
	bool moved;

	if (mm->map_count >= mm->limits.max_map_count - 3)
		return -ENOMEM;
	if (dontunmap && (vm_flags & VML_VM_LOCKED) &&
	    split_locked(mm, vma, old_addr, old_addr + old_len))
		return -ENOMEM;
	if (!copy_vma_to(mm, vma, new_addr, new_len, pgoff, dontunmap))
		return -ENOMEM;
	vml_vm_stat_account(mm, vm_flags, new_len >> PAGE_SHIFT);
	/* old_len 0 duplicates a shared mapping: nothing moves, nothing goes. */
	moved = !old_len ||
		!move_ptes(mm, vml_vma_lookup(mm, old_addr), old_addr, new_addr, old_len);
	if (moved && dontunmap) {
		keep_old_range(mm, old_addr, old_len);
		return new_addr;
	}
	/*
	 * The new VMA is counted before anything is unmapped: on failure the
	 * unmap of the new range takes its pages off again (as 6.1's move_vma()
	 * accounts new_len whichever range it then unmaps); unmapping it
	 * uncounted took them off total_vm twice.
	 */
	if (vm_flags & VML_VM_LOCKED)
		mm->locked_vm += new_len >> PAGE_SHIFT;
	if (!moved) {
		vml_do_munmap(mm, new_addr, new_len);
		return -ENOMEM;
	}
	if (old_len)
		vml_do_munmap(mm, old_addr, old_len);
	return new_addr;
}

/*
 * mremap_to(): MREMAP_FIXED, or MREMAP_DONTUNMAP, for which @new_addr
 * without MREMAP_FIXED is a hint (and still checked as a place).
 */
static unsigned long mremap_to(struct vml_mm *mm, unsigned long addr,
			       unsigned long old_len, unsigned long new_addr,
			       unsigned long new_len, unsigned long flags)
{
	unsigned long map_flags = flags & MREMAP_FIXED ? MAP_FIXED : 0;
	struct vml_vma *vma;
	unsigned long ret;

	if (offset_in_page(new_addr))
		return -EINVAL;
	if (new_len > mm->task_size || new_addr > mm->task_size - new_len)
		return -EINVAL;
	if (addr + old_len > new_addr && new_addr + new_len > addr)
		return -EINVAL;
	if (mm->map_count + 2 >= mm->limits.max_map_count - 3)
		return -ENOMEM;
	if (flags & MREMAP_FIXED) {
		/* Refuse a bad place (below mmap_min_addr...) before unmapping it. */
		ret = vml_get_unmapped_area(mm, new_addr, new_len, MAP_FIXED);
		if (IS_ERR_VALUE(ret))
			return ret;
		ret = vml_do_munmap(mm, new_addr, new_len);
		if (ret)
			return ret;
	}
	if (old_len > new_len) {
		ret = vml_do_munmap(mm, addr + new_len, old_len - new_len);
		if (ret)
			return ret;
		old_len = new_len;
	}
	vma = vma_to_resize(mm, addr, old_len, new_len);
	if (IS_ERR(vma))
		return PTR_ERR(vma);
	/* MREMAP_DONTUNMAP maps old_len more: the old range stays. */
	if ((flags & MREMAP_DONTUNMAP) &&
	    !vml_may_expand_vm(mm, vma->vm_flags, old_len >> PAGE_SHIFT))
		return -ENOMEM;
	ret = vml_get_unmapped_area(mm, new_addr, new_len, map_flags);
	if (IS_ERR_VALUE(ret))
		return ret;
	return move_vma(mm, vma, addr, old_len, new_len, ret, flags);
}

/* vma_expandable(): is the range after @vma free for @delta more bytes? */
static bool vma_expandable(struct vml_mm *mm, struct vml_vma *vma,
			   unsigned long delta)
{
	unsigned long end = vma->vm_end + delta;

	if (end < vma->vm_end)
		return false;
	if (vml_find_vma_intersection(mm, vma->vm_end, end))
		return false;
	return !IS_ERR_VALUE(vml_get_unmapped_area(mm, vma->vm_start,
						   end - vma->vm_start, MAP_FIXED));
}

/* Grow [addr, addr+old_len) to new_len: in place, or moved. */
static unsigned long mremap_grow(struct vml_mm *mm, unsigned long addr,
				 unsigned long old_len, unsigned long new_len,
				 unsigned long flags)
{
	struct vml_vma *vma = vma_to_resize(mm, addr, old_len, new_len);
	unsigned long pages = (new_len - old_len) >> PAGE_SHIFT, new_addr;

	if (IS_ERR(vma))
		return PTR_ERR(vma);
	if (old_len == vma->vm_end - addr && vma_expandable(mm, vma, new_len - old_len)) {
		unsigned long ext = addr + old_len;
		unsigned long vm_flags = vma->vm_flags;

		if (!vml_vma_merge(mm, vma, ext, addr + new_len, vm_flags, vma->vm_file,
				   vma->vm_pgoff + ((ext - vma->vm_start) >> PAGE_SHIFT),
				   vma->anon_vma, vma->vm_private_data))
			return -ENOMEM;
		vml_vm_stat_account(mm, vm_flags, pages);
		if (vm_flags & VML_VM_LOCKED)
			mm->locked_vm += pages;
		return addr;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	new_addr = vml_get_unmapped_area(mm, 0, new_len, 0);
	if (IS_ERR_VALUE(new_addr))
		return new_addr;
	return move_vma(mm, vma, addr, old_len, new_len, new_addr, flags);
}

static unsigned long do_mremap(struct vml_mm *mm, unsigned long addr,
			       unsigned long old_len, unsigned long new_len,
			       unsigned long flags, unsigned long new_addr)
{
	unsigned long ret;

	if (!vml_vma_lookup(mm, addr))
		return -EFAULT;
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))
		return mremap_to(mm, addr, old_len, new_addr, new_len, flags);
	if (old_len >= new_len) {
		/* Always allow a shrinking remap: that just unmaps the tail. */
		ret = vml_do_munmap(mm, addr + new_len, old_len - new_len);
		return ret && old_len != new_len ? ret : addr;
	}
	return mremap_grow(mm, addr, old_len, new_len, flags);
}

static unsigned long mremap_call(struct vml_mm *mm, unsigned long addr,
				 unsigned long old_len, unsigned long new_len,
				 unsigned long flags, unsigned long new_addr)
{
	struct vml_vma *vma;
	unsigned long ret;
	bool locked;

	if (mm->kernel)
		return -EPERM;
	if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	/* Always a move, never a resize: compared before rounding, as 6.1. */
	if ((flags & MREMAP_DONTUNMAP) &&
	    (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
		return -EINVAL;
	if (offset_in_page(addr))
		return -EINVAL;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!new_len)
		return -EINVAL;
	down_write(&mm->mmap_lock);
	ret = do_mremap(mm, addr, old_len, new_len, flags, new_addr);
	downgrade_write(&mm->mmap_lock);
	vma = IS_ERR_VALUE(ret) ? NULL : vml_vma_lookup(mm, ret);
	locked = vma && (vma->vm_flags & VML_VM_LOCKED);
	if (locked && new_len > old_len)
		vml_mm_populate(mm, ret + old_len, new_len - old_len, true);
	up_read(&mm->mmap_lock);
	return ret;
}

unsigned long vml_mremap(struct vml_mm *mm, unsigned long addr,
			 unsigned long old_len, unsigned long new_len,
			 unsigned long flags, unsigned long new_addr)
{
	unsigned long ret = mremap_call(mm, addr, old_len, new_len, flags, new_addr);

	trace_vmlab_mremap(mm->id, addr, old_len, new_len, flags, ret);
	return ret;
}
