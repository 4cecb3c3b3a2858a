/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Kernel API compatibility
 *
 * The one place where vmlab follows the kernel's API across versions
 * (Documentation/kernels.rst says how to add an entry).
 *
 * vmlab is written against Linux 6.1 and built and tested on 6.1 (the test
 * kernel and Debian's stock kernel) and on Debian's 6.12. Every interface
 * that differs between them is mapped here by LINUX_VERSION_CODE, each
 * entry naming the release and the upstream commit that changed it; code
 * in the layers calls the wrapper named here and never tests a version
 * itself.
 *
 * Changes met that need no entry:
 *  - 6.12 removed no_llseek (cb787f4ac0c2 "[tree-wide] finally take
 *    no_llseek out"). It has been NULL since 6.0 (868941b14441 "fs: remove
 *    no_llseek"), and a NULL .llseek refuses lseek() with -ESPIPE on both,
 *    so vmlab's file_operations leave .llseek unset.
 */
#ifndef VMLAB_COMPAT_H
#define VMLAB_COMPAT_H

#include <linux/blkdev.h>
#include <linux/dcache.h>
#include <linux/mm.h>
#include <linux/version.h>
#include <asm/cpufeature.h>
#include <asm/pgtable.h>

/*
 * 6.12: <asm/unaligned.h> moved to <linux/unaligned.h> (5f60d5f6bbc1
 * "move asm/unaligned.h to linux/unaligned.h"); get_unaligned() and
 * put_unaligned() are unchanged.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/**
 * vml_cpu_has_invpcid_single() - may INVPCID flush a single PCID context?
 *
 * 6.6 dropped the synthetic X86_FEATURE_INVPCID_SINGLE (54e3d9434ef6
 * "x86/mm: Remove "INVPCID single" feature tracking"). The flag meant
 * INVPCID with CR4.PCIDE set, and the kernel sets CR4.PCIDE exactly when
 * it keeps X86_FEATURE_PCID, so PCID and INVPCID together is the test.
 *
 * Return: true when invpcid_flush_single_context() may be used.
 */
static inline bool vml_cpu_has_invpcid_single(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return cpu_feature_enabled(X86_FEATURE_PCID) &&
	       cpu_feature_enabled(X86_FEATURE_INVPCID);
#else
	return cpu_feature_enabled(X86_FEATURE_INVPCID_SINGLE);
#endif
}

/**
 * vml_pte_mkwrite() - @pte made writable, as for a VMA of vmlab's.
 * @pte: a leaf entry.
 *
 * 6.6 gave pte_mkwrite() a VMA argument (161e393c0f63 "mm: Make
 * pte_mkwrite() take a VMA"); the VMA-less form is pte_mkwrite_novma()
 * (2f0584f3f4bd "mm: Rename arch pte_mkwrite()'s to pte_mkwrite_novma()").
 * On x86 pte_mkwrite() is out of line and not exported. For a VMA without
 * VM_SHADOW_STACK (vmlab has none) it is pte_mkwrite_novma() followed by
 * pte_clear_saveddirty(): since 6.6 pte_mkdirty() and pte_wrprotect() keep
 * a read-only PTE's Dirty bit in _PAGE_SAVED_DIRTY (bb3aadf7d446 "x86/mm:
 * Start actually marking _PAGE_SAVED_DIRTY"), and making it writable moves
 * it back to the hardware bit.
 *
 * Return: the writable entry.
 */
static inline pte_t vml_pte_mkwrite(pte_t pte)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return pte_clear_saveddirty(pte_mkwrite_novma(pte));
#else
	return pte_mkwrite(pte);
#endif
}

/**
 * vml_vm_flags_set() - set @flags in a host VMA's vm_flags.
 * @vma: a VMA of a real mm, its mmap lock held for writing.
 * @flags: the VM_* flags to set.
 *
 * 6.3 made vm_flags read-only and gave writers vm_flags_set(), which also
 * write-locks the VMA against per-VMA-lock faults (bc292ab00f6c "mm:
 * introduce vma->vm_flags wrapper functions").
 */
static inline void vml_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/*
 * vml_for_each_child_dentry() - iterate over @parent's child dentries
 * (@parent->d_lock held). 6.8 made the children an hlist, d_children
 * linked through d_sib, where they were the list d_subdirs linked through
 * d_child (da549bdd15c2 "dentry: switch the lists of children to hlist").
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define vml_for_each_child_dentry(child, parent) \
	hlist_for_each_entry(child, &(parent)->d_children, d_sib)
#else
#define vml_for_each_child_dentry(child, parent) \
	list_for_each_entry(child, &(parent)->d_subdirs, d_child)
#endif

/*
 * Claiming a block device for a swap area's bios. 6.9 turned an exclusive
 * open into an open file: bdev_file_open_by_path() and bdev_fput() replace
 * blkdev_get_by_path() and blkdev_put() (the "bdev: open block device as
 * files" series, v6.9; 6.5 had already moved the mode to blk_mode_t and
 * added holder ops). vmlab builds on 6.1 and 6.12 only; 6.5-6.8 would need
 * a third branch.
 */
struct vml_bdev {
	struct block_device *bdev;
	struct file *file;	/* 6.9 and later */
};

#ifdef CONFIG_BLOCK
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
static inline int vml_bdev_open(struct vml_bdev *b, const char *path,
				void *holder)
{
	struct file *file;

	file = bdev_file_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
				      holder, NULL);
	if (IS_ERR(file))
		return PTR_ERR(file);
	b->file = file;
	b->bdev = file_bdev(file);
	return 0;
}

static inline void vml_bdev_close(struct vml_bdev *b, void *holder)
{
	bdev_fput(b->file);
}

/* A shared read-only open beside an exclusive holder (the benchmarks). */
static inline int vml_bdev_open_read(struct vml_bdev *b, const char *path)
{
	struct file *file;

	file = bdev_file_open_by_path(path, BLK_OPEN_READ, NULL, NULL);
	if (IS_ERR(file))
		return PTR_ERR(file);
	b->file = file;
	b->bdev = file_bdev(file);
	return 0;
}

static inline void vml_bdev_close_read(struct vml_bdev *b)
{
	fput(b->file);
}
#else
static inline int vml_bdev_open(struct vml_bdev *b, const char *path,
				void *holder)
{
	struct block_device *bdev;

	bdev = blkdev_get_by_path(path, FMODE_READ | FMODE_WRITE | FMODE_EXCL,
				  holder);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	b->file = NULL;
	b->bdev = bdev;
	return 0;
}

static inline void vml_bdev_close(struct vml_bdev *b, void *holder)
{
	blkdev_put(b->bdev, FMODE_READ | FMODE_WRITE | FMODE_EXCL);
}

static inline int vml_bdev_open_read(struct vml_bdev *b, const char *path)
{
	struct block_device *bdev = blkdev_get_by_path(path, FMODE_READ, NULL);

	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	b->file = NULL;
	b->bdev = bdev;
	return 0;
}

static inline void vml_bdev_close_read(struct vml_bdev *b)
{
	blkdev_put(b->bdev, FMODE_READ);
}
#endif
#endif /* CONFIG_BLOCK */

/*
 * vml_assign_str() - copy a __string() field in a trace header's
 * TP_fast_assign(). 6.10 dropped __assign_str()'s source argument, which
 * __string() now records (2c92ca849fcc "tracing/treewide: Remove second
 * parameter of __assign_str()").
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define vml_assign_str(dst, src)	__assign_str(dst)
#else
#define vml_assign_str(dst, src)	__assign_str(dst, src)
#endif

#endif /* VMLAB_COMPAT_H */
