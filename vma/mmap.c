// SPDX-License-Identifier: GPL-2.0
/*
 * mmap.c - mmap(2) and brk(2) for sandbox address spaces (Gorman 4.5;
 * mm/mmap.c: do_mmap(), mmap_region(), sys_brk(), do_brk_flags()).
 *
 * The checks run in the order Linux 6.1 runs them, so that a call with
 * several things wrong fails with the same errno as on Linux.
 */
#include <linux/fs.h>
#include <linux/file.h>
#include "vma/vma-internal.h"
#include "vma/vma_trace.h"

/* Pages of [start, end) already mapped (count_vma_pages_range()). */
static unsigned long mapped_pages(struct vml_mm *mm, unsigned long start,
				  unsigned long end)
{
	struct vml_vma *vma = vml_find_vma_intersection(mm, start, end);
	unsigned long nr = 0;

	for (; vma && vma->vm_start < end; vma = vml_vma_next(vma))
		nr += (min(end, vma->vm_end) - max(start, vma->vm_start)) >> PAGE_SHIFT;
	return nr;
}

static struct vml_vma *new_vma(struct vml_mm *mm, unsigned long addr,
			       unsigned long end, unsigned long vm_flags,
			       struct file *file, unsigned long pgoff)
{
	struct vml_vma *vma = vml_vma_alloc(mm);

	if (!vma)
		return NULL;
	vma->vm_start = addr;
	vma->vm_end = end;
	vma->vm_flags = vm_flags;
	vma->vm_page_prot = vm_get_page_prot(vm_flags);
	vma->vm_pgoff = pgoff;
	vma->vm_file = file ? get_file(file) : NULL;
	if (vml_hooks()->vma_open && vml_hooks()->vma_open(vma)) {
		vml_vma_free(vma);
		return NULL;
	}
	vml_vma_link(mm, vma);
	return vma;
}

/*
 * mmap_region(): make [addr, addr+len) one mapping, replacing whatever
 * was there, merged with its neighbours when they are compatible.
 */
static unsigned long map_region(struct vml_mm *mm, struct file *file,
				unsigned long addr, unsigned long len,
				unsigned long vm_flags, unsigned long pgoff)
{
	unsigned long npages = len >> PAGE_SHIFT;
	struct vml_vma *prev;

	if (!vml_may_expand_vm(mm, vm_flags, npages) &&
	    !vml_may_expand_vm(mm, vm_flags,
			       npages - mapped_pages(mm, addr, addr + len)))
		return -ENOMEM;
	if (vml_do_munmap(mm, addr, len))
		return -ENOMEM;
	/* accountable_mapping(): private writable memory is charged. */
	if ((vm_flags & (VML_VM_NORESERVE | VML_VM_SHARED | VML_VM_WRITE)) == VML_VM_WRITE)
		vm_flags |= VML_VM_ACCOUNT;
	vml_find_vma_prev(mm, addr, &prev);
	if (!vml_vma_merge_new(mm, prev, addr, addr + len, vm_flags, file, pgoff, NULL) &&
	    !new_vma(mm, addr, addr + len, vm_flags, file, pgoff))
		return -ENOMEM;
	vml_vm_stat_account(mm, vm_flags, npages);
	if (vm_flags & VML_VM_LOCKED)
		mm->locked_vm += npages;
	return addr;
}

/* The file half of do_mmap()'s checks; updates @vm_flags. */
static int check_file(struct file *file, unsigned long flags,
		      unsigned long prot, unsigned long *vm_flags)
{
	if (!(file->f_mode & FMODE_READ))
		return -EACCES;
	if ((flags & MAP_TYPE) == MAP_SHARED) {
		if ((prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE))
			return -EACCES;
		*vm_flags |= VML_VM_SHARED | VML_VM_MAYSHARE;
		if (!(file->f_mode & FMODE_WRITE))
			*vm_flags &= ~(VML_VM_MAYWRITE | VML_VM_SHARED);
	}
	if (!S_ISREG(file_inode(file)->i_mode) || !file->f_op->mmap)
		return -ENODEV;
	if (*vm_flags & VML_VM_GROWSDOWN)
		return -EINVAL;
	return 0;
}

/* do_mmap() with mmap_lock held for writing. */
static unsigned long mmap_locked(struct vml_mm *mm, unsigned long addr,
				 unsigned long len, unsigned long prot,
				 unsigned long flags, struct file *file,
				 unsigned long pgoff)
{
	unsigned long vm_flags;
	int type = flags & MAP_TYPE;
	int err;

	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(flags & MAP_FIXED)) {
		addr &= PAGE_MASK;			/* round_hint_to_min() */
		if (addr && addr < VML_MMAP_MIN_ADDR)
			addr = PAGE_ALIGN(VML_MMAP_MIN_ADDR);
	}
	len = PAGE_ALIGN(len);
	if (!len)
		return -ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if (mm->map_count > mm->limits.max_map_count)
		return -ENOMEM;
	addr = vml_get_unmapped_area(mm, addr, len, flags);
	if (IS_ERR_VALUE(addr))
		return addr;
	if ((flags & MAP_FIXED_NOREPLACE) &&
	    vml_find_vma_intersection(mm, addr, addr + len))
		return -EEXIST;
	vm_flags = vml_calc_vm_prot_bits(prot) |
		   (flags & MAP_GROWSDOWN ? VML_VM_GROWSDOWN : 0) |
		   (flags & MAP_LOCKED ? VML_VM_LOCKED : 0) |
		   VML_VM_MAYREAD | VML_VM_MAYWRITE | VML_VM_MAYEXEC;
	if (!vml_mlock_ok(mm, vm_flags, len))
		return -EAGAIN;
	if (type != MAP_SHARED && type != MAP_PRIVATE)
		return -EINVAL;
	if (file) {
		err = check_file(file, flags, prot, &vm_flags);
		if (err)
			return err;
	} else if (type == MAP_SHARED) {
		if (vm_flags & VML_VM_GROWSDOWN)
			return -EINVAL;
		pgoff = 0;
		vm_flags |= VML_VM_SHARED | VML_VM_MAYSHARE;
	} else {
		pgoff = addr >> PAGE_SHIFT;
	}
	if (flags & MAP_NORESERVE)
		vm_flags |= VML_VM_NORESERVE;
	return map_region(mm, file, addr, len, vm_flags, pgoff);
}

