/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Page faults, fork, rmap and the page cache
 *
 * fault.h - page faults, copy-on-write, fork, reverse mapping and the page
 * cache (Gorman 4.6, 9.4-9.5 and ch. 11's rmap remarks; mm/memory.c,
 * mm/filemap.c, mm/rmap.c, kernel/fork.c).
 *
 * CONTRACT (implemented in the files of fault/).
 *
 * The access layer above (access/, the machine's side of a fault, as
 * arch/x86/mm/fault.c) finds the VMA once, grows stacks, checks the
 * access against the VMA and counts min_flt/maj_flt; then it calls
 * vml_handle_mm_fault() with that VMA, the mm's mmap_lock held for
 * reading. Populating (MAP_POPULATE, mlock) runs the same handler from
 * gup.c, reached from vma/ through its populate hook. The fault layer
 * dispatches on the PTE as Gorman's Table 9.4 and do_fault() do:
 *
 *  - none, anonymous private: a read maps the shared zero page read-only,
 *    a write maps a zeroed frame (do_anonymous_page());
 *  - none, file or shared anonymous: the page comes from the page cache,
 *    read in from the file on a miss (a major fault); a write to a
 *    private mapping copies it at once (do_cow_fault());
 *  - a swap entry: the swap layer's hook, else SIGBUS;
 *  - present, write to a read-only PTE in a writable VMA: copy-on-write,
 *    reusing the page when this PTE is its only user (do_wp_page()).
 *
 * Every PTE is re-checked under the page-table lock before it is set, so
 * two CPUs faulting on one page end with one page.
 *
 * Page ownership (struct vml_page fields for a mapped page):
 *  - anonymous: VML_PG_anon, @private = the root of the VMA's vml_anon_vma
 *    family (its anon_vma->root), @index = the
 *    low 32 bits of the linear page offset (vm_pgoff + page in the VMA);
 *  - page cache: @private = the vml_mapping, @index = the file page
 *    offset; the cache holds one reference, each PTE one more;
 *  - the zero page: VML_PG_zero, never counted in rss or _mapcount.
 *
 * Locking: mmap_lock (read) for faults, pgt.lock around PTE changes,
 * a per-mapping mutex around page-cache fills and writeback.
 */
#ifndef VMLAB_FAULT_H
#define VMLAB_FAULT_H

#include <linux/types.h>
#include "vma/vma.h"

struct dentry;
struct seq_file;

/* Fault flags (FAULT_FLAG_*). */
#define VML_FAULT_FLAG_WRITE	0x01u
#define VML_FAULT_FLAG_USER	0x02u
#define VML_FAULT_FLAG_REMOTE	0x04u	/* populate / mlock, not an access */

/* Results (vm_fault_t): 0 or VML_FAULT_MAJOR = resolved. */
#define VML_FAULT_MAJOR		0x01
#define VML_FAULT_SIGSEGV	0x02
#define VML_FAULT_SIGBUS	0x04
#define VML_FAULT_OOM		0x08
#define VML_FAULT_ERROR		(VML_FAULT_SIGSEGV | VML_FAULT_SIGBUS | VML_FAULT_OOM)

/**
 * vml_handle_mm_fault() - resolve a fault (handle_mm_fault()).
 * @vma: the VMA that covers @addr and allows the access: the caller
 *	looked it up and checked it (access/'s vml_access_fault(), or
 *	populate); the handler does neither again.
 * @addr: faulting address.
 * @flags: VML_FAULT_FLAG_*.
 * Context: @vma's mm's mmap_lock held for reading; may sleep.
 * Return: 0 (minor) or VML_FAULT_MAJOR when the access may be retried,
 *         else VML_FAULT_SIGBUS or VML_FAULT_OOM.
 */
int vml_handle_mm_fault(struct vml_vma *vma, unsigned long addr,
			unsigned int flags);

/**
 * vml_handle_fault_atomic() - the fault path without sleeping, for a fault
 * taken inside the CR3 window (access/'s fix-up): demand zero, a
 * page-cache hit (with fault-around), copy-on-write and reuse, when every
 * table, anon_vma and cache page is already there, a frame comes without
 * reclaim and pgt.lock is free.
 * @vma: the VMA, looked up and checked by the caller as for
 *	vml_handle_mm_fault().
 * @addr: faulting address.
 * @flags: VML_FAULT_FLAG_*.
 * @deferred: out, with VML_FIXUP_FLUSH: the replaced page, to be put once
 *	every other CPU has left its window on the mm.
 * Context: inside a CR3 window on @vma's mm: interrupts off; its
 *	mmap_lock held for reading.
 * Return: VML_FIXUP_DONE, VML_FIXUP_FLUSH, or VML_FIXUP_NONE (use
 *         vml_handle_mm_fault() after the window).
 */
