/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: The invariant checker's frame ledger
 *
 * check.h - the invariant checker's frame ledger, which every layer's
 * check function fills in (ctl `check`, Documentation/check.rst).
 *
 * The checker keeps one entry per arena frame in diagnostic memory of its
 * own (kvmalloc, outside the arena: checking must not change what it
 * checks). Each layer's vml_*_check() walks the structures it owns and
 * claims the frames they hold, in layer order: arena metadata, buddy and
 * per-CPU free lists, ctl's blocks, slabs, page tables, the zero page,
 * vmalloc areas, mapped user pages, the page cache. A frame claimed twice
 * is a violation where it happens; vml_check_finish() then finds frames
 * nobody claimed, and compares every frame's flags, reference count and
 * map count with what its owner and the page tables say they must be.
 *
 * A check never trusts what it walks: every index is range-checked,
 * every list walk is bounded, nothing is dereferenced that did not come
 * from a structure already validated. It reports; it never repairs.
 */
#ifndef VMLAB_ARENA_CHECK_H
#define VMLAB_ARENA_CHECK_H

#include "arena/arena.h"

/*
 * What owns a frame. The comment names the layer that claims it. Tail
 * frames of a block have the state of their head.
 */
enum vml_frame_state {
	VML_FRAME_UNSEEN,	/* not claimed (yet) */
	VML_FRAME_META,		/* arena: boot-allocator metadata */
	VML_FRAME_BUDDY,	/* buddy: on a zone free list */
	VML_FRAME_PCP,		/* buddy: on a per-CPU free list */
	VML_FRAME_CTL,		/* buddy: handed out by ctl alloc_pages */
	VML_FRAME_SLAB,		/* slab: a slab's frames */
	VML_FRAME_KMALLOC,	/* slab: a large kmalloc block */
	VML_FRAME_PGTABLE,	/* mmu: a table of a live mm's tree */
	VML_FRAME_QUICKLIST,	/* mmu: a cached free table page */
	VML_FRAME_ZERO,		/* vma: the shared zero page */
	VML_FRAME_VMALLOC,	/* vma: a vmalloc area's frame */
	VML_FRAME_ANON,		/* vma: an anonymous page */
	VML_FRAME_PAGECACHE,	/* fault: a page-cache page */
	VML_FRAME_SWAPCACHE,	/* swap: a swap-cache page, mapped or not */
	VML_NR_FRAME_STATES,
};

/* Most violations kept as text; the rest are only counted. */
#define VML_CHECK_MAX_MSGS	32
#define VML_CHECK_MSG_LEN	160

/**
 * struct vml_check_frame - the ledger entry of one frame.
 * @maps: PTEs (present or PROT_NONE) found mapping it, zero page excepted.
 * @state: enum vml_frame_state.
 * @head: the first frame of the block it was claimed with.
 * @order: log2 of that block's frames, when a power of two (else 0).
 */
struct vml_check_frame {
	u32 maps;
	u8 state;
	bool head;
	u8 order;
};

/**
 * struct vml_check - one run of the checker.
 * @frames: the ledger, one entry per arena frame (kvmalloc, host memory).
 * @nr_frames: entries in @frames.
 * @ptes: PTEs looked at (present, PROT_NONE and swap).
 * @violations: violations found.
 * @msgs: the text of the first VML_CHECK_MAX_MSGS of them.
 */
struct vml_check {
	struct vml_check_frame *frames;
	unsigned long nr_frames;
	unsigned long ptes;
	unsigned long violations;
	char (*msgs)[VML_CHECK_MSG_LEN];
};

/**
 * vml_check_begin() - set up a run: an empty ledger for the live arena.
 * @chk: the run.
 * Context: process context, may sleep (allocates).
 * Return: 0, -ENODEV without an arena, or -ENOMEM.
 */
int vml_check_begin(struct vml_check *chk);

/**
 * vml_check_end() - free what vml_check_begin() allocated.
 * @chk: the run.
 */
void vml_check_end(struct vml_check *chk);