static unsigned long mmap_call(struct vml_mm *mm, unsigned long addr, unsigned long len,
			       unsigned long prot, unsigned long flags, struct file *file,
		       unsigned long off)
{
	unsigned long ret;

	if (mm->kernel)
		return -EPERM;
	if (offset_in_page(off))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS) && !file)
		return -EBADF;
	if (flags & MAP_ANONYMOUS)
		file = NULL;
	if (!len)
		return -EINVAL;
	down_write(&mm->mmap_lock);
	ret = mmap_locked(mm, addr, len, prot, flags, file, off >> PAGE_SHIFT);
	/*
	 * MAP_POPULATE and MAP_LOCKED fault everything in, errors ignored,
	 * with the lock downgraded: faults run under the read lock.
	 */
	downgrade_write(&mm->mmap_lock);
	if (!IS_ERR_VALUE(ret) && (flags & (MAP_POPULATE | MAP_LOCKED)))
		vml_mm_populate(mm, ret, PAGE_ALIGN(len), true);
	up_read(&mm->mmap_lock);
	return ret;
}

unsigned long vml_mmap(struct vml_mm *mm, unsigned long addr, unsigned long len,
		       unsigned long prot, unsigned long flags, struct file *file,
		       unsigned long off)
{
	unsigned long ret = mmap_call(mm, addr, len, prot, flags, file, off);

	trace_vmlab_mmap(mm->id, addr, len, prot, flags, ret);
	return ret;
}

/* do_brk_flags(): extend the heap VMA, or make one. */
static int do_brk_flags(struct vml_mm *mm, unsigned long addr, unsigned long len)
{
	unsigned long flags = VML_VM_READ | VML_VM_WRITE | VML_VM_MAYREAD |
			      VML_VM_MAYWRITE | VML_VM_MAYEXEC | VML_VM_ACCOUNT;
	struct vml_vma *prev;

	if (!vml_may_expand_vm(mm, flags, len >> PAGE_SHIFT))
		return -ENOMEM;
	if (mm->map_count > mm->limits.max_map_count)
		return -ENOMEM;
	vml_find_vma_prev(mm, addr, &prev);
	if (!vml_vma_merge(mm, prev, addr, addr + len, flags, NULL,
			   addr >> PAGE_SHIFT, NULL, NULL) &&
	    !new_vma(mm, addr, addr + len, flags, NULL, addr >> PAGE_SHIFT))
		return -ENOMEM;
	vml_vm_stat_account(mm, flags, len >> PAGE_SHIFT);
	return 0;
}

/* sys_brk() with mmap_lock held for writing: the new brk, or the old. */
static unsigned long do_brk(struct vml_mm *mm, unsigned long brk)
{
	unsigned long newbrk, oldbrk;
	struct vml_vma *next;

	if (brk < mm->start_brk || brk - mm->start_brk > mm->limits.data)
		return mm->brk;
	newbrk = PAGE_ALIGN(brk);
	oldbrk = PAGE_ALIGN(mm->brk);
	if (oldbrk == newbrk) {
		mm->brk = brk;
		return brk;
	}
	if (brk <= mm->brk) {
		next = vml_find_vma(mm, newbrk);
		if (!next || next->vm_start >= oldbrk)
			return mm->brk;	/* not the heap's VMA */
		if (vml_do_munmap(mm, newbrk, oldbrk - newbrk))
			return mm->brk;
		mm->brk = brk;
		return brk;
	}
	if (IS_ERR_VALUE(vml_get_unmapped_area(mm, oldbrk, newbrk - oldbrk, MAP_FIXED)))
		return mm->brk;
	next = vml_find_vma(mm, oldbrk);
	if (next && newbrk + PAGE_SIZE > vml_vm_start_gap(next))
		return mm->brk;
	if (do_brk_flags(mm, oldbrk, newbrk - oldbrk))
		return mm->brk;
	mm->brk = brk;
	return brk;
}

unsigned long vml_brk(struct vml_mm *mm, unsigned long brk)
{
	unsigned long ret;

	if (mm->kernel)
		return 0;
	down_write(&mm->mmap_lock);
	ret = do_brk(mm, brk);
	up_write(&mm->mmap_lock);
	return ret;
}

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
	/* expand_downwards() makes sure of the anon_vma first: merges see it. */
	if (vml_anon_vma_prepare(vma))
		return -ENOMEM;
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
