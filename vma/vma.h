/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Address spaces, VMAs and vmalloc
 *
 * vma.h - sandbox address spaces: mm descriptors, VMAs, mmap and friends,
 * and vmalloc (Gorman ch. 4 and 7; mm/mmap.c,
 * mm/mprotect.c, mm/mremap.c, mm/mlock.c, mm/madvise.c, mm/vmalloc.c).
 *
 * CONTRACT (implemented in the files of vma/).
 *
 * A struct vml_mm is a sandbox address space: a real x86-64 page-table tree
 * (mmu/) plus the VMAs that say what may be mapped where. VMAs live in an
 * rbtree augmented with the largest free gap below each subtree (Linux
 * 4.x-6.0's vm_rb/rb_subtree_gap) and in an address-ordered list; the
 * free-area search is top-down from mm->mmap_base as in today's Linux.
 *
 * The operations take the arguments of the system calls they stand for
 * (PROT_*, MAP_*, MREMAP_*, MADV_* from <linux/mman.h>) and return the
 * errno Linux 6.1 returns for the same arguments.
 *
 * Locking (mmap_lock, as Linux):
 *  - @mm->mmap_lock held for writing while VMAs are added, removed or
 *    changed; the vml_mmap()/vml_munmap()/... entry points take it.
 *  - @mm->mmap_lock held for reading is enough for vml_find_vma() and
 *    friends, for populating and for faults.
 *  - PTEs change under the tree's page_table_lock (mm->pgt.lock, mmu/).
 *  - Counters are atomics or change under the write lock.
 *
 * Layering: vma/ sits above mmu/ and below fault/, access/ and swap/.
 * Faults do not pass through vma/: the access layer finds the VMA and
 * calls fault/ itself (access/access.h). What a VMA operation needs from
 * above (populating, VMA splits and closes seen by the page cache, swap
 * entries dropped) goes through the struct vml_mm_hooks those layers
 * register (vml_set_mm_hooks()); vma/ never calls them by name.
 */
#ifndef VMLAB_VMA_H
#define VMLAB_VMA_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/rwsem.h>
#include <linux/refcount.h>
#include <linux/mman.h>
#include "mmu/mmu.h"

struct dentry;
struct file;
struct seq_file;

/* vm_flags: the same bits as Linux's VM_* so a reader of mm.h feels at home. */
#define VML_VM_READ		0x00000001ul
#define VML_VM_WRITE		0x00000002ul
#define VML_VM_EXEC		0x00000004ul
#define VML_VM_SHARED		0x00000008ul
#define VML_VM_MAYREAD		0x00000010ul
#define VML_VM_MAYWRITE		0x00000020ul
#define VML_VM_MAYEXEC		0x00000040ul
#define VML_VM_MAYSHARE		0x00000080ul
#define VML_VM_GROWSDOWN	0x00000100ul
#define VML_VM_LOCKED		0x00002000ul
#define VML_VM_ACCOUNT		0x00100000ul
#define VML_VM_NORESERVE	0x00200000ul

#define VML_VM_ACCESS_FLAGS	(VML_VM_READ | VML_VM_WRITE | VML_VM_EXEC)
#define VML_VM_STACK		VML_VM_GROWSDOWN

/* Per-mm page counters, as Linux's rss_stat (MM_FILEPAGES...). */
enum vml_mm_counter {
	VML_MM_FILEPAGES,
	VML_MM_ANONPAGES,
	VML_MM_SWAPENTS,
	VML_MM_SHMEMPAGES,
	VML_MM_NR_COUNTERS,
};

/**
 * struct vml_mm_limits - what one address space may grow to (the rlimits
 * and sysctls Linux checks), in bytes or counts; ULONG_MAX is unlimited.
 * @max_map_count: vm.max_map_count: most VMAs (65530).
 * @as: RLIMIT_AS: total mapped bytes.
 * @data: RLIMIT_DATA: private writable bytes.
 * @memlock: RLIMIT_MEMLOCK: locked bytes. Unlimited by default, as for
 *           root with CAP_IPC_LOCK.
 * @stack: RLIMIT_STACK: how far a GROWSDOWN VMA may grow.
 */
struct vml_mm_limits {
	unsigned long max_map_count;
	unsigned long as;
	unsigned long data;
	unsigned long memlock;
	unsigned long stack;
};

/**
 * struct vml_anon_vma - the anonymous memory of a family of VMAs (Linux
 * 6.1's anon_vma). An anonymous page names the anon_vma of the VMA that
 * made it (page->private); the anon_vma's interval tree holds one
 * anon_vma_chain per VMA that may map its pages (the VMA itself, the
 * pieces split or moved from it, fork children's copies), keyed by the
 * VMA's page offsets, so a reverse-map walk visits only those VMAs
 * (vma/anon_vma.c). Two VMAs with different anon_vmas never merge.
 * @root: the anon_vma of the family's first VMA; itself for that one.
 *	Its @rwsem locks every tree of the family.
 * @rwsem: meaningful in the root only: held for writing while chains
 *	are added or removed or a VMA's offsets change, for reading by
 *	rmap walks.
 * @refcount: one for being in use (dropped when the tree empties), one
 *	per anon_vma whose @root it is, one per rmap walk in progress.
 * @num_children: anon_vmas whose @parent it is (a root counts itself).
 * @num_active_vmas: VMAs whose ->anon_vma it is.
 * @parent: the anon_vma it was forked from; itself for a root.
 * @rb_root: interval tree of struct vml_anon_vma_chain by page offset.
 */
struct vml_anon_vma {
	struct vml_anon_vma *root;
	struct rw_semaphore rwsem;
	refcount_t refcount;
	unsigned long num_children;
	unsigned long num_active_vmas;
	struct vml_anon_vma *parent;
	struct rb_root_cached rb_root;
};

/**
 * struct vml_anon_vma_chain - links a VMA with an anon_vma that may own
 * some of its pages (Linux's anon_vma_chain).
 * @vma: the VMA.
 * @anon_vma: the anon_vma.
 * @same_vma: entry in the VMA's ->anon_vma_chain (newest first).
 * @rb: node in the anon_vma's interval tree.
 * @rb_subtree_last: the tree's augmented value.
 */
struct vml_anon_vma_chain {
	struct vml_vma *vma;
	struct vml_anon_vma *anon_vma;
	struct list_head same_vma;
	struct rb_node rb;
	unsigned long rb_subtree_last;
};

/**
 * struct vml_i_mmap - the VMAs that map one file or shared anonymous
 * object (the i_mmap and i_mmap_rwsem of Linux's address_space), in an
 * interval tree by page offset (vma/i_mmap.c). The object's owner embeds
 * it and names it in every VMA of the object (vml_i_mmap_attach()).
 * @rwsem: held for writing while VMAs enter, leave or move in the
 *	tree, for reading by rmap walks.
 * @root: the tree (struct vml_vma's @shared).
 */
struct vml_i_mmap {
	struct rw_semaphore rwsem;
	struct rb_root_cached root;
};

/**
 * struct vml_vma - one virtual memory area (Gorman 4.4.1, vm_area_struct).
 * @vm_start: first address.
 * @vm_end: first address after the area.
 * @vm_mm: the address space it belongs to.
 * @vm_flags: VML_VM_* bits.
 * @vm_page_prot: PTE protection bits for its pages (vm_get_page_prot()).
 * @vm_pgoff: offset in the file in pages; for private anonymous memory,
 *            vm_start >> PAGE_SHIFT at creation, as Linux.
 * @vm_file: backing file (a reference is held), or NULL for anonymous.
 * @anon_vma: set once anonymous pages were installed; shared with the
 *            VMAs split from this one. New anonymous pages name it.
 * @anon_vma_chain: its vml_anon_vma_chains, newest first (the root's last).
 * @vm_private_data: for the layer that owns the backing (fault/, swap/).
 * @vm_i_mmap: the object's tree of VMAs, or NULL (set by the owner).
 * @shared: node in @vm_i_mmap's tree (empty while not in it).
 * @vm_rb: node in mm->mm_rb.
 * @rb_subtree_gap: largest free gap below any VMA of this subtree.
 * @vm_list: entry in mm->mmap (address order).
 */
struct vml_vma {
	unsigned long vm_start;
	unsigned long vm_end;
	struct vml_mm *vm_mm;
	unsigned long vm_flags;
	pgprot_t vm_page_prot;
	unsigned long vm_pgoff;
	struct file *vm_file;
	struct vml_anon_vma *anon_vma;
	struct list_head anon_vma_chain;
	void *vm_private_data;
	struct vml_i_mmap *vm_i_mmap;
	struct {
		struct rb_node rb;
		unsigned long rb_subtree_last;
	} shared;
	struct rb_node vm_rb;
	unsigned long rb_subtree_gap;
	struct list_head vm_list;
};

/**
 * struct vml_mm - a sandbox address space (Gorman 4.3, mm_struct).
 * @id: small integer naming it in debugfs and ctl (0: the kernel mm).
 * @users: references; the last vml_mm_put() tears it down (mmput()).
 * @mmap_lock: the mmap lock; see the locking rules at the top.
 * @mm_rb: VMAs by address, augmented with rb_subtree_gap.
 * @mmap: VMAs in address order.
 * @map_count: number of VMAs.
 * @highest_vm_end: end of the highest VMA (free above it).
 * @pgt: the page-table tree.
 * @mmap_base: where the top-down free-area search starts.
 * @task_size: highest user address + 1.
 * @total_vm: mapped pages.
 * @locked_vm: VM_LOCKED pages.
 * @pinned_vm: pinned pages.
 * @data_vm: private writable pages.
 * @exec_vm: executable pages.
 * @stack_vm: GROWSDOWN pages.
 * @hiwater_vm: peak total_vm.
 * @hiwater_rss: peak resident pages.
 * @start_brk: bottom of the heap.
 * @brk: its current end.
 * @start_stack: top of the stack, 0 when the mm has none.
 * @rss_stat: VML_MM_* page counters.
 * @min_flt: minor faults.
 * @maj_flt: major faults.
 * @limits: what the mm may grow to.
 * @kernel: the kernel mm (vmalloc area): user operations refused.
 * @published: vml_mm_find() may return it (set once it is complete).
 * @debugfs_dir: owned by the debugfs code of vma/.
 * @oom_score_adj: the OOM killer's bias, VML_OOM_SCORE_ADJ_MIN..MAX
 *	(signal->oom_score_adj); set by swap/'s oom_score_adj command.
 * @flags: VML_MMF_* bits (mm->flags).
 * @async_put: on the list of mms vml_mm_put_async() hands to its work.
 */
struct vml_mm {
	int id;
	refcount_t users;
	struct rw_semaphore mmap_lock;
	struct rb_root mm_rb;
	struct list_head mmap;
	int map_count;
	unsigned long highest_vm_end;
	struct vml_pgtable pgt;
	unsigned long mmap_base;
	unsigned long task_size;
	unsigned long total_vm, locked_vm, pinned_vm;
	unsigned long data_vm, exec_vm, stack_vm;
	unsigned long hiwater_vm, hiwater_rss;
	unsigned long start_brk, brk, start_stack;
	atomic_long_t rss_stat[VML_MM_NR_COUNTERS];
	atomic_long_t min_flt, maj_flt;
	struct vml_mm_limits limits;
	bool kernel;
	bool published;
	struct dentry *debugfs_dir;
	int oom_score_adj;
	unsigned long flags;
	struct llist_node async_put;
};

#define VML_OOM_SCORE_ADJ_MIN	(-1000)	/* never chosen by the OOM killer */
#define VML_OOM_SCORE_ADJ_MAX	1000

/*
 * mm->flags. OOM_VICTIM: the OOM killer chose the mm; from then on its
 * faults fail (SIGBUS, as check_stable_address_space()) and ctl commands
 * refuse it. OOM_SKIP: the reaper freed its memory; it stays as a dead
 * id (a zombie) until mm_destroy. Both as 6.1's MMF_OOM_VICTIM and
 * MMF_OOM_SKIP.
 */
#define VML_MMF_OOM_VICTIM	0
#define VML_MMF_OOM_SKIP	1

/** vml_mm_oom_victim() - was @mm killed by the OOM killer? @mm: the mm. */
static inline bool vml_mm_oom_victim(const struct vml_mm *mm)
{
	return test_bit(VML_MMF_OOM_VICTIM, &mm->flags);
}

static inline unsigned long vml_vma_pages(const struct vml_vma *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

/**
 * vml_anon_vma_singular() - does @vma's anon_vma_chain hold one entry
 * (list_is_singular())? True for a VMA that made or reused its own
 * anon_vma, false for one that inherited its family through fork (it is
 * chained to the parent's anon_vmas too) and for one with none.
 * @vma: the VMA.
 * Return: whether it is singular; is_mergeable_anon_vma() and
 * reusable_anon_vma() depend on it.
 */
static inline bool vml_anon_vma_singular(const struct vml_vma *vma)
{
	return list_is_singular(&vma->anon_vma_chain);
}

static inline unsigned long vml_mm_counter(struct vml_mm *mm, int member)
{
	long v = atomic_long_read(&mm->rss_stat[member]);

	return v < 0 ? 0 : v;
}

static inline void vml_mm_add_counter(struct vml_mm *mm, int member, long n)
{
	atomic_long_add(n, &mm->rss_stat[member]);
}

/**
 * vml_mm_counter_of() - the rss counter a page mapped by @vma belongs to
 * (mm_counter()): anonymous, file, or shared anonymous memory.
 * @vma: the mapping VMA.
 * @page: the page (not the zero page, which is never counted).
 * Return: a VML_MM_* counter index.
 */
static inline int vml_mm_counter_of(struct vml_vma *vma, struct vml_page *page)
{
	if (vml_page_test(page, VML_PG_anon))
		return VML_MM_ANONPAGES;
	return vma->vm_file ? VML_MM_FILEPAGES : VML_MM_SHMEMPAGES;
}

/**
 * vml_get_zero_page() - the shared zero page (ZERO_PAGE(0)), made on first
 * use so that starting the core takes no frame; freed when vma/ stops.
 * Context: may sleep.
 * Return: the frame (VML_PG_zero), or NULL when no frame was free.
 */
struct vml_page *vml_get_zero_page(void);

/**
 * vml_zero_page() - the zero page if it exists yet; never sleeps.
 * Return: the frame, or NULL.
 */
struct vml_page *vml_zero_page(void);

/**
 * vml_mm_rss() - resident pages (file + anon + shmem).
 * @mm: the address space.
 * Return: pages.
 */
unsigned long vml_mm_rss(struct vml_mm *mm);

/* ---- address spaces (mm.c) ---- */

/**
 * vml_mm_create() - a new, empty sandbox address space with an id,
 * published at once (vml_mm_alloc() + vml_mm_publish()).
 * Return: the mm; its only reference is its id's, dropped by
 *         vml_mm_destroy(). An ERR_PTR (-ENOMEM, -ENOSPC) on failure.
 */
struct vml_mm *vml_mm_create(void);

/**
 * vml_mm_alloc() - a new, empty sandbox address space with an id that
 * vml_mm_find() does not return yet: one that is being built (a fork
 * child) cannot be destroyed or used by id under its builder.
 * vml_walk_mms() does visit it (its builder holds its mmap_lock).
 * Return: the mm with two references, the id's and the caller's; or an
 *         ERR_PTR (-ENOMEM, -ENOSPC). On failure to build it, the caller
 *         calls vml_mm_destroy() then vml_mm_put().
 */
struct vml_mm *vml_mm_alloc(void);

/**
 * vml_mm_publish() - let vml_mm_find() return @mm from now on.
 * @mm: an mm from vml_mm_alloc(), complete.
 */
void vml_mm_publish(struct vml_mm *mm);

/**
 * vml_mm_find() - look an address space up by id and take a reference.
 * @id: its id.
 * Return: the mm, or NULL if there is none with that id.
 */
struct vml_mm *vml_mm_find(int id);

/** vml_mm_get() - take a reference. @mm: the mm. */
void vml_mm_get(struct vml_mm *mm);

/**
 * vml_mm_put() - drop a reference; the last one unmaps everything, frees
 * the page tables and the descriptor (exit_mmap() + mmdrop()).
 * @mm: the mm.
 * Context: process context, may sleep.
 */
void vml_mm_put(struct vml_mm *mm);

/**
 * vml_mm_put_async() - vml_mm_put() for a caller that may hold another
 * mm's mmap_lock (an allocation in the OOM killer, as 6.1's
 * mmput_async()): the last reference's teardown, which takes @mm's
 * mmap_lock, runs in a work item instead.
 * @mm: the mm.
 */
void vml_mm_put_async(struct vml_mm *mm);

/**
 * vml_mm_flush_async_puts() - wait until every mm vml_mm_put_async() let
 * go is torn down (the invariant checker's pause, unload).
 * Context: process context, sleeps; holds no mmap_lock.
 */
void vml_mm_flush_async_puts(void);

/**
 * vml_mm_destroy() - take an mm's id away and drop the id's reference;
 * it goes away once the last user is done. Only the first call for an mm
 * does anything, so two racing destroys drop one reference.
 * @mm: an mm from vml_mm_create() or vml_mm_alloc(), not the kernel mm.
 * Return: 0, -EPERM for the kernel mm, -ESRCH when its id is already gone.
 */
int vml_mm_destroy(struct vml_mm *mm);

/**
 * vml_mm_reap() - unmap every VMA of @mm, freeing its pages, swap slots
 * and page tables, if its mmap_lock can be had for writing without
 * waiting (the OOM reaper's __oom_reap_task_mm(), which also only
 * trylocks). The mm itself, its id and its top-level table stay.
 * @mm: a user mm.
 * Context: process context, may sleep.
 * Return: 0, -EBUSY when the lock is held, -EPERM for the kernel mm.
 */
int vml_mm_reap(struct vml_mm *mm);

/** vml_kernel_mm() - the kernel mm (id 0) holding the vmalloc area. */
struct vml_mm *vml_kernel_mm(void);

/** typedef vml_mm_iter_fn - callback of vml_walk_mms(). */
typedef int (*vml_mm_iter_fn)(struct vml_mm *mm, void *arg);

/**
 * vml_walk_mms() - call @fn for every live mm, in id order, with a
 * reference held. The walk drops it with vml_mm_put_async(): an mm whose
 * id went during @fn is torn down by a work item, not by the walker,
 * which may be an allocation holding an mmap_lock (the OOM killer).
 * @fn: callback; a non-zero return stops the walk.
 * @arg: passed to @fn.
 * Return: 0 or what @fn returned.
 */
int vml_walk_mms(vml_mm_iter_fn fn, void *arg);

/* ---- VMA lookup (tree.c); caller holds mmap_lock ---- */

/**
 * vml_find_vma() - the first VMA that ends above @addr (find_vma()).
 * @mm: the mm.
 * @addr: the address.
 * Return: the VMA (which may start above @addr) or NULL.
 */
struct vml_vma *vml_find_vma(struct vml_mm *mm, unsigned long addr);

/**
 * vml_find_vma_prev() - vml_find_vma() and the VMA before it.
 * @mm: the mm.
 * @addr: the address.
 * @pprev: set to the VMA before the result (the last VMA if the result
 *         is NULL), or NULL.
 * Return: as vml_find_vma().
 */
struct vml_vma *vml_find_vma_prev(struct vml_mm *mm, unsigned long addr,
				  struct vml_vma **pprev);

/**
 * vml_vma_lookup() - the VMA containing @addr (vma_lookup()).
 * @mm: the mm.
 * @addr: the address.
 * Return: the VMA or NULL.
 */
struct vml_vma *vml_vma_lookup(struct vml_mm *mm, unsigned long addr);

/**
 * vml_find_vma_intersection() - first VMA overlapping [start, end).
 * @mm: the mm.
 * @start: start.
 * @end: end.
 * Return: the VMA or NULL.
 */
struct vml_vma *vml_find_vma_intersection(struct vml_mm *mm,
					  unsigned long start, unsigned long end);

/** vml_vma_next() - the VMA after @vma in address order, or NULL. */
struct vml_vma *vml_vma_next(struct vml_vma *vma);

/** vml_vma_prev() - the VMA before @vma in address order, or NULL. */
struct vml_vma *vml_vma_prev(struct vml_vma *vma);

#define vml_for_each_vma(mm, vma) list_for_each_entry(vma, &(mm)->mmap, vm_list)

/**
 * vml_get_unmapped_area() - choose where a mapping goes (top-down search
 * of the gap tree, then bottom-up, as arch_get_unmapped_area_topdown()).
 * @mm: the mm.
 * @addr: hint, or the address itself with MAP_FIXED.
 * @len: page aligned length.
 * @flags: MAP_FIXED honoured.
 *
 * Every way a range is placed (mmap, MAP_FIXED, a hint, mremap in place,
 * moved or fixed, brk) asks here, so the mmap_min_addr rule lives here
 * once, as Linux's security_mmap_addr() in get_unmapped_area().
 * Return: the address, or -ENOMEM/-EINVAL/-EPERM (below mmap_min_addr)
 *         as an unsigned long.
 */
unsigned long vml_get_unmapped_area(struct vml_mm *mm, unsigned long addr,
				    unsigned long len, unsigned long flags);

/* ---- the system calls (mmap.c, mprotect.c, mremap.c, mlock.c, madvise.c) ---- */

/**
 * vml_mmap() - mmap(2) in a sandbox (do_mmap()).
 * @mm: the mm.
 * @addr: hint or fixed address.
 * @len: length in bytes.
 * @prot: PROT_* bits.
 * @flags: MAP_SHARED or MAP_PRIVATE, plus MAP_ANONYMOUS, MAP_FIXED,
 *         MAP_FIXED_NOREPLACE, MAP_GROWSDOWN, MAP_LOCKED, MAP_POPULATE,
 *         MAP_NORESERVE.
 * @file: backing file (a reference is taken) or NULL with MAP_ANONYMOUS.
 * @off: offset in the file, page aligned.
 * Return: the address, or -errno as an unsigned long (IS_ERR_VALUE()).
 */
unsigned long vml_mmap(struct vml_mm *mm, unsigned long addr, unsigned long len,
		       unsigned long prot, unsigned long flags, struct file *file,
		       unsigned long off);

/**
 * vml_munmap() - munmap(2): unmap [addr, addr+len), splitting VMAs at the
 * edges, freeing pages and empty page tables.
 * @mm: the mm.
 * @addr: page aligned start.
 * @len: length (rounded up to pages).
 * Return: 0, -EINVAL or -ENOMEM (a split over max_map_count).
 */
int vml_munmap(struct vml_mm *mm, unsigned long addr, unsigned long len);

/**
 * vml_mprotect() - mprotect(2): new protection for a range; splits and
 * merges VMAs, rewrites present PTEs and flushes the TLB.
 * @mm: the mm.
 * @addr: page aligned start.
 * @len: length.
 * @prot: PROT_* bits.
 * Return: 0, -EINVAL, -ENOMEM (range not fully mapped: VMAs before the
 *         hole are changed, as Linux), -EACCES (no VM_MAY* permission).
 */
int vml_mprotect(struct vml_mm *mm, unsigned long addr, unsigned long len,
		 unsigned long prot);

/**
 * vml_mremap() - mremap(2): shrink, grow in place, or move (page tables
 * are moved, not copied); with MREMAP_DONTUNMAP the old range stays
 * mapped, empty.
 * @mm: the mm.
 * @addr: old address.
 * @old_len: old length.
 * @new_len: new length.
 * @flags: MREMAP_MAYMOVE, MREMAP_FIXED, MREMAP_DONTUNMAP.
 * @new_addr: destination with MREMAP_FIXED, else a hint for
 *            MREMAP_DONTUNMAP (ignored otherwise).
 * Return: the (new) address, or -errno as an unsigned long.
 */
unsigned long vml_mremap(struct vml_mm *mm, unsigned long addr,
			 unsigned long old_len, unsigned long new_len,
			 unsigned long flags, unsigned long new_addr);

/**
 * vml_mlock() - mlock(2): mark VM_LOCKED and populate.
 * @mm: the mm.
 * @addr: start (rounded down to a page).
 * @len: length.
 * Return: 0, -ENOMEM (hole, or a PROT_NONE range that cannot be populated),
 *         -EAGAIN (out of memory or over the memlock limit).
 */
int vml_mlock(struct vml_mm *mm, unsigned long addr, unsigned long len);

/**
 * vml_munlock() - munlock(2).
 * @mm: the mm.
 * @addr: start.
 * @len: length.
 * Return: 0 or -ENOMEM for a hole.
 */
int vml_munlock(struct vml_mm *mm, unsigned long addr, unsigned long len);

/**
 * vml_brk() - brk(2): move the end of the heap.
 * @mm: the mm.
 * @brk: the new end, or anything below start_brk to query.
 * Return: the resulting brk (the old one if the request was refused).
 */
unsigned long vml_brk(struct vml_mm *mm, unsigned long brk);

/**
 * vml_madvise() - madvise(2) for MADV_DONTNEED, MADV_WILLNEED, MADV_COLD,
 * MADV_PAGEOUT and MADV_NORMAL.
 * @mm: the mm.
 * @addr: page aligned start.
 * @len: length.
 * @advice: MADV_*.
 * Return: 0, -EINVAL, or -ENOMEM when part of the range is unmapped (the
 *         mapped part is still advised).
 */
int vml_madvise(struct vml_mm *mm, unsigned long addr, unsigned long len,
		int advice);

/**
 * vml_mm_populate() - fault in every page of a range (mm_populate())
 * through the populate hook, that is, the fault layer's handler; without
 * a fault layer nothing is populated (faults would find no handler).
 * @mm: the mm; caller holds mmap_lock for reading or writing.
 * @addr: page aligned start.
 * @len: page aligned length.
 * @ignore_errors: go on with the next VMA after a failure.
 * Return: 0, -EFAULT (a PROT_NONE VMA or a hole), -ENOMEM.
 */
int vml_mm_populate(struct vml_mm *mm, unsigned long addr, unsigned long len,
		    bool ignore_errors);

/**
 * vml_anon_vma_prepare() - give @vma an anon_vma before its first
 * anonymous page is mapped (anon_vma_prepare()).
 * @vma: the VMA; caller holds mmap_lock for reading or writing.
 * Return: 0 or -ENOMEM.
 */
int vml_anon_vma_prepare(struct vml_vma *vma);

/* ---- reverse-map objects (anon_vma.c, i_mmap.c) ---- */

/**
 * typedef vml_vma_visit_fn - called for each VMA an object's tree yields.
 * @vma: the VMA; the tree's lock is held, so it stays in place.
 * @pgoff: the page offset asked about: for vml_anon_vma_walk(), the
 *	page's whole linear offset in the 2^32-page slice being tried (a VMA
 *	larger than a slice is visited once per slice it spans, each time
 *	with that slice's offset); for vml_i_mmap_walk(), its @first.
 * @arg: the walker's.
 * Return: 0 to go on, anything else stops the walk and is returned.
 */
typedef int (*vml_vma_visit_fn)(struct vml_vma *vma, unsigned long pgoff,
				void *arg);

/**
 * vml_page_rmap_lock() - lock the reverse-map identity of @page (its
 * ->private and VML_PG_anon): a walker reads them and takes a reference
 * on the object they name under it, so the object cannot be freed in
 * between (6.1 relies on RCU and SLAB_TYPESAFE_BY_RCU instead). A hashed
 * spinlock; innermost: taken under pgt.lock, nothing taken under it.
 * @page: the page.
 */
void vml_page_rmap_lock(struct vml_page *page);

/** vml_page_rmap_unlock() - undo vml_page_rmap_lock(). @page: the page. */
void vml_page_rmap_unlock(struct vml_page *page);

/**
 * vml_page_set_rmap() - change what @page names for the reverse map
 * (->private and VML_PG_anon together), under vml_page_rmap_lock().
 * @page: the page.
 * @owner: the anon_vma or the owner's object; 0 when nothing maps it
 *	(ignored if the page is mapped again by then).
 * @anon: whether @owner is an anon_vma.
 */
void vml_page_set_rmap(struct vml_page *page, unsigned long owner, bool anon);

/**
 * vml_anon_vma_get() - one more reference on @av (get_anon_vma()).
 * @av: an anon_vma known to be alive (named by a mapped page under
 *	vml_page_rmap_lock(), or by a VMA under mmap_lock).
 */
void vml_anon_vma_get(struct vml_anon_vma *av);

/**
 * vml_anon_vma_put() - drop a reference; the last frees @av and drops
 * its reference on the root (put_anon_vma()).
 * @av: the anon_vma.
 * Context: may sleep.
 */
void vml_anon_vma_put(struct vml_anon_vma *av);

/**
 * vml_anon_vma_walk() - call @fn for each VMA chained to @av that may
 * map the page whose linear offset has low 32 bits @index (a page keeps
 * only those; each 2^32-page slice the tree spans is tried).
 * @av: the page's anon_vma, with a reference held.
 * @index: the page's ->index.
 * @fn: the visitor.
 * @arg: its argument.
 * Context: takes @av's root rwsem for reading around the walk; may sleep.
 * Return: 0 or what @fn returned to stop.
 */
int vml_anon_vma_walk(struct vml_anon_vma *av, u32 index, vml_vma_visit_fn fn,
		      void *arg);

/**
 * vml_vma_in_anon_vma() - is @vma chained to @av, so that a walk of
 * @av's tree finds it (the checker's question for each anonymous page)?
 * @vma: the VMA; its mmap_lock is held.
 * @av: the anon_vma a page names.
 * Return: whether one of @vma's chains links it to @av.
 */
bool vml_vma_in_anon_vma(struct vml_vma *vma, struct vml_anon_vma *av);

/**
 * vml_i_mmap_init() - an empty tree, for an object being made.
 * @im: its tree.
 */
void vml_i_mmap_init(struct vml_i_mmap *im);

/**
 * vml_i_mmap_attach() - make @im the object tree of @vma, and put @vma
 * in it if @vma is linked in its mm already (otherwise linking does).
 * @vma: a VMA with no tree yet; the owner serialises attaches of one VMA.
 * @im: the tree.
 * Context: mmap_lock held; takes @im's rwsem for writing; may sleep.
 */
void vml_i_mmap_attach(struct vml_vma *vma, struct vml_i_mmap *im);

/**
 * vml_i_mmap_walk() - call @fn for each VMA of @im that maps some page
 * offset in [@first, @last] (vma_interval_tree_foreach()).
 * @im: the tree.
 * @first: first page offset.
 * @last: last page offset.
 * @fn: the visitor.
 * @arg: its argument.
 * Context: takes @im's rwsem for reading around the walk; may sleep.
 * Return: 0 or what @fn returned to stop.
 */
int vml_i_mmap_walk(struct vml_i_mmap *im, unsigned long first,
		    unsigned long last, vml_vma_visit_fn fn, void *arg);

/* ---- fork (dup.c) ---- */

/**
 * typedef vml_dup_fn - copies the pages of one VMA at fork
 * (copy_page_range()), supplied by the fault layer.
 * @dst: the child's new VMA, already linked.
 * @src: the parent's VMA.
 * Both mms' mmap_locks are held for writing.
 * Return: 0 or -ENOMEM.
 */
typedef int (*vml_dup_fn)(struct vml_vma *dst, struct vml_vma *src);

/**
 * vml_dup_mmap() - copy every VMA of @src into the empty @dst
 * (dup_mmap()): files and anon_vmas are shared, the vma_dup hook runs,
 * VM_LOCKED is cleared in the copies, the Vm* counters are accounted,
 * and @copy is called for each new VMA.
 * @dst: a new mm without VMAs.
 * @src: the parent.
 * @copy: page copier, or NULL to copy VMAs only.
 * Context: takes both mmap_locks for writing; may sleep.
 * Return: 0, -EINVAL (kernel mm, same mm, @dst not empty), -ENOMEM or
 *         what @copy returned; on failure @dst holds what was copied so
 *         far and the caller destroys it.
 */
int vml_dup_mmap(struct vml_mm *dst, struct vml_mm *src, vml_dup_fn copy);

/* ---- hooks for the layers above ---- */

/**
 * struct vml_mm_hooks - how the layers above vma/ take part in a VMA
 * operation; vma/ calls them, never the layers by name.
 * @populate: fault in every page of [@start, @start + @len) that the
 *	VMAs allow (__mm_populate()), mmap_lock held for reading or
 *	writing; registered by fault/, whose handler does the work.
 *	Returns 0, -EFAULT (a PROT_NONE VMA or a hole), -ENOMEM.
 * @zap_nonpresent: a non-present, non-empty PTE (a swap entry) is being
 *	removed by munmap/exit/DONTNEED; release what it refers to.
 *	Called under pgt.lock: must not sleep.
 * @pageout: MADV_PAGEOUT of [@start, @end) inside @vma: swap out or
 *	write back what can be (madvise_pageout()); mmap_lock held for
 *	reading. Optional: without it PAGEOUT only ages the pages.
 * @vma_open: mmap made a new VMA (not yet linked; the ->mmap() of its
 *	file, or shmem_zero_setup()): attach the backing object to
 *	@vma->vm_private_data, so that every VMA of one object names it
 *	from birth and merges, msync and rmap agree on it. 0 or -ENOMEM.
 * @vma_dup: a VMA was split or copied (mremap) from @src: share or copy
 *	the owner's state in @dst->vm_private_data. 0 or -ENOMEM.
 * @vma_close: a VMA is being freed.
 * @smaps_show: print the page counts of @vma in smaps (the lines from
 *	Rss: to Locked: of 6.1's show_smap()); mmap_lock is held for
 *	reading. Optional.
 */
struct vml_mm_hooks {
	int (*populate)(struct vml_mm *mm, unsigned long start,
			unsigned long len, bool ignore_errors);
	void (*zap_nonpresent)(struct vml_mm *mm, unsigned long addr, pte_t pte);
	void (*pageout)(struct vml_vma *vma, unsigned long start, unsigned long end);
	int (*vma_open)(struct vml_vma *vma);
	int (*vma_dup)(struct vml_vma *dst, struct vml_vma *src);
	void (*vma_close)(struct vml_vma *vma);
	void (*smaps_show)(struct seq_file *m, struct vml_vma *vma);
};

/**
 * struct vml_lru_hooks - the LRU of swap/ (mm/swap.c's lru_cache_add(),
 * folio_mark_accessed(), deactivate_page(), mlock's LRU moves), for the
 * layers below it that map, age and lock pages: vma/ and fault/.
 * swap/ registers them; with none registered the calls do nothing.
 * Every one is non-sleeping (spinlocks only) and may be called under
 * pgt.lock; none may be called under the LRU's own lock.
 * @add: a page was first mapped or cached: queue it for the LRU
 *	(VML_PG_anon or VML_PG_swapbacked chooses the anonymous lists).
 * @accessed: the page was used (a young PTE zapped, as zap_pte_range()).
 * @deactivate: MADV_COLD: to the inactive list, not referenced.
 * @update_evictable: VML_PG_mlocked changed: to or from the unevictable
 *	list.
 * @drain: empty every CPU's add batch onto the lists (lru_add_drain_all()),
 *	so that the batches hold no reference: before a decision that reads
 *	a page's reference count.
 */
struct vml_lru_hooks {
	void (*drain)(void);
	void (*add)(struct vml_page *page);
	void (*accessed)(struct vml_page *page);
	void (*deactivate)(struct vml_page *page);
	void (*update_evictable)(struct vml_page *page);
};

/**
 * vml_set_lru_hooks() - install (or with NULL remove) swap/'s LRU hooks.
 * @hooks: must stay valid until replaced.
 */
void vml_set_lru_hooks(const struct vml_lru_hooks *hooks);

/**
 * vml_get_lru_hooks() - the LRU hooks, never NULL (members may be NULL).
 * Return: the registered hooks or an empty set.
 */
const struct vml_lru_hooks *vml_get_lru_hooks(void);

/**
 * vml_set_mm_hooks() - install the upper layers' hooks.
 * @hooks: the hooks (NULL members do nothing), or NULL to remove them;
 *         must stay valid until replaced.
 */
void vml_set_mm_hooks(const struct vml_mm_hooks *hooks);

/**
 * vml_expand_stack() - grow a VM_GROWSDOWN @vma down to @addr
 * (expand_downwards() + acct_stack_growth()), for the access layer's
 * fault path.
 * @vma: the stack VMA.
 * @addr: the address that faulted below it.
 * Context: mmap_lock held for writing.
 * Return: 0, -EPERM below mmap_min_addr, -ENOMEM (guard gap, limits).
 */
int vml_expand_stack(struct vml_vma *vma, unsigned long addr);

#ifdef VMLAB_FLAVOR_kunit
/* Every VMA lookup (vml_find_vma() and its wrappers); tests only. */
extern atomic_long_t vml_vma_lookups;
#endif

/* ---- ctl helpers (vma_ctl.c), for the ctl files of vma/ and above ---- */

struct vml_reply;

/**
 * vml_ctl_get_mm() - parse an mm id and take a reference on that mm.
 * @r: the reply; an error is written into it.
 * @arg: the id as typed.
 * Return: the mm (drop it with vml_mm_put()), or NULL with @r's error set.
 */
struct vml_mm *vml_ctl_get_mm(struct vml_reply *r, const char *arg);

/**
 * vml_ctl_parse_addr() - parse an address argument.
 * @r: the reply; an error is written into it.
 * @what: the argument's name, for the message.
 * @s: the text.
 * @v: out.
 * Return: 0, or @r's error.
 */
int vml_ctl_parse_addr(struct vml_reply *r, const char *what, const char *s,
		       unsigned long *v);

/**
 * vml_ctl_parse_len() - parse a length argument (with K/M/G suffixes).
 * @r: the reply; an error is written into it.
 * @s: the text.
 * @v: out.
 * Return: 0, or @r's error.
 */
int vml_ctl_parse_len(struct vml_reply *r, const char *s, unsigned long *v);

/* ---- vmalloc (vmalloc.c), in the kernel mm ---- */

#define VML_VMALLOC_START	0x0000200000000000ul
#define VML_VMALLOC_END		0x0000300000000000ul

/**
 * vml_vmalloc() - virtually contiguous memory from scattered arena frames,
 * mapped supervisor-only in the kernel mm, a guard page after it
 * (Gorman 7.2, vmalloc()/__vmalloc_node_range()).
 * @size: bytes, rounded up to pages.
 * Return: the address in the kernel mm, or 0 on failure.
 */
unsigned long vml_vmalloc(unsigned long size);

/**
 * vml_vfree() - free a vml_vmalloc() area (Gorman 7.3).
 * @addr: its start.
 * Return: 0, or -EINVAL when @addr is not the start of an area (reported
 *         with a plain message and refused).
 */
int vml_vfree(unsigned long addr);

/**
 * vml_vmallocinfo_show() - the areas in /proc/vmallocinfo format.
 * @m: the seq_file.
 */
void vml_vmallocinfo_show(struct seq_file *m);

/* ---- lifetime and debugfs ---- */

/**
 * typedef vml_oom_score_fn - what mm/<id>/oom_score shows (0..2000, as
 * /proc/PID/oom_score); the OOM killer (swap/) computes it.
 * @mm: the mm whose file is read.
 */
typedef unsigned long (*vml_oom_score_fn)(struct vml_mm *mm);

/**
 * vml_set_oom_score_fn() - install (or with NULL remove) the oom_score
 * function; without one the file reads 0.
 * @fn: must stay valid until replaced.
 */
void vml_set_oom_score_fn(vml_oom_score_fn fn);

/**
 * vml_mm_debugfs_publish() - give a complete mm from vml_mm_alloc() (a
 * fork child) its mm/<id>/ debugfs directory and publish it
 * (vml_mm_publish()), as one step against a racing mm_destroy: an id is
 * never found without its directory, nor a directory made for a
 * destroyed mm.
 * @mm: the mm; the caller holds a reference.
 */
void vml_mm_debugfs_publish(struct vml_mm *mm);

struct vml_check;

/**
 * vml_vma_check() - the address-space layer's part of the invariant
 * checker: claim the zero page, every live mm's page tables, anonymous
 * pages and vmalloc frames; count every PTE's mapping; report VMA
 * lists that are unsorted or disagree with map_count, the rbtree or
 * total_vm, PTEs outside any VMA, mapping frames outside the arena or in
 * a state that is no user page (free, slab, table...), allowing more than
 * their VMA, or of the wrong kind for it, rss counters that disagree, and
 * an mm id without exactly one debugfs directory or the other way round.
 * @chk: the run (arena/check.h).
 * Context: process context; takes each mm's mmap_lock for reading, then
 * its pgt.lock; never enters a CR3 window.
 */
void vml_vma_check(struct vml_check *chk);

int vml_vma_init(void);
void vml_vma_exit(void);
int vml_vma_debugfs_init(struct dentry *root);
void vml_vma_debugfs_exit(void);

#endif /* VMLAB_VMA_H */
