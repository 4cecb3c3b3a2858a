// SPDX-License-Identifier: GPL-2.0
/*
 * bootmem.c - the boot allocator (Gorman ch. 5, mm/bootmem.c of 2.4).
 *
 * First-fit over a bitmap with one bit per arena frame. Used only while the
 * arena is being described: it places the frame descriptors and the node
 * structures inside the arena. Small allocations share a page with the one
 * before them (last_pos/last_offset, as __alloc_bootmem_core does).
 * Single-threaded by construction: it runs at load, before anything else
 * can see the arena. Retired into the buddy allocator exactly once.
 */
#include <linux/bitmap.h>
#include <linux/string.h>
#include "arena/arena.h"
#include "arena/bootmem.h"

struct vml_bootmem vml_bootmem;

static void *idx_to_virt(u32 idx)
{
	return vml_arena.virt + ((unsigned long)idx << PAGE_SHIFT);
}

/* The bitmap sits in the first frames of the arena and marks itself used. */
int vml_bootmem_init(void)
{
	struct vml_bootmem *bm = &vml_bootmem;
	size_t bytes = BITS_TO_LONGS(vml_arena.nr_frames) * sizeof(long);

	memset(bm, 0, sizeof(*bm));
	bm->nr_frames = vml_arena.nr_frames;
	bm->bitmap_frames = DIV_ROUND_UP(bytes, PAGE_SIZE);
	if (bm->bitmap_frames >= bm->nr_frames)
		return -ENOMEM;
	bm->bitmap = idx_to_virt(0);
	memset(bm->bitmap, 0, bytes);
	bitmap_set(bm->bitmap, 0, bm->bitmap_frames);
	bm->last_success = bm->bitmap_frames;
	return 0;
}

/* First fit for @nr frames aligned to @step, from @goal, wrapping once. */
static long find_free_frames(u32 nr, u32 step, u32 goal)
{
	struct vml_bootmem *bm = &vml_bootmem;
	unsigned long start, end;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		start = ALIGN(pass ? 0 : goal, step);
		while (start + nr <= bm->nr_frames) {
			start = find_next_zero_bit(bm->bitmap, bm->nr_frames, start);
			start = ALIGN(start, step);
			if (start + nr > bm->nr_frames)
				break;
			end = find_next_bit(bm->bitmap, start + nr, start);
			if (end >= start + nr)
				return start;
			start = end + 1;
		}
	}
	return -1;
}

/*
 * Try to place @size bytes in the partially used page of the previous
 * allocation. This is what keeps many small boot allocations (node
 * descriptors) from wasting a page each.
 */
static void *try_merge(size_t size, size_t align)
{
	struct vml_bootmem *bm = &vml_bootmem;
	u32 off;

	if (!bm->last_offset || align > PAGE_SIZE)
		return NULL;
	off = ALIGN(bm->last_offset, align);
	if (off + size > PAGE_SIZE)
		return NULL;
	bm->last_offset = (off + size) % PAGE_SIZE;
	bm->merged++;
	return idx_to_virt(bm->last_pos) + off;
}

/**
 * vml_bootmem_alloc() - allocate zeroed memory inside the arena at boot.
 * @size: bytes wanted.
 * @align: alignment, a power of two (page alignment or larger is honoured
 *         by starting on a frame whose index is a multiple of align/4K).
 * @goal: arena index to start searching from.
 * Return: kernel virtual address inside the arena, or NULL.
 */
void *vml_bootmem_alloc(size_t size, size_t align, u32 goal)
{
	struct vml_bootmem *bm = &vml_bootmem;
	u32 nr, step;
	long start;
	void *ret;

	if (bm->retired || !size || !is_power_of_2(align))
		return NULL;
	ret = try_merge(size, align);
	if (ret)
		goto out;
	nr = DIV_ROUND_UP(size, PAGE_SIZE);
	step = align > PAGE_SIZE ? align >> PAGE_SHIFT : 1;
	start = find_free_frames(nr, step, goal ? goal : bm->last_success);
	if (start < 0)
		return NULL;
	bitmap_set(bm->bitmap, start, nr);
	bm->alloc_frames += nr;
	bm->last_success = start + nr;
	bm->last_pos = start + nr - 1;
	bm->last_offset = size % PAGE_SIZE;
	ret = idx_to_virt(start);
out:
	bm->alloc_bytes += size;
	memset(ret, 0, size);
	return ret;
}

/* Largest naturally aligned block at @idx that fits below @end. */
static unsigned int block_order(u32 idx, u32 end)
{
	unsigned int order = VML_MAX_ORDER - 1;

	while (order && ((idx & ((1u << order) - 1)) || idx + (1u << order) > end))
		order--;
	return order;
}

static unsigned long release_range(u32 start, u32 end,
				   void (*release)(u32 idx, unsigned int order))
{
	unsigned long n = 0;
	unsigned int order;

	while (start < end) {
		order = block_order(start, end);
		release(start, order);
		start += 1u << order;
		n += 1ul << order;
	}
	return n;
}

unsigned long vml_bootmem_retire(void (*release)(u32 idx, unsigned int order))
{
	struct vml_bootmem *bm = &vml_bootmem;
	unsigned long freed = 0;
	u32 start, end;

	if (bm->retired)
		return 0;
	/* The bitmap's own frames are free too once retirement is done. */
	bitmap_clear(bm->bitmap, 0, bm->bitmap_frames);
	for (start = 0; start < bm->nr_frames; start = end) {
		start = find_next_zero_bit(bm->bitmap, bm->nr_frames, start);
		if (start >= bm->nr_frames)
			break;
		end = find_next_bit(bm->bitmap, bm->nr_frames, start);
		/* Do not free the bitmap's frames while still reading it. */
		if (start < bm->bitmap_frames) {
			start = bm->bitmap_frames;
			if (start >= end)
				continue;
		}
		freed += release_range(start, end, release);
	}
	bm->retired = true;
	bm->bitmap = NULL;
	freed += release_range(0, bm->bitmap_frames, release);
	return freed;
}
