// SPDX-License-Identifier: GPL-2.0
/*
 * gup.c - populating a range through the fault handler (mm/gup.c's
 * __mm_populate(), populate_vma_page_range() and faultin_page()), for
 * MAP_POPULATE, MAP_LOCKED, mlock and the locked cases of mprotect and
 * mremap.
 *
 * vma/ decides when a range is populated, under the mmap_lock its
 * operation holds (mprotect of a locked range populates under the write
 * lock, as 6.1's mprotect_fixup() does), so it reaches this file through
 * its populate hook rather than leaving the call to its callers: a caller
 * would have to re-derive, after the lock is gone, which VMAs the
 * operation locked or made writable. Every page goes through
 * vml_handle_mm_fault(), the one fault handler, so a populated page is
 * exactly the page an access would have faulted in.
 */
#include <linux/sched.h>
#include "fault/fault-internal.h"

/* faultin_page(): make @addr present (and writable for @write). */
static int faultin_page(struct vml_vma *vma, unsigned long addr, bool write)
{
	unsigned int flags = VML_FAULT_FLAG_REMOTE | (write ? VML_FAULT_FLAG_WRITE : 0);
	struct vml_mm *mm = vma->vm_mm;
	pte_t *ptep = vml_pte_lookup(&mm->pgt, addr);
	int ret;

	if (ptep && vml_pte_state(*ptep) == VML_PTE_PRESENT && (!write || pte_write(*ptep)))
		return 0;
	ret = vml_handle_mm_fault(vma, addr, flags);
	if (ret & VML_FAULT_OOM)
		return -ENOMEM;
	if (ret & VML_FAULT_ERROR)
		return -EFAULT;
	atomic_long_inc(ret & VML_FAULT_MAJOR ? &mm->maj_flt : &mm->min_flt);
	return 0;
}

/*
 * populate_vma_page_range(): PROT_NONE cannot be populated (-EFAULT); a
 * private writable mapping is populated for writing, breaking COW up
 * front as FOLL_WRITE does.
 */
static int populate_vma_range(struct vml_vma *vma, unsigned long start,
			      unsigned long end)
{
	bool write = (vma->vm_flags & (VML_VM_WRITE | VML_VM_SHARED)) == VML_VM_WRITE;
	unsigned long addr;
	int ret;

	if (!(vma->vm_flags & VML_VM_ACCESS_FLAGS))
		return -EFAULT;
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		ret = faultin_page(vma, addr, write);
		if (ret)
			return ret;
		cond_resched();
	}
	return 0;
}

/* __mm_populate(), the caller holding mmap_lock (vma/'s populate hook). */
int vml_populate(struct vml_mm *mm, unsigned long start, unsigned long len,
		 bool ignore_errors)
{
	unsigned long end = start + len, nstart, nend;
	struct vml_vma *vma;
	int ret = 0;

	for (nstart = start; nstart < end; nstart = nend) {
		vma = vml_find_vma_intersection(mm, nstart, end);
		if (!vma)
			break;
		nend = min(end, vma->vm_end);
		nstart = max(nstart, vma->vm_start);
		ret = populate_vma_range(vma, nstart, nend);
		if (ret && !ignore_errors)
			break;
		ret = 0;
	}
	return ret;
}
