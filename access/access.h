/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: The access layer
 *
 * access.h - the access layer: the machine's side of a sandbox's memory
 * accesses. The access commands (read, write, fill, verify, touch) make
 * their loads and stores with the real MMU through the CR3 window
 * (mmu/ vml_window_run_fixup()), and a fault they take is handled here
 * as arch/x86/mm/fault.c handles a user fault: find the VMA, grow a
 * stack, check the access against the VMA (access_error()), call the
 * fault layer's vml_handle_mm_fault() and account the fault.
 *
 * CONTRACT (implemented in the files of access/).
 *
 * Layering: access/ sits above fault/ (as arch/x86/mm/fault.c sits above
 * mm/memory.c) and calls it by name; nothing below calls access/. Each
 * fault looks its VMA up once, here, and hands that VMA down.
 *
 * Locking: each command runs in a vmlab kthread holding the mm's
 * mmap_lock for reading for its whole length (it is retaken for writing
 * only to grow a stack); the window itself runs with interrupts off and
 * never sleeps. Commands on one mm may run in parallel.
 *
 * Interruption: a command checks fatal_signal_pending() between pieces
 * of at most 64 KiB (or one strided window pass) and waits killably for
 * its kthread; a killed command returns -EINTR with @done bytes done.
 */
#ifndef VMLAB_ACCESS_H
#define VMLAB_ACCESS_H

#include <linux/types.h>
#include "fault/fault.h"

struct dentry;

/* What a SIGSEGV/SIGBUS-like failure of an access was (si_code). */
enum vml_segv_code {
	VML_SEGV_NONE,
	VML_SEGV_MAPERR,	/* no VMA, or nothing mapped in the kernel mm */
	VML_SEGV_ACCERR,	/* a VMA, but it does not allow the access */
	VML_SIGBUS,		/* the fault handler said SIGBUS */
};

/**
 * struct vml_access_result - how a command's accesses went.
 * @minflt: minor faults this command took.
 * @majflt: major faults.
 * @fault_addr: the address of the access that failed.
 * @code: why it failed, VML_SEGV_NONE if it did not.
 * @mismatches: bytes that differed (vml_access_verify()).
 * @done: bytes completed.
 */
struct vml_access_result {
	unsigned long minflt, majflt;
	unsigned long fault_addr;
	enum vml_segv_code code;
	unsigned long mismatches;
	unsigned long done;
};

/**
 * vml_access_rw() - read or write sandbox memory through the CR3 window,
 * the real MMU translating; faults are resolved and the access retried.
 * @mm: the mm.
 * @addr: sandbox address.
 * @buf: kernel buffer.
 * @len: bytes.
 * @write: direction.
 * @res: filled in.
 * Context: process context; runs the window in a vmlab kthread.
 * Return: 0, -EFAULT (see @res->code), -ENOMEM (the handler ran out),
 *         -EINTR (a fatal signal; @res->done says how far it got).
 */
int vml_access_rw(struct vml_mm *mm, unsigned long addr, void *buf,
		  unsigned long len, bool write, struct vml_access_result *res);

/**
 * vml_access_fill() - write the pattern vml_pattern_byte(@seed, a) at
 * every address a of the range.
 * @mm: the mm.
 * @addr: start.
 * @len: bytes.
 * @seed: the pattern's seed.
 * @res: filled in.
 * Return: as vml_access_rw().
 */
int vml_access_fill(struct vml_mm *mm, unsigned long addr, unsigned long len,
		    u64 seed, struct vml_access_result *res);

/**
 * vml_access_verify() - compare the range with the pattern; the count of
 * differing bytes goes to @res->mismatches.
 * @mm: the mm.
 * @addr: start.
 * @len: bytes.
 * @seed: the pattern's seed.
 * @res: filled in.
 * Return: as vml_access_rw().
 */
int vml_access_verify(struct vml_mm *mm, unsigned long addr, unsigned long len,
		      u64 seed, struct vml_access_result *res);

/**
 * vml_access_touch() - touch one byte every @stride bytes: a load, or a
 * store of zero (a first-touch memset).
 * @mm: the mm.
 * @addr: start.
 * @len: bytes.
 * @write: store rather than load.
 * @stride: distance between touches (> 0).
 * @res: filled in.
 * Return: as vml_access_rw().
 */
int vml_access_touch(struct vml_mm *mm, unsigned long addr, unsigned long len,
		     bool write, unsigned long stride, struct vml_access_result *res);

/**
 * vml_pattern_byte() - the fill/verify pattern: byte @addr & 7 of
 * splitmix64(@seed ^ (@addr & ~7)), documented in Documentation/access.rst
 * and reproduced by tools/difftest.
 * @seed: the seed.
 * @addr: the address.
 * Return: the byte.
 */
u8 vml_pattern_byte(u64 seed, unsigned long addr);

/**
 * vml_access_fault() - resolve a fault at @addr outside the window
 * (do_user_addr_fault()): look the VMA up once, grow a stack, check the
 * access (access_error()), call vml_handle_mm_fault() with that VMA and
 * count the fault in the mm's min_flt/maj_flt. The kernel mm has no
 * fault handler: its faults are classified from the PTE.
 * @mm: the mm.
 * @addr: the faulting address.
 * @flags: VML_FAULT_FLAG_*.
 * @code: out: the classification when the fault cannot be resolved.
 * Context: @mm's mmap_lock held for reading (dropped and retaken to grow
 *	a stack); may sleep.
 * Return: 0 (minor) or VML_FAULT_MAJOR when the access may be retried;
 *         -EFAULT with *@code set; -ENOMEM.
 */
int vml_access_fault(struct vml_mm *mm, unsigned long addr, unsigned int flags,
		     enum vml_segv_code *code);

/**
 * vml_access_fault_atomic() - the same inside the CR3 window: look the
 * VMA up once, check the access, and try vml_handle_fault_atomic().
 * Stack growth, a bad access and everything that would sleep are left to
 * vml_access_fault() after the window.
 * @mm: the mm.
 * @addr: the faulting address.
 * @flags: VML_FAULT_FLAG_*.
 * @deferred: out, as for vml_handle_fault_atomic().
 * Context: inside a CR3 window on @mm; its mmap_lock held for reading.
 * Return: as vml_handle_fault_atomic().
 */
enum vml_fixup vml_access_fault_atomic(struct vml_mm *mm, unsigned long addr,
				       unsigned int flags,
				       struct vml_page **deferred);

/**
 * vml_access_debugfs_init() - the read, write, fill, verify and touch
 * commands of ctl.
 * @root: vmlab's debugfs directory.
 * Return: 0.
 */
int vml_access_debugfs_init(struct dentry *root);

/** vml_access_debugfs_exit() - undo vml_access_debugfs_init(). */
void vml_access_debugfs_exit(void);

#endif /* VMLAB_ACCESS_H */
