// SPDX-License-Identifier: GPL-2.0
/*
 * mprotect.c - mprotect(2) (mm/mprotect.c: do_mprotect_pkey(),
 * mprotect_fixup(); Gorman 4.5.3).
 *
 * The range is walked VMA by VMA; each piece gets its new flags (merged
 * into a neighbour or split off), its present PTEs are rewritten and the
 * TLB flushed. A hole stops the walk with -ENOMEM after the VMAs before
 * it were changed, exactly as Linux leaves them. PROT_GROWSDOWN extends
 * the range down to the start of its (VM_GROWSDOWN) VMA; x86 has no
 * VM_GROWSUP, so PROT_GROWSUP is always refused.
 */
#include <linux/err.h>
#include "vma/vma-internal.h"
#include "vma/vma_trace.h"

/* mprotect_fixup(): one VMA's part of the range. */
static int protect_range(struct vml_mm *mm, struct vml_vma *vma,
			 unsigned long start, unsigned long end,
			 unsigned long newflags, struct vml_vma **out)
{
	unsigned long oldflags = vma->vm_flags;
	long npages = (end - start) >> PAGE_SHIFT;

	*out = vma;
	if (newflags == oldflags)
		return 0;
	/* Becoming private writable: charge it (VM_ACCOUNT), as Linux. */
	if ((newflags & VML_VM_WRITE) &&
	    !(oldflags & (VML_VM_ACCOUNT | VML_VM_WRITE | VML_VM_SHARED |
			  VML_VM_NORESERVE)))
		newflags |= VML_VM_ACCOUNT;
	vma = vml_vma_modify(mm, vma, start, end, newflags);
	if (IS_ERR(vma))
		return PTR_ERR(vma);
	*out = vma;
	vml_vm_stat_account(mm, oldflags, -npages);
	vml_vm_stat_account(mm, newflags, npages);
	vml_change_protection(vma, start, end);
	/* A locked private range made writable breaks COW up front. */
	if ((oldflags & (VML_VM_WRITE | VML_VM_SHARED | VML_VM_LOCKED)) == VML_VM_LOCKED &&
	    (newflags & VML_VM_WRITE))
		vml_mm_populate(mm, start, end - start, true);
	return 0;
}

/* do_mprotect_pkey() once the arguments are checked; lock held. */
static int do_mprotect(struct vml_mm *mm, unsigned long start,
		       unsigned long end, unsigned long prot, unsigned long grows)
{
	struct vml_vma *vma = vml_find_vma(mm, start), *done;
	unsigned long nstart, tmp, newflags;
	int ret;

	if (!vma)
		return -ENOMEM;
	if (grows & PROT_GROWSDOWN) {
		if (vma->vm_start >= end)
			return -ENOMEM;
		start = vma->vm_start;
		if (!(vma->vm_flags & VML_VM_GROWSDOWN))
			return -EINVAL;
	} else if (vma->vm_start > start) {
		return -ENOMEM;
	} else if (grows) {
		return -EINVAL;		/* PROT_GROWSUP: no VM_GROWSUP on x86 */
	}
	nstart = start;
	for (;;) {
		newflags = vml_calc_vm_prot_bits(prot) |
			   (vma->vm_flags & ~VML_VM_ACCESS_FLAGS);
		/* newflags >> 4 puts VM_MAY* in place of VM_*. */
		if ((newflags & ~(newflags >> 4)) & VML_VM_ACCESS_FLAGS)
			return -EACCES;
		tmp = min(vma->vm_end, end);
		ret = protect_range(mm, vma, nstart, tmp, newflags, &done);
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

static int mprotect_call(struct vml_mm *mm, unsigned long start, unsigned long len,
			 unsigned long prot)
{
	unsigned long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP), end;
	int ret;

	if (mm->kernel)
		return -EPERM;
	prot &= ~grows;
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (offset_in_page(start))
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;
	down_write(&mm->mmap_lock);
	ret = do_mprotect(mm, start, end, prot, grows);
	up_write(&mm->mmap_lock);
	return ret;
}

int vml_mprotect(struct vml_mm *mm, unsigned long start, unsigned long len,
		 unsigned long prot)
{
	int ret = mprotect_call(mm, start, len, prot);

	trace_vmlab_mprotect(mm->id, start, len, prot, ret);
	return ret;
}