enum vml_fixup vml_handle_fault_atomic(struct vml_vma *vma, unsigned long addr,
				       unsigned int flags,
				       struct vml_page **deferred);

/**
 * vml_fork() - fork(): a new mm with a copy of @parent's VMAs; private
 * writable pages become copy-on-write in both, shared mappings stay
 * shared, locked VMAs are not inherited as locked.
 * @parent: the mm to copy.
 * Context: process context, may sleep; takes @parent's mmap_lock.
 * Return: the child, complete but not yet published (vml_mm_alloc()):
 *         the caller holds a reference, publishes it (vml_mm_publish() or
 *         vml_mm_debugfs_publish()) and then drops that reference; the
 *         id's goes with vml_mm_destroy(). An ERR_PTR on failure.
 */
struct vml_mm *vml_fork(struct vml_mm *parent);

/* ---- reverse mapping (rmap.c) ---- */

/**
 * typedef vml_rmap_fn - called by vml_rmap_walk() for one mapping.
 * @vma: the VMA that maps the page.
 * @addr: the address it is mapped at.
 * @ptep: the PTE; the mm's pgt.lock is held.
 * @arg: the walker's argument.
 * Return: 0 to go on, non-zero to stop the walk.
 */
typedef int (*vml_rmap_fn)(struct vml_vma *vma, unsigned long addr,
			   pte_t *ptep, void *arg);

/**
 * vml_rmap_walk() - visit every PTE that maps @page (rmap_walk()).
 * @page: an anonymous or page-cache page.
 * @fn: callback.
 * @arg: passed to @fn.
 *
 * The page names its object (anon_vma or mapping) and offset; the walk
 * looks only at the VMAs of that object's interval tree that cover the
 * offset and computes the one address the page can have in each, so no
 * page table is scanned and no other mm is looked at.
 * Context: may sleep; takes the object's rwsem (anon_vma root or i_mmap)
 * for reading, then each mapping mm's pgt.lock; no mmap_lock, so the
 * caller may hold one, and kswapd never waits for one.
 * Return: 0, or the first non-zero value @fn returned, negated.
 */
int vml_rmap_walk(struct vml_page *page, vml_rmap_fn fn, void *arg);

#ifdef VMLAB_FLAVOR_kunit
/* VMAs vml_rmap_walk() looked at (tests only). */
extern atomic_long_t vml_rmap_visits;
#endif

/**
 * vml_page_referenced() - harvest and clear the Accessed bit of every
 * PTE mapping @page (page_referenced()).
 * @page: the page.
 * Return: the number of PTEs that had it set.
 */
int vml_page_referenced(struct vml_page *page);

/**
 * vml_try_to_unmap() - remove every PTE that maps @page (try_to_unmap()),
 * moving hardware Dirty bits into VML_PG_dirty.
 * @page: the page.
 * @entry: what replaces each PTE: __pte(0) for a page-cache page, the
 *         swap entry for an anonymous page (counted as a swap entry, and
 *         the slot's use count raised for each PTE through the swap_dup
 *         hook before the PTE is written; when that fails the walk stops
 *         and the remaining PTEs stay).
 * Return: the number of PTEs removed; the page is unmapped when its
 *         _mapcount is -1 afterwards.
 */
int vml_try_to_unmap(struct vml_page *page, pte_t entry);

/* ---- the page cache (filemap.c) ---- */

/**
 * vml_msync() - msync(MS_SYNC): write back the dirty pages of the shared
 * file mappings in a range, harvesting the hardware Dirty bits first.
 * @mm: the mm.
 * @addr: page aligned start.
 * @len: length.
 * Return: pages written, -EINVAL, -ENOMEM (part of the range unmapped;
 *         the rest is still synced), or a write error.
 */
long vml_msync(struct vml_mm *mm, unsigned long addr, unsigned long len);

/**
 * vml_drop_caches() - free every clean, unmapped page-cache page
 * (drop_pagecache_sb()). Shared anonymous memory is not a cache and
 * stays.
 * Return: pages freed.
 */
unsigned long vml_drop_caches(void);

/**
 * vml_filemap_reclaim_page() - reclaim's end of the page cache: write a
 * dirty page back, then take the page out of the cache
 * (pageout() + __remove_mapping()).
 * @page: a page-cache page of a file, off the LRU (isolated), unmapped
 *	(vml_try_to_unmap()), with the caller's reference.
 * @may_write: a dirty page may be written back now (kernel_write()).
 * Context: process context, may sleep (I/O); the page cache's registry
 *	lock is only tried and the mapping's fill lock not taken, so a direct
 *	reclaimer inside a cache fill cannot deadlock.
 * Return: 0: the page is out of the cache and the caller's reference is
 *	the last; -EBUSY: still used (mapped, another reference, a busy
 *	lock), or written back but not yet free; -EAGAIN: dirty and not
 *	written (@may_write false, or the write failed: the page stays
 *	dirty); -EPERM: shared anonymous memory, which only swap can back.
 */
