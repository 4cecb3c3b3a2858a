// SPDX-License-Identifier: GPL-2.0
/*
 * fault.c - what happens when an access in the CR3 window faults: the
 * VMA half of arch/x86/mm/fault.c's do_user_addr_fault(). Find the VMA
 * once, grow a stack (expand_stack()), check the access against the
 * VMA's flags (access_error()), then call the fault layer's
 * handle_mm_fault() with that VMA and account the fault
 * (mm_account_fault()). The fault layer checks none of this again.
 *
 * The window's exception fixup gives neither CR2 nor an error code, so
 * the classification comes from vmlab's own VMAs and PTEs and from the
 * access the caller was making.
 */
#include "access/access.h"
#include "fault/fault_trace.h"

/*
 * An access below a stack VMA: retake the lock for writing, look the VMA
 * up again (the tree may have changed while no lock was held), grow the
 * stack, and go back to reading. Linux 6.1 grows under the read lock with
 * the anon_vma lock; vmlab's tree has no such side lock, so a fault that
 * grows a stack is the one that looks its VMA up twice.
 * Return: the VMA now covering @addr, or NULL.
 */
static struct vml_vma *grow_stack(struct vml_mm *mm, unsigned long addr)
{
	struct vml_vma *vma;

	up_read(&mm->mmap_lock);
	down_write(&mm->mmap_lock);
	vma = vml_find_vma(mm, addr);
	if (vma && vma->vm_start > addr &&
	    (!(vma->vm_flags & VML_VM_GROWSDOWN) || vml_expand_stack(vma, addr)))
		vma = NULL;
	downgrade_write(&mm->mmap_lock);
	return vma;
}

/* access_error(): does the VMA forbid this access? */
static bool access_error(struct vml_vma *vma, bool write)
{
	if (write)
		return !(vma->vm_flags & VML_VM_WRITE);
	return !(vma->vm_flags & VML_VM_ACCESS_FLAGS);
}

/* The kernel mm has no fault handler: what its PTE says about the access. */
static enum vml_segv_code classify_pte(struct vml_mm *mm, unsigned long addr,
				       bool write)
{
	pte_t *ptep = vml_pte_lookup(&mm->pgt, addr);
	pte_t pte = ptep ? READ_ONCE(*ptep) : __pte(0);

	if (vml_pte_state(pte) != VML_PTE_PRESENT)
		return VML_SEGV_MAPERR;
	if (write && !pte_write(pte))
		return VML_SEGV_ACCERR;
	return VML_SEGV_NONE;		/* spurious: retry */
}

/* vmlab_fault's result for a fault in the kernel mm (no handler). */
static int kernel_result(enum vml_segv_code code)
{
	if (code == VML_SEGV_MAPERR)
		return VML_FAULT_RES_SEGV_MAPERR;
	if (code == VML_SEGV_ACCERR)
		return VML_FAULT_RES_SEGV_ACCERR;
	return VML_FAULT_RES_SPURIOUS;
}

/* The handler's verdict as a return value and a classification. */
static int handler_result(int ret, enum vml_segv_code *code)
{
	if (ret & VML_FAULT_OOM)
		return -ENOMEM;
	if (ret & VML_FAULT_SIGBUS)
		*code = VML_SIGBUS;
	else if (ret & VML_FAULT_SIGSEGV)
		*code = VML_SEGV_MAPERR;
	return *code == VML_SEGV_NONE ? (ret & VML_FAULT_MAJOR) : -EFAULT;
}

/* The VMA for a fault at @addr, grown down to it if it is a stack. */
static struct vml_vma *fault_vma(struct vml_mm *mm, unsigned long addr)
{
	struct vml_vma *vma = vml_find_vma(mm, addr);

	if (vma && vma->vm_start > addr)
		vma = vma->vm_flags & VML_VM_GROWSDOWN ? grow_stack(mm, addr) : NULL;
	return vma;
}

int vml_access_fault(struct vml_mm *mm, unsigned long addr, unsigned int flags,
		     enum vml_segv_code *code)
{
	bool write = flags & VML_FAULT_FLAG_WRITE;
	struct vml_vma *vma = fault_vma(mm, addr);
	int ret;

	*code = VML_SEGV_NONE;
	if (!vma && !mm->kernel) {
		*code = VML_SEGV_MAPERR;
		trace_vmlab_fault(mm->id, addr, flags, VML_FAULT_RES_SEGV_MAPERR, false, false);
		return -EFAULT;
	}
	if (vma && access_error(vma, write)) {
		*code = VML_SEGV_ACCERR;
		trace_vmlab_fault(mm->id, addr, flags, VML_FAULT_RES_SEGV_ACCERR, false, false);
		return -EFAULT;
	}
	if (mm->kernel) {
		*code = classify_pte(mm, addr, write);
		ret = *code == VML_SEGV_NONE ? 0 : -EFAULT;
		trace_vmlab_fault(mm->id, addr, flags, kernel_result(*code), false, false);
	} else {
		ret = handler_result(vml_handle_mm_fault(vma, addr, flags), code);
	}
	if (ret >= 0)
		atomic_long_inc(ret & VML_FAULT_MAJOR ? &mm->maj_flt : &mm->min_flt);
	return ret;
}

enum vml_fixup vml_access_fault_atomic(struct vml_mm *mm, unsigned long addr,
				       unsigned int flags,
				       struct vml_page **deferred)
{
	struct vml_vma *vma;

	/* The kernel mm has no fault handler (vml_access_fault()). */
	if (mm->kernel)
		return VML_FIXUP_NONE;
	vma = vml_vma_lookup(mm, addr);
	/* SEGV and stack growth: the full path, after the window. */
	if (!vma || access_error(vma, flags & VML_FAULT_FLAG_WRITE))
		return VML_FIXUP_NONE;
	return vml_handle_fault_atomic(vma, addr, flags, deferred);
}
