// SPDX-License-Identifier: GPL-2.0
/*
 * mlock.c - mlock(2)/munlock(2) (mm/mlock.c: do_mlock(),
 * apply_vma_lock_flags(), mlock_fixup(); Gorman 4.6.3).
 *
 * Locking sets VM_LOCKED on the VMAs of the range (merging or splitting
 * them), counts locked_vm, marks the present pages PG_mlocked, and then
 * populates the range under the read lock. The addresses need not be
 * aligned: the range is widened to whole pages, as Linux does.
 */
#include <linux/err.h>
#include "vma/vma-internal.h"

/* mlock_fixup(): one VMA's part of the range. */
static int mlock_fixup(struct vml_mm *mm, struct vml_vma *vma,
		       unsigned long start, unsigned long end,
		       unsigned long newflags, struct vml_vma **out)
{
	unsigned long oldflags = vma->vm_flags;
	long npages = (end - start) >> PAGE_SHIFT;

	*out = vma;
	if (newflags == oldflags)
		return 0;
	vma = vml_vma_modify(mm, vma, start, end, newflags);
	if (IS_ERR(vma))
		return PTR_ERR(vma);
	*out = vma;
	if (newflags & VML_VM_LOCKED)
		mm->locked_vm += npages;
	else
		mm->locked_vm -= npages;
	vml_mlock_pages(vma, start, end, newflags & VML_VM_LOCKED);
	return 0;
}

/* apply_vma_lock_flags(): set or clear VM_LOCKED over [start, end). */
static int apply_lock_flags(struct vml_mm *mm, unsigned long start,
			    unsigned long end, unsigned long flags)
{
	struct vml_vma *vma, *done;
	unsigned long nstart = start, tmp, newflags;
	int ret;

	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	vma = vml_vma_lookup(mm, start);
	if (!vma)
		return -ENOMEM;
	for (;;) {
		newflags = (vma->vm_flags & ~VML_VM_LOCKED) | flags;
		tmp = min(vma->vm_end, end);
		ret = mlock_fixup(mm, vma, nstart, tmp, newflags, &done);
		if (ret)
			return ret;
		nstart = max(tmp, done->vm_end);
		if (nstart >= end)
			return 0;
		vma = vml_find_vma(mm, done->vm_end);
		if (!vma || vma->vm_start != nstart)
			return -ENOMEM;
	}
}

/* Locked pages of [start, end) already counted (count_mm_mlocked_page_nr()). */
static unsigned long locked_pages(struct vml_mm *mm, unsigned long start,
				  unsigned long end)
{
	struct vml_vma *vma = vml_find_vma_intersection(mm, start, end);
	unsigned long nr = 0;

	for (; vma && vma->vm_start < end; vma = vml_vma_next(vma))
		if (vma->vm_flags & VML_VM_LOCKED)
			nr += (min(end, vma->vm_end) - max(start, vma->vm_start)) >> PAGE_SHIFT;
	return nr;
}

/* Fault the locked range in; __mlock_posix_error_return() on failure. */
static int populate_locked(struct vml_mm *mm, unsigned long start,
			   unsigned long len)
{
	int ret = vml_mm_populate(mm, start, len, false);

	if (ret == -EFAULT)
		return -ENOMEM;
	if (ret == -ENOMEM)
		return -EAGAIN;
	return ret;
}

int vml_mlock(struct vml_mm *mm, unsigned long start, unsigned long len)
{
	unsigned long locked, limit = mm->limits.memlock >> PAGE_SHIFT;
	int ret;

	if (mm->kernel)
		return -EPERM;
	len = PAGE_ALIGN(len + offset_in_page(start));
	start &= PAGE_MASK;
	down_write(&mm->mmap_lock);
	locked = (len >> PAGE_SHIFT) + mm->locked_vm;
	if (mm->limits.memlock != ULONG_MAX && locked > limit)
		locked -= locked_pages(mm, start, start + len);
	if (mm->limits.memlock == ULONG_MAX || locked <= limit)
		ret = apply_lock_flags(mm, start, start + len, VML_VM_LOCKED);
	else
		ret = -ENOMEM;
	downgrade_write(&mm->mmap_lock);
	if (!ret)
		ret = populate_locked(mm, start, len);
	up_read(&mm->mmap_lock);
	return ret;
}

int vml_munlock(struct vml_mm *mm, unsigned long start, unsigned long len)
{
	int ret;

	if (mm->kernel)
		return -EPERM;
	len = PAGE_ALIGN(len + offset_in_page(start));
	start &= PAGE_MASK;
	down_write(&mm->mmap_lock);
	ret = apply_lock_flags(mm, start, start + len, 0);
	up_write(&mm->mmap_lock);
	return ret;
}