int vml_filemap_reclaim_page(struct vml_page *page, bool may_write);

/**
 * struct vml_cache_stats - what the page cache holds.
 * @mappings: files (and shared anonymous objects) with a mapping.
 * @pages: pages in the cache.
 * @dirty: ... of which dirty.
 * @mapped: ... of which mapped by a PTE.
 * @shmem: ... of which shared anonymous memory.
 * @swapped: shared anonymous pages swapped out (swap entries held in
 *	their objects instead of pages).
 */
struct vml_cache_stats {
	unsigned long mappings, pages, dirty, mapped, shmem, swapped;
};

/**
 * vml_cache_get_stats() - count the page cache.
 * @s: filled in.
 */
void vml_cache_get_stats(struct vml_cache_stats *s);

/* ---- shared anonymous memory and swap (filemap.c) ---- */

/**
 * vml_shmem_writeout() - the page-cache half of shmem_writepage(): a
 * shared anonymous page already in the swap cache under @entry is
 * replaced in its object by @entry (an xarray value entry, which owns
 * one reference to the slot: the caller raised the count for it), and
 * the object's reference on the page is dropped.
 * @page: a shmem page (VML_PG_swapbacked, not anonymous), locked,
 *	unmapped, isolated from the LRU with the caller's reference, and in
 *	the swap cache.
 * @entry: its slot.
 * Context: process context; the page cache's registry lock is only
 *	tried (reclaim may run inside a cache fill).
 * Return: 0 done (the page is the swap cache's and the caller's); -EBUSY
 * (mapped again, another reference, a busy lock) or -EINVAL (not a live
 * shmem page): nothing changed.
 */
int vml_shmem_writeout(struct vml_page *page, struct vml_swp_entry entry);

/**
 * vml_shmem_unuse() - swapoff's shmem_unuse(): read back every swap
 * entry of area @type held by a shared anonymous object and put the page
 * in its place (as a fault on it would).
 * @type: the area, already off the allocation list.
 * Context: process context, may sleep; holds the page cache's registry
 *	lock throughout, and each object's fill lock in turn.
 * Return: 0, -ENOMEM or the read's error (pages already back stay).
 */
int vml_shmem_unuse(unsigned int type);

/**
 * typedef vml_shmem_swap_fn - called by vml_shmem_walk_swap() for each
 * swap entry a shared anonymous object holds in place of a page.
 * @entry: the entry (one reference to its slot is the object's).
 * @arg: the walker's argument.
 * Context: under the object's xa_lock: must not sleep.
 */
typedef void (*vml_shmem_swap_fn)(struct vml_swp_entry entry, void *arg);

/**
 * vml_shmem_walk_swap() - call @fn for every swap entry held by a
 * shared anonymous object (the invariant checker counts them).
 * @fn: called under the object's xa_lock: must not sleep.
 * @arg: passed to @fn.
 */
void vml_shmem_walk_swap(vml_shmem_swap_fn fn, void *arg);

/* ---- accounting (smaps.c) ---- */

/**
 * struct vml_smaps - smaps_rollup totals, in pages.
 * @rss: resident pages (the zero page not counted).
 * @pss: proportional set size (each page divided by its mappings).
 * @anon: anonymous pages.
 * @shared_clean: clean pages mapped more than once.
 * @shared_dirty: dirty pages mapped more than once.
 * @private_clean: clean pages mapped once.
 * @private_dirty: dirty pages mapped once.
 * @referenced: PTEs with the Accessed bit set.
 * @zero: PTEs mapping the zero page.
 * @swap: swap entries: swap PTEs, and the swap entries of a shared
 *	anonymous object in the part its VMAs map (6.1's shmem_swapped).
 * @swap_pss: proportional swap: a swap PTE whose slot n PTEs share
 *	counts 1/n (in pages, like @pss).
 * @pss_dirty: the part of @pss that is dirty.
 */
struct vml_smaps {
	unsigned long rss, pss, pss_dirty, anon, swap_pss;
	unsigned long shared_clean, shared_dirty;
	unsigned long private_clean, private_dirty;
	unsigned long referenced, zero, swap;
};

/**
 * vml_smaps_rollup() - sum the present PTEs of an mm (smaps_rollup).
 * @mm: the mm; takes its mmap_lock for reading.
 * @s: filled in.
 * Return: 0, or -EINVAL for the kernel mm.
 */
int vml_smaps_rollup(struct vml_mm *mm, struct vml_smaps *s);

/**
 * vml_smaps_show() - the page counts of one VMA in 6.1's smaps format
 * (the Rss: to Locked: lines); vma/'s smaps_show hook.
 * @m: the seq_file.
 * @vma: the VMA; its mm's mmap_lock is held for reading.
 */
