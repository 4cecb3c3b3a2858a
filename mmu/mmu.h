/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Page tables, the CR3 window and the TLB
 *
 * mmu.h - real x86-64 page tables for sandbox address spaces, the CR3
 * window that runs accesses on them, and their TLB maintenance
 * (Gorman ch. 3 and 4; arch/x86/mm).
 *
 * CONTRACT (implemented in the files of mmu/).
 *
 * Every table page (PGD, P4D when 5-level paging is on, PUD, PMD, PTE)
 * comes from the arena. The PGD is an order-1 block (8 KiB aligned: with
 * PTI the NMI entry path treats CR3 bit 12 as "user PGD"); its kernel half
 * is copied from the running kernel so the kernel keeps running while the
 * sandbox's CR3 is loaded. Table pages are addressed through the arena's
 * own phys-to-virt translation, never __va().
 *
 * PTE values use the kernel's pte_t and its bit helpers (pte_write(),
 * pte_young(), pte_dirty(), pfn_pte()...), but what an entry is (none,
 * present, PROT_NONE, swap) and which frame it maps are read only through
 * vml_pte_state(), vml_pte_page() and vml_normal_page(). A present leaf in
 * the user half normally has _PAGE_USER; vmalloc-style kernel mappings
 * leave it clear. No PTE vmlab writes may set a reserved bit.
 *
 * Locking: @pt->lock (page_table_lock) serialises changes to entries.
 * TLB shootdowns wait for other CPUs with the lock held, so it must never
 * be taken with interrupts disabled.
 * Table pages are only freed by vml_free_pgtables() and
 * vml_pgtable_destroy(), whose callers exclude every other user of the
 * range (the mm's mmap lock held for writing), so a pointer returned by
 * vml_pte_alloc()/vml_pte_lookup() stays valid while the caller holds the
 * mmap lock for reading.
 */
#ifndef VMLAB_MMU_H
#define VMLAB_MMU_H

#include <linux/types.h>
#include <linux/cpumask.h>
#include <linux/spinlock.h>
#include <asm/pgtable.h>
#include "buddy/buddy.h"

struct seq_file;
struct dentry;

/**
 * struct vml_pgtable - one sandbox page-table tree.
 * @pgd: the top-level table (virtual address inside the arena).
 * @pgd_phys: its physical address, what goes into CR3.
 * @lock: page_table_lock: held while entries change.
 * @nr_tables: table pages below the PGD (VmPTE is derived from it).
 * @cpus: CPUs currently inside a window on this tree (for shootdowns).
 */
struct vml_pgtable {
	pgd_t *pgd;
	phys_addr_t pgd_phys;
	spinlock_t lock;		/* page_table_lock */
	atomic_long_t nr_tables;
	cpumask_t cpus;
};

/**
 * vml_user_va_end() - highest user address + 1 a sandbox may map: the
 * lower canonical half less its last page, TASK_SIZE_MAX (47 or 56 bits
 * with 4- or 5-level paging).
 * Return: the address.
 */
unsigned long vml_user_va_end(void);

/**
 * vml_pgtable_init() - allocate a PGD and copy the kernel half into it.
 * @pt: the tree to set up.
 * Return: 0 or -ENOMEM.
 */
int vml_pgtable_init(struct vml_pgtable *pt);

/**
 * vml_pgtable_destroy() - free every table page of a tree.
 * @pt: a tree with no present or swap leaf left (refused with a
 *      WARN_ON_ONCE and the leaves leaked otherwise).
 */
void vml_pgtable_destroy(struct vml_pgtable *pt);

/**
 * vml_pte_lookup() - find the PTE slot for @addr without allocating.
 * @pt: the tree.
 * @addr: user address.
 * Return: pointer to the PTE, or NULL when a level is missing.
 */
pte_t *vml_pte_lookup(struct vml_pgtable *pt, unsigned long addr);

/**
 * vml_pte_alloc() - find the PTE slot for @addr, allocating missing tables.
 * @pt: the tree.
 * @addr: user address.
 * @gfp: allocation flags for the tables (may sleep with VML_GFP_KERNEL).
 * Return: pointer to the PTE, or NULL when out of memory.
 */
pte_t *vml_pte_alloc(struct vml_pgtable *pt, unsigned long addr, vml_gfp_t gfp);

/**
 * vml_pgprot() - protection bits for a leaf entry.
 * @write: writable.
 * @exec: executable (NX clear; NX is only set where the CPU has it).
 * @user: a user page (_PAGE_USER); false gives a supervisor-only leaf,
 *        as vmalloc-style kernel mappings in the sandbox use.
 *
 * Unlike Linux's protection_map, Accessed is not preset: the MMU sets it
 * (and Dirty) on first use, which is what makes them worth looking at.
 * Return: the pgprot.
 */
pgprot_t vml_pgprot(bool write, bool exec, bool user);

/**
 * vml_mk_pte() - a present entry for an arena frame (mk_pte()).
 * @page: the frame.
 * @prot: from vml_pgprot() (or the kernel's pgprot macros; any global or
 *        protection-key bit is dropped by vml_set_pte()).
 * Return: the entry.
 */
pte_t vml_mk_pte(struct vml_page *page, pgprot_t prot);

/**
 * enum vml_pte_kind - what a leaf entry holds (see "reading a PTE" in
 * mmu/pte.c). Read entries only through vml_pte_state(), vml_pte_page()
 * and vml_normal_page().
 * @VML_PTE_NONE: nothing.
 * @VML_PTE_PRESENT: maps a frame the MMU may use.
 * @VML_PTE_PROTNONE: maps a frame (reference, mapcount and rss held) that
 *	the MMU may not use: PROT_NONE (pte_protnone()).
 * @VML_PTE_SWAP: maps no frame: a swap entry, encoded by the swap layer.
 */
enum vml_pte_kind {
	VML_PTE_NONE,
	VML_PTE_PRESENT,
	VML_PTE_PROTNONE,
	VML_PTE_SWAP,
};

/**
 * vml_pte_state() - classify a leaf entry.
 * @pte: the entry (a copy, or READ_ONCE() of the slot).
 * Return: its state.
 */
enum vml_pte_kind vml_pte_state(pte_t pte);

/**
 * vml_pte_page() - the arena frame a present or PROT_NONE entry maps,
 * the zero page included (pte_page()).
 * @pte: the entry.
 * Return: the frame; NULL for none and swap entries, and for a PFN
 * outside the arena (which vml_set_pte() never lets in; ctl check reports
 * one). Never a frame outside the arena.
 */
struct vml_page *vml_pte_page(pte_t pte);

/**
 * vml_normal_page() - vml_pte_page() without the zero page
 * (vm_normal_page()): the frame whose reference, mapcount and rss the
 * entry holds.
 * @pte: the entry.
 * Return: the frame, or NULL when the entry holds none.
 */
struct vml_page *vml_normal_page(pte_t pte);

/**
 * vml_set_pte() - install a leaf entry. Caller holds @pt->lock.
 * @pt: the tree.
 * @addr: user address the slot maps.
 * @ptep: the slot, from vml_pte_lookup()/vml_pte_alloc().
 * @pte: new value. Replacing a present entry flushes the old translation
 *       from every CPU (vml_flush_tlb_page()). A present or PROT_NONE
 *       entry for a frame outside the arena is refused (reported, slot
 *       unchanged); global
 *       and protection-key bits and bits the CPU lacks are dropped.
 */
void vml_set_pte(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep, pte_t pte);

/**
 * vml_ptep_get_and_clear() - atomically clear a slot and flush it.
 * @pt: the tree. Caller holds @pt->lock.
 * @addr: user address.
 * @ptep: the slot.
 * Return: the old value, with any Accessed/Dirty bit the MMU set.
 */
pte_t vml_ptep_get_and_clear(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep);

/**
 * vml_ptep_test_and_clear_young() - harvest and clear the Accessed bit.
 * @pt: the tree. Caller holds @pt->lock.
 * @addr: user address.
 * @ptep: the slot.
 * Return: true if the MMU had set Accessed since the last call.
 */
bool vml_ptep_test_and_clear_young(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep);

/**
 * vml_ptep_set_wrprotect() - clear the write bit (COW) and flush.
 * @pt: the tree. Caller holds @pt->lock.
 * @addr: user address.
 * @ptep: the slot.
 */
void vml_ptep_set_wrprotect(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep);

/**
 * vml_ptep_set_access_flags() - make a present PTE more permissive for the
 * same frame (ptep_set_access_flags(): write, young, dirty) with no TLB
 * flush: a stale stricter entry can only cause a spurious fault, and the
 * #PF drops it. Safe inside a window.
 * @pt: the tree; caller holds @pt->lock.
 * @addr: the address.
 * @ptep: the slot.
 * @pte: the new entry; same frame, a superset of the old permissions.
 */
void vml_ptep_set_access_flags(struct vml_pgtable *pt, unsigned long addr,
			       pte_t *ptep, pte_t pte);

/**
 * typedef vml_pte_fn - callback for vml_walk_range().
 * @pt: the tree; @pt->lock is held.
 * @addr: address mapped by @ptep.
 * @ptep: a slot that is not pte_none().
 * @arg: the walker's argument.
 * Return: 0 to go on, non-zero to stop the walk with that value.
 */
typedef int (*vml_pte_fn)(struct vml_pgtable *pt, unsigned long addr,
			  pte_t *ptep, void *arg);

/**
 * vml_walk_range() - call @fn for every non-empty leaf slot in a range.
 * @pt: the tree.
 * @start: page aligned start.
 * @end: page aligned end (exclusive).
 * @fn: the callback, called with @pt->lock held.
 * @arg: passed to @fn.
 * Return: 0, or the first non-zero value @fn returned.
 */
int vml_walk_range(struct vml_pgtable *pt, unsigned long start,
		   unsigned long end, vml_pte_fn fn, void *arg);

/**
 * vml_free_pgtables() - free table pages that map nothing in a range.
 * @pt: the tree.
 * @start: start of the unmapped range.
 * @end: its end.
 *
 * Every table whose span meets [start, end) and that holds no entry once
 * its own empty children are gone is freed (free_pgtables()), after a TLB
 * shootdown. A table may thus be freed even if it reaches past the range,
 * so the caller excludes all other users of the tree (the mmap lock held
 * for writing), not only of the range.
 */
void vml_free_pgtables(struct vml_pgtable *pt, unsigned long start,
		       unsigned long end);

/**
 * vml_move_pte_prepare() - the first half of vml_move_pte_range(): check
 * the ranges and allocate every destination table, so that the move
 * itself allocates nothing (mremap calls it before taking the reverse
 * map's locks, which reclaim from an allocation would need).
 * @pt: the tree.
 * @old_addr: source.
 * @new_addr: destination.
 * @len: bytes.
 * Context: may sleep.
 * Return: as vml_move_pte_range(), but on -ENOMEM the destination tables
 * allocated so far stay (reverse-map walks may be looking them up); the
 * unmap of the destination range frees them.
 */
int vml_move_pte_prepare(struct vml_pgtable *pt, unsigned long old_addr,
			 unsigned long new_addr, unsigned long len);

/**
 * vml_move_pte_prepared() - the second half of vml_move_pte_range(): move
 * the entries of a range that vml_move_pte_prepare() accepted and made
 * every destination table for, without walking it for tables again.
 * @pt: the tree.
 * @old_addr: source.
 * @new_addr: destination, with no entries.
 * @len: bytes.
 * Context: the caller excludes all other users of the tree, from the
 * preparation on (so no table it made can have gone); takes pt->lock.
 */
void vml_move_pte_prepared(struct vml_pgtable *pt, unsigned long old_addr,
			   unsigned long new_addr, unsigned long len);

/**
 * vml_move_pte_range() - move leaf entries for mremap (tables, not copies).
 * @pt: the tree.
 * @old_addr: source, page aligned.
 * @new_addr: destination, page aligned, with no entries.
 * @len: bytes.
 *
 * Whole PTE tables move when both sides are 2 MiB aligned over a full
 * 2 MiB; other entries move one by one with their Accessed/Dirty bits.
 * Emptied source tables stay until vml_free_pgtables(). The caller
 * excludes all other users of the tree.
 * Return: 0, -EINVAL for unaligned, out-of-range or overlapping ranges,
 *         or -ENOMEM (then nothing was moved, and the destination tables
 *         it made are freed again).
 */
int vml_move_pte_range(struct vml_pgtable *pt, unsigned long old_addr,
		       unsigned long new_addr, unsigned long len);

/**
 * vml_flush_tlb_range() - drop stale translations of a range everywhere:
 * locally, and with a waiting IPI on every CPU in @pt->cpus.
 * @pt: the tree.
 * @start: start.
 * @end: end.
 */
void vml_flush_tlb_range(struct vml_pgtable *pt, unsigned long start,
			 unsigned long end);

/**
 * vml_flush_tlb_page() - vml_flush_tlb_range() for one page.
 * @pt: the tree.
 * @addr: the page.
 */
void vml_flush_tlb_page(struct vml_pgtable *pt, unsigned long addr);

/**
 * struct vml_access - one access to run inside the CR3 window.
 * @addr: sandbox address.
 * @len: bytes.
 * @buf: kernel buffer to read into or write from (unused when strided).
 * @write: true for a write.
 * @stride: 0 for a copy of @len bytes; else touch one byte every @stride
 *	bytes of [@addr, @addr + @len): load it, or store a zero.
 * @done: out: bytes completed (== @len when the access succeeded); for a
 *	strided access, the offset of the next touch.
 */
struct vml_access {
	unsigned long addr;
	unsigned long len;
	void *buf;
	bool write;
	unsigned long stride;
	unsigned long done;
};

/**
 * vml_window_run() - load @pt into CR3 and run accesses on it.
 * @pt: the tree.
 * @acc: the accesses, run in order.
 * @n: how many.
 *
 * With interrupts and page faults disabled: save CR3, load the sandbox PGD
 * (PCID 0), run the accesses with the user-access primitives (AC set, so
 * SMAP stays on), restore CR3 exactly and flush the sandbox's
 * translations. A real #PF stops the batch and comes back as an error;
 * the caller classifies it from its own PTE, resolves it outside the
 * window, and runs the rest again.
 * Context: a kernel thread with no mm (current->mm == NULL); never from
 * interrupt context. Nothing inside the window sleeps; only a fix-up
 * (vml_window_run_fixup()) allocates, without sleeping.
 * A batch is split into several windows (interrupts briefly on between
 * them) so that no window copies more than 256 KiB. Every acc->done is
 * reset to 0 on entry; the faulting byte is acc[i].addr + acc[i].done.
 * To resume after handling the fault, advance that access's addr and buf
 * by done, reduce its len, and call again with acc + i, n - i.
 * Return: number of accesses fully completed (== @n on success); the
 *         access at that index faulted after acc->done bytes. 0 with
 *         nothing done when the call is refused: wrong context (reported),
 *         or an access reaching past vml_user_va_end().
 */
unsigned int vml_window_run(struct vml_pgtable *pt, struct vml_access *acc,
			    unsigned int n);

/**
 * enum vml_fixup - what an in-window fix-up made of a fault.
 * @VML_FIXUP_NONE: nothing: the window ends and the fault is returned.
 * @VML_FIXUP_DONE: the PTE now allows the access; retry it in place.
 * @VML_FIXUP_FLUSH: the PTE now allows the access, but it replaced a
 *	present entry another CPU may still cache: the window ends, every
 *	CPU in pt->cpus is waited out (vml_tlb_shootdown()), then
 *	&vml_window_fixup.flushed runs and the access is retried.
 */
enum vml_fixup {
	VML_FIXUP_NONE,
	VML_FIXUP_DONE,
	VML_FIXUP_FLUSH,
};

/**
 * struct vml_window_fixup - resolve faults without leaving the window.
 * @fn: called inside the window (interrupts off, page faults disabled,
 *	the sandbox tree loaded) with the address and kind of the access
 *	that faulted. It may only do what needs neither sleeping nor another
 *	CPU: trylocks, spinlocks never held across a TLB shootdown, no IPI.
 * @flushed: after a VML_FIXUP_FLUSH shootdown (interrupts on), or NULL.
 * @arg: passed to both.
 */
struct vml_window_fixup {
	enum vml_fixup (*fn)(void *arg, unsigned long addr, bool write);
	void (*flushed)(void *arg);
	void *arg;
};

/**
 * vml_window_run_fixup() - vml_window_run(), trying @fx on each fault
 * before ending the window, as the hardware fault path would: the access
 * resumes where it faulted without two CR3 loads. A fix-up is tried once
 * per faulting address; a fault it did not cure stops the batch as in
 * vml_window_run(). Each fix-up counts a page against the window's
 * budget, so interrupts stay off for a bounded time.
 * @pt: the tree.
 * @acc: the accesses.
 * @n: how many.
 * @fx: the fix-up, or NULL (then this is vml_window_run()).
 * Return: as vml_window_run().
 */
unsigned int vml_window_run_fixup(struct vml_pgtable *pt, struct vml_access *acc,
				  unsigned int n, const struct vml_window_fixup *fx);

/**
 * vml_window_replace_pte() - change a present PTE from inside a window on
 * @pt (a fix-up's copy-on-write): exchange it, invalidate the address on
 * this CPU, and tell whether that was enough.
 * @pt: the tree; the caller holds @pt->lock.
 * @addr: the address.
 * @ptep: the slot.
 * @pte: the new entry (sanitised as vml_set_pte() does).
 * Return: true when no other CPU is in a window on @pt (none can cache
 * the old entry: one entering later walks the new one); false when the
 * fix-up must return VML_FIXUP_FLUSH and keep the old frame until then.
 */
bool vml_window_replace_pte(struct vml_pgtable *pt, unsigned long addr,
			    pte_t *ptep, pte_t pte);

/**
 * vml_run_in_kthread() - run @fn(@arg) in a vmlab kernel thread (no mm)
 * and wait for it; windows must run there (see vml_window_run()).
 * @fn: the function.
 * @arg: its argument.
 * Context: process context, may sleep.
 * Return: what @fn returned.
 */
int vml_run_in_kthread(int (*fn)(void *arg), void *arg);

/**
 * vml_pgtable_dump() - print a tree in the style of the kernel's ptdump:
 * ranges of like entries with size, flags and present/swap state.
 * @m: the seq_file.
 * @pt: the tree.
 */
void vml_pgtable_dump(struct seq_file *m, struct vml_pgtable *pt);

struct vml_check;

/**
 * vml_pgtable_check() - the invariant checker's walk of one tree: claim
 * the PGD block and every table reachable from the user half as page
 * tables, report an intermediate entry that is not a table in the arena,
 * a non-zero odd PGD page, and a table count other than @pt->nr_tables.
 * Leaf entries are not interpreted here. A tree with a CPU still marked
 * inside a window on it is reported as well.
 * @chk: the run (arena/check.h).
 * @pt: the tree; the caller holds its mm's mmap lock for reading.
 * @what: the tree's name in messages ("mm 3").
 * Context: takes @pt->lock.
 * Return: table pages found, the PGD counted once.
 */
unsigned long vml_pgtable_check(struct vml_check *chk, struct vml_pgtable *pt,
				const char *what);

/**
 * vml_mmu_check_tables() - compare the table pages the live trees hold
 * (the sum of vml_pgtable_check()) with the mmu's count of tables in use.
 * @chk: the run.
 * @found: table pages found.
 */
void vml_mmu_check_tables(struct vml_check *chk, unsigned long found);

/**
 * vml_mmu_check() - the mmu layer's own part of the invariant checker:
 * claim the quicklist's cached table pages and report one that is not
 * zero or a list that loops or disagrees with its count, and a CPU whose
 * CR3 holds a sandbox tree (a window left open).
 * @chk: the run.
 * Context: process context.
 */
void vml_mmu_check(struct vml_check *chk);

/**
 * vml_mmu_check_host() - can vmlab drive this host's paging? Not with
 * memory encryption (SME/SEV/TDX) active: CR3 and vmlab's table entries
 * would need the encryption bit. Called before anything is reserved.
 * Return: 0, or -EOPNOTSUPP with the reason logged.
 */
int vml_mmu_check_host(void);

/* ---- swap entries in non-present PTEs (swp_entry.c) ---- */

/* Type bits of an x86-64 swap PTE (SWP_TYPE_BITS); 32 types at most. */
#define VML_SWP_TYPE_BITS	5
#define VML_SWP_TYPE_SHIFT	(BITS_PER_LONG - 1 - VML_SWP_TYPE_BITS)
#define VML_SWP_OFFSET_MASK	((1UL << VML_SWP_TYPE_SHIFT) - 1)

/**
 * struct vml_swp_entry - a swap slot, (type, offset), as swp_entry_t:
 * @val: type above VML_SWP_TYPE_SHIFT, offset below. This
 *       architecture-neutral form is what the swap layer keeps;
 *       vml_swp_entry_to_pte() makes the PTE.
 */
struct vml_swp_entry {
	unsigned long val;
};

static inline struct vml_swp_entry vml_swp_entry(unsigned long type,
						 unsigned long offset)
{
	return (struct vml_swp_entry){ (type << VML_SWP_TYPE_SHIFT) |
				       (offset & VML_SWP_OFFSET_MASK) };
}

static inline unsigned int vml_swp_type(struct vml_swp_entry entry)
{
	return entry.val >> VML_SWP_TYPE_SHIFT;
}

static inline unsigned long vml_swp_offset(struct vml_swp_entry entry)
{
	return entry.val & VML_SWP_OFFSET_MASK;
}

/**
 * vml_swp_entry_to_pte() - the non-present PTE holding @entry
 * (__swp_entry_to_pte(__swp_entry())): type in bits 59-63, the offset
 * inverted in bits 9-58 (the L1TF mitigation); Present and PROT_NONE clear.
 * @entry: the entry; its offset must not exceed vml_max_swap_offset().
 * Return: the PTE value.
 */
pte_t vml_swp_entry_to_pte(struct vml_swp_entry entry);

/**
 * vml_pte_to_swp_entry() - decode a swap PTE (__pte_to_swp_entry()).
 * @pte: a PTE that vml_pte_state() calls VML_PTE_SWAP.
 * Return: the entry.
 */
struct vml_swp_entry vml_pte_to_swp_entry(pte_t pte);

/**
 * vml_max_swap_offset() - the largest slot offset a swap area may use:
 * what the PTE layout can hold, cut so that the inverted PFN bits of every
 * such entry stay above the L1TF limit (max_swapfile_size()).
 * Return: the offset.
 */
unsigned long vml_max_swap_offset(void);

/**
 * vml_mmu_init() - start the window thread.
 * Return: 0 or -errno.
 */
int vml_mmu_init(void);

/** vml_mmu_exit() - stop it and give cached table pages back. */
void vml_mmu_exit(void);

/**
 * vml_mmu_debugfs_init() - the "mmu" statistics file and mmu_selftest.
 * @root: vmlab's debugfs directory.
 * Return: 0 or -errno.
 */
int vml_mmu_debugfs_init(struct dentry *root);

/** vml_mmu_debugfs_exit() - undo vml_mmu_debugfs_init(). */
void vml_mmu_debugfs_exit(void);

#endif /* VMLAB_MMU_H */
