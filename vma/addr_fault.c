// SPDX-License-Identifier: GPL-2.0
/*
 * addr_fault.c - what vma/ does when an access in the CR3 window faults: the
 * VMA half of arch/x86/mm/fault.c's do_user_addr_fault(): find the VMA,
 * grow a stack (expand_downwards()), check the access against the VMA's
 * flags (access_error()), then hand the fault to the fault layer's hook
 * (handle_mm_fault()) and account it (mm_account_fault()).
 *
 * The window's exception fixup gives neither CR2 nor an error code, so
 * the classification comes from vmlab's own VMAs and PTEs and from the
 * access the caller was making.
 */
#include "vma/vma-internal.h"

/*
 * vml_expand_stack() - grow a GROWSDOWN @vma down to @addr
 * (expand_downwards() + acct_stack_growth()). Caller holds mmap_lock for
 * writing.
 * Return: 0, -EPERM below mmap_min_addr, -ENOMEM (guard gap, limits).
 */
int vml_expand_stack(struct vml_vma *vma, unsigned long addr)
{
	struct vml_mm *mm = vma->vm_mm;
	struct vml_vma *prev = vml_vma_prev(vma);
	unsigned long grow;

	addr &= PAGE_MASK;
	if (addr < VML_MMAP_MIN_ADDR)
		return -EPERM;
	if (prev && !(prev->vm_flags & VML_VM_GROWSDOWN) &&
	    (prev->vm_flags & VML_VM_ACCESS_FLAGS) &&
	    addr - prev->vm_end < VML_STACK_GUARD_GAP)
		return -ENOMEM;
	if (addr >= vma->vm_start)
		return 0;
	grow = (vma->vm_start - addr) >> PAGE_SHIFT;
	if (vma->vm_end - addr > mm->limits.stack ||
	    !vml_may_expand_vm(mm, vma->vm_flags, grow) ||
	    !vml_mlock_ok(mm, vma->vm_flags, grow << PAGE_SHIFT))
		return -ENOMEM;
	vml_vma_set_range(vma, addr, vma->vm_end, vma->vm_pgoff - grow);
	vml_vm_stat_account(mm, vma->vm_flags, grow);
	if (vma->vm_flags & VML_VM_LOCKED)
		mm->locked_vm += grow;
	return 0;
}

/*
 * An access below a stack VMA: retake the lock for writing, grow the
 * stack, and go back to reading (Linux 6.1 grows under the read lock with
 * the anon_vma lock; vmlab's tree has no such side lock).
 */
static int grow_stack(struct vml_mm *mm, unsigned long addr)
{
	struct vml_vma *vma;
	int ret = -ENOMEM;

	up_read(&mm->mmap_lock);
	down_write(&mm->mmap_lock);
	vma = vml_find_vma(mm, addr);
	if (vma && vma->vm_start <= addr)
		ret = 0;
	else if (vma && (vma->vm_flags & VML_VM_GROWSDOWN))
		ret = vml_expand_stack(vma, addr);
	downgrade_write(&mm->mmap_lock);
	return ret;
}

/* access_error(): does the VMA forbid this access? */
static bool access_error(struct vml_vma *vma, bool write)
{
	if (write)
		return !(vma->vm_flags & VML_VM_WRITE);
	return !(vma->vm_flags & VML_VM_ACCESS_FLAGS);
}

/* Without a fault handler: what the PTE says about an allowed access. */
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

static int call_hook(struct vml_mm *mm, unsigned long addr, unsigned int flags,
		     enum vml_segv_code *code)
{
	vml_fault_fn fault;
	int ret;

	fault = vml_hooks()->handle_fault;
	if (!fault) {
		*code = classify_pte(mm, addr, flags & VML_FAULT_FLAG_WRITE);
		return *code == VML_SEGV_NONE ? 0 : -EFAULT;
	}
	ret = fault(mm, addr, flags);
	if (ret & VML_FAULT_OOM)
		return -ENOMEM;
	if (ret & VML_FAULT_SIGBUS)
		*code = VML_SIGBUS;
	else if (ret & VML_FAULT_SIGSEGV)
		*code = VML_SEGV_MAPERR;
	return *code == VML_SEGV_NONE ? (ret & VML_FAULT_MAJOR) : -EFAULT;
}

/*
 * vml_fault() - resolve a fault at @addr, the mm's mmap_lock held for
 * reading (it may be dropped and retaken to grow a stack).
 * Return: 0 (minor) or VML_FAULT_MAJOR when the access may be retried;
 * -EFAULT with *@code set; -ENOMEM.
 */
int vml_fault(struct vml_mm *mm, unsigned long addr, unsigned int flags,
	      enum vml_segv_code *code)
{
	bool write = flags & VML_FAULT_FLAG_WRITE;
	struct vml_vma *vma = vml_find_vma(mm, addr);
	int ret;

	*code = VML_SEGV_NONE;
	if (vma && vma->vm_start > addr) {
		if (!(vma->vm_flags & VML_VM_GROWSDOWN) || grow_stack(mm, addr))
			vma = NULL;
		else
			vma = vml_find_vma(mm, addr);
	}
	if (!vma && !mm->kernel) {
		*code = VML_SEGV_MAPERR;
		return -EFAULT;
	}
	if (vma && access_error(vma, write)) {
		*code = VML_SEGV_ACCERR;
		return -EFAULT;
	}
	if (mm->kernel) {
		*code = classify_pte(mm, addr, write);
		ret = *code == VML_SEGV_NONE ? 0 : -EFAULT;
	} else {
		ret = call_hook(mm, addr, flags, code);
	}
	if (ret >= 0)
		atomic_long_inc(ret & VML_FAULT_MAJOR ? &mm->maj_flt : &mm->min_flt);
	return ret;
}