void vml_smaps_show(struct seq_file *m, struct vml_vma *vma);

/* ---- hooks for the swap layer above ---- */

/**
 * struct vml_fault_hooks - what the swap layer adds to the fault path.
 * @swapin: resolve a fault on a swap entry (do_swap_page()); returns as
 *	vml_handle_mm_fault().
 * @swap_dup: a swap entry is copied into a child at fork, or written
 *	by vml_try_to_unmap() (swap_duplicate()); called under pgt.lock,
 *	must not sleep; 0 or -ENOMEM.
 * @swap_zap: a swap PTE was removed (munmap, exit, MADV_DONTNEED): drop
 *	its reference (free_swap_and_cache()); under pgt.lock, no sleeping.
 *	Also called for a swap entry of a shared anonymous object that
 *	goes with its object (as a PTE).
 * @pageout: MADV_PAGEOUT of [@start, @end) in @vma: swap out its
 *	anonymous pages; the mm's mmap_lock is held for reading.
 * @swap_count: the references to a swap PTE's slot (swp_swapcount(),
 *	for SwapPss); under pgt.lock, no sleeping.
 * @shmem_swapin: a shared anonymous object's fault (or swapoff) met the
 *	swap entry @entry: the slot's page, found in the swap cache or read
 *	into it (*@major then), locked, with a reference for the caller.
 *	NULL with *@err 0: raced, look at the object again; with -ENOMEM or
 *	the read's error: give up.
 * @shmem_swapin_done: after @shmem_swapin, the object did (@installed)
 *	or did not put the page in its entry's place: on success the page
 *	leaves the swap cache and the object's reference to the slot goes;
 *	either way the page is unlocked (the caller's reference stays).
 */
struct vml_fault_hooks {
	int (*swapin)(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		      pte_t entry, unsigned int flags);
	int (*swap_dup)(pte_t entry);
	void (*swap_zap)(pte_t entry);
	void (*pageout)(struct vml_vma *vma, unsigned long start, unsigned long end);
	int (*swap_count)(pte_t entry);
	struct vml_page *(*shmem_swapin)(struct vml_swp_entry entry, bool *major,
					 int *err);
	void (*shmem_swapin_done)(struct vml_page *page, bool installed);
};

/**
 * vml_swapin_map() - map a page brought back from swap where the fault saw
 * a swap PTE (the mapping half of do_swap_page()).
 * @vma: the VMA; its mm's mmap_lock held for reading.
 * @addr: the page address.
 * @ptep: the slot.
 * @orig: the swap PTE the fault saw; nothing is done if the slot changed.
 * @page: the page (anonymous, or read from swap and not mapped yet);
 *	on success the caller's reference becomes the PTE's.
 * @write: map it writable and dirty (the caller found it exclusive to
 *	this PTE); else read-only, so a write takes the copy-on-write path.
 * Return: 0 mapped (rss and swap counters moved), -EAGAIN the PTE
 * changed, -ENOMEM no anon_vma could be made.
 */
int vml_swapin_map(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		   pte_t orig, struct vml_page *page, bool write);

/**
 * vml_set_fault_hooks() - install or (NULL) remove the swap layer's hooks.
 * @hooks: must stay valid until replaced.
 */
void vml_set_fault_hooks(const struct vml_fault_hooks *hooks);

/* ---- the invariant checker (check.c) ---- */

struct vml_check;

/**
 * vml_fault_check() - the fault layer's part of the invariant checker:
 * claim every page-cache page; report cache pages that are not arena
 * frames, name another mapping or offset, or disagree with nrpages, and
 * mapped pages whose rmap identity (anon_vma or mapping, and offset) is
 * not what their VMA implies at that address.
 * @chk: the run (arena/check.h).
 * Context: process context; takes the page-cache registry lock, then each
 * mapping's xa_lock; each mm's mmap_lock for reading, then its pgt.lock.
 */
void vml_fault_check(struct vml_check *chk);

/* ---- lifetime and debugfs ---- */

/**
 * vml_fault_init() - register the hooks with vma/. No arena frame
 * is taken (the zero page comes with the first read fault).
 * Return: 0.
 */
int vml_fault_init(void);

/**
 * vml_fault_exit() - unmap every user address space, write back and free
 * the page cache, unregister.
 */
void vml_fault_exit(void);

/**
 * vml_fault_debugfs_init() - the fork, msync, drop_caches, rmap and
 * page_unmap commands and the "pagecache" file.
 * @root: vmlab's debugfs directory.
 * Return: 0 or -errno.
 */
int vml_fault_debugfs_init(struct dentry *root);

/** vml_fault_debugfs_exit() - undo vml_fault_debugfs_init(). */
void vml_fault_debugfs_exit(void);

#endif /* VMLAB_FAULT_H */