/**
 * vml_check_fail() - record a violation.
 * @chk: the run.
 * @fmt: what is wrong, printf format; one line, no newline.
 *
 * Context: any; never sleeps or allocates (it may run under spinlocks and
 * in an IPI).
 */
__printf(2, 3) void vml_check_fail(struct vml_check *chk, const char *fmt, ...);

/**
 * vml_check_claim() - record that a block of frames belongs to @state.
 * @chk: the run.
 * @idx: arena index of the first frame (range-checked here).
 * @nr: number of frames.
 * @state: the owner.
 * @what: who claims, for the message ("slab of kmalloc-64", "mm 3").
 *
 * Claiming a frame that already has an owner is a violation, except an
 * anonymous page claimed again by another PTE, or claimed as a swap-cache
 * page by the swap layer (which then accounts for the cache's reference).
 * Context: any; never sleeps.
 * Return: true if every frame was free to claim.
 */
bool vml_check_claim(struct vml_check *chk, u32 idx, unsigned long nr,
		     enum vml_frame_state state, const char *what);

/**
 * vml_check_state() - the state a frame was claimed with so far.
 * @chk: the run.
 * @idx: arena index; out of range gives VML_FRAME_UNSEEN.
 * Return: an enum vml_frame_state.
 */
enum vml_frame_state vml_check_state(const struct vml_check *chk, u32 idx);

/**
 * vml_check_add_map() - count one PTE mapping a frame.
 * @chk: the run.
 * @idx: arena index (range-checked by the caller).
 */
static inline void vml_check_add_map(struct vml_check *chk, u32 idx)
{
	chk->frames[idx].maps++;
}

/**
 * struct vml_check_refs - a multiset of pointers, for comparing an
 * object's reference count with the references the checker finds.
 * @ptrs: the pointers (kvmalloc, host memory).
 * @n: how many were added.
 * @max: room in @ptrs; adds beyond it are counted in @n only.
 */
struct vml_check_refs {
	const void **ptrs;
	unsigned long n, max;
};

/**
 * vml_check_refs_init() - room for @max pointers.
 * @refs: the multiset.
 * @max: most pointers expected.
 * Return: 0 or -ENOMEM.
 */
int vml_check_refs_init(struct vml_check_refs *refs, unsigned long max);

/**
 * vml_check_refs_add() - one more reference to @p.
 * @refs: the multiset.
 * @p: the object.
 */
void vml_check_refs_add(struct vml_check_refs *refs, const void *p);

/**
 * vml_check_refs_sort() - sort once every reference was added.
 * @refs: the multiset.
 * Return: false (and nothing sorted) when more were added than it had
 * room for: counts would be wrong, so none must be compared.
 */
bool vml_check_refs_sort(struct vml_check_refs *refs);

/**
 * vml_check_refs_count() - references found to @p (after the sort).
 * @refs: the multiset.
 * @p: the object.
 * Return: the count.
 */
unsigned long vml_check_refs_count(const struct vml_check_refs *refs, const void *p);

/** vml_check_refs_free() - free it. @refs: the multiset. */
void vml_check_refs_free(struct vml_check_refs *refs);

/**
 * vml_arena_check() - the arena's own part: every descriptor's zone and
 * node bits match its position, and the metadata frames are claimed.
 * @chk: the run.
 */
void vml_arena_check(struct vml_check *chk);

/**
 * vml_check_finish() - the comparison once every started layer claimed
 * its frames: each frame has an owner, the flags the owner implies, and
 * the reference and map counts its owner and the page tables account for.
 * @chk: the run.
 *
 * Only frames some started layer can hold are allocated, so a frame
 * without an owner is a leak (or a frame lost by a bad free) whatever
 * layers are up.
 */
void vml_check_finish(struct vml_check *chk);

/**
 * vml_frame_state_name() - "buddy", "slab", ... for messages.
 * @state: an enum vml_frame_state.
 * Return: the name.
 */
const char *vml_frame_state_name(enum vml_frame_state state);

#endif /* VMLAB_ARENA_CHECK_H */
