// SPDX-License-Identifier: GPL-2.0
/*
 * madvise.c - madvise(2) (mm/madvise.c: do_madvise(), madvise_walk_vmas()).
 *
 *  MADV_NORMAL    nothing to do (no readahead policy yet).
 *  MADV_DONTNEED  zap the pages: anonymous memory reads back as zeroes.
 *  MADV_WILLNEED  accepted; readahead and swap-in come with the page
 *                 cache and swap layers.
 *  MADV_COLD      clear the Accessed bits and deactivate the pages.
 *  MADV_PAGEOUT   as MADV_COLD, then the pageout hook: the swap layer
 *                 swaps the anonymous pages out (madvise_pageout()).
 * VM_LOCKED VMAs refuse DONTNEED, COLD and PAGEOUT with -EINVAL
 * (can_madv_lru_vma()). Unmapped parts of the range give -ENOMEM after
 * the mapped parts were advised.
 */
#include "vma/vma-internal.h"

static bool advice_valid(int advice)
{
	switch (advice) {
	case MADV_NORMAL:
	case MADV_DONTNEED:
	case MADV_WILLNEED:
	case MADV_COLD:
	case MADV_PAGEOUT:
		return true;
	}
	return false;
}

/* madvise_vma_behavior() for [start, end) inside @vma. */
static int advise_vma(struct vml_vma *vma, unsigned long start,
		      unsigned long end, int advice)
{
	switch (advice) {
	case MADV_DONTNEED:
		if (vma->vm_flags & VML_VM_LOCKED)
			return -EINVAL;
		vml_zap_range(vma, start, end);
		return 0;
	case MADV_COLD:
	case MADV_PAGEOUT:
		if (vma->vm_flags & VML_VM_LOCKED)
			return -EINVAL;
		vml_age_range(vma, start, end);
		if (advice == MADV_PAGEOUT && vml_hooks()->pageout)
			vml_hooks()->pageout(vma, start, end);
		return 0;
	}
	return 0;
}

/* madvise_walk_vmas(): visit each VMA piece; remember holes. */
static int walk_vmas(struct vml_mm *mm, unsigned long start, unsigned long end,
		     int advice)
{
	struct vml_vma *vma = vml_find_vma(mm, start);
	int unmapped = 0, ret;
	unsigned long tmp;

	for (;;) {
		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start) {
			unmapped = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				break;
		}
		tmp = min(vma->vm_end, end);
		ret = advise_vma(vma, start, tmp, advice);
		if (ret)
			return ret;
		start = tmp;
		if (start >= end)
			break;
		vma = vml_vma_next(vma);
	}
	return unmapped;
}

int vml_madvise(struct vml_mm *mm, unsigned long start, unsigned long len,
		int advice)
{
	unsigned long end;
	int ret;

	if (mm->kernel)
		return -EPERM;
	if (!advice_valid(advice))
		return -EINVAL;
	if (offset_in_page(start))
		return -EINVAL;
	end = start + PAGE_ALIGN(len);
	if (len && !PAGE_ALIGN(len))
		return -EINVAL;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	/* DONTNEED takes the read lock in Linux too: only PTEs change. */
	down_read(&mm->mmap_lock);
	ret = walk_vmas(mm, start, end, advice);
	up_read(&mm->mmap_lock);
	return ret;
}
