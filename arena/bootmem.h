/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: The boot allocator
 *
 * bootmem.h - the boot allocator (Gorman ch. 5), private to arena/ except
 * for the retirement call that the buddy allocator makes.
 */
#ifndef VMLAB_ARENA_BOOTMEM_H
#define VMLAB_ARENA_BOOTMEM_H

#include <linux/types.h>

/**
 * struct vml_bootmem - state of the boot allocator.
 * @bitmap: one bit per arena frame, set when the frame is in use; it lives
 *          in the first frames of the arena.
 * @bitmap_frames: frames the bitmap itself occupies.
 * @nr_frames: frames covered.
 * @last_pos: frame of the last allocation's final page (for merging).
 * @last_offset: bytes used in that frame; 0 when it is full or unused.
 * @last_success: where the previous page search ended (search hint).
 * @alloc_bytes: bytes handed out, sub-page merging included.
 * @alloc_frames: frames marked in use by allocations (bitmap excluded).
 * @merged: allocations satisfied by merging into a partial page.
 * @retired: set once the allocator has been retired.
 */
struct vml_bootmem {
	unsigned long *bitmap;
	u32 bitmap_frames;
	u32 nr_frames;
	u32 last_pos;
	u32 last_offset;
	u32 last_success;
	unsigned long alloc_bytes;
	unsigned long alloc_frames;
	unsigned long merged;
	bool retired;
};

extern struct vml_bootmem vml_bootmem;

int vml_bootmem_init(void);
void *vml_bootmem_alloc(size_t size, size_t align, u32 goal);

/**
 * vml_bootmem_retire() - hand every unused frame to the page allocator.
 * @release: called for each free, naturally aligned block (arena index and
 *           order), the bitmap's own frames included.
 *
 * Runs exactly once; afterwards the bitmap is gone and vml_bootmem_alloc()
 * fails. Frames the boot allocator handed out stay reserved.
 * Return: frames released, or 0 if already retired.
 */
unsigned long vml_bootmem_retire(void (*release)(u32 idx, unsigned int order));

#endif /* VMLAB_ARENA_BOOTMEM_H */
