// SPDX-License-Identifier: GPL-2.0
/*
 * layout.c - how a cache's slabs are laid out: slot size and alignment,
 * debug words, objects per slab, slab order, descriptor placement and
 * colouring (Gorman 8.1.5, 8.1.6, 8.2.1, 8.2.7; kmem_cache_estimate() of
 * 2.4 and calculate_slab_order() of today's mm/slab.c).
 *
 * Pure arithmetic on a cache being created: no locks, no allocation.
 */
#include <linux/cache.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include "slab/slab-internal.h"

/* Largest slab: the largest buddy block. */
#define VML_SLAB_MAX_ORDER	(VML_MAX_ORDER - 1)
/* Objects at least this large keep their descriptor off-slab (Gorman 8.2.1). */
#define VML_OFF_SLAB_MIN	(PAGE_SIZE >> 3)

/**
 * vml_slab_mgmt_size() - bytes of an on-slab descriptor for @num slots.
 * @num: slots per slab.
 * @align: slot alignment; the first slot follows the descriptor aligned.
 *
 * 2.4 rounds up to the L1 line; today's Linux only to the slot alignment,
 * which wastes less on small caches and is what vmlab does.
 * Return: bytes.
 */
unsigned int vml_slab_mgmt_size(unsigned int num, unsigned int align)
{
	return ALIGN(struct_size((struct vml_slab *)NULL, bufctl, num), align);
}

/**
 * vml_slab_estimate() - objects per slab and the bytes left over
 * (Gorman 8.2.7, kmem_cache_estimate()).
 * @order: slab order.
 * @size: slot size.
 * @align: slot alignment.
 * @off_slab: the descriptor is kept elsewhere.
 * @num: set to the largest number of slots that fit.
 * @left_over: set to the bytes left, which colouring then uses.
 */
void vml_slab_estimate(unsigned int order, unsigned int size, unsigned int align,
		       bool off_slab, unsigned int *num, unsigned int *left_over)
{
	size_t bytes = PAGE_SIZE << order, n, mgmt = 0;

	if (off_slab) {
		n = bytes / size;
	} else {
		/* Each slot costs its size plus one bufctl entry. */
		n = (bytes - sizeof(struct vml_slab)) / (size + sizeof(vml_bufctl_t));
		while (n && vml_slab_mgmt_size(n, align) + n * size > bytes)
			n--;
	}
	n = min_t(size_t, n, VML_SLAB_OBJ_MAX);
	if (!off_slab)
		mgmt = vml_slab_mgmt_size(n, align);
	*num = n;
	*left_over = bytes - n * size - mgmt;
}

/*
 * Slot alignment (today's __kmem_cache_create()): at least a word; with
 * HWCACHE_ALIGN a cache line, halved while two objects still fit in it.
 */
static unsigned int slot_align(size_t size, size_t align, unsigned long flags)
{
	unsigned int ralign;

	align = max_t(size_t, align, sizeof(void *));
	if (flags & VML_SLAB_HWCACHE_ALIGN) {
		ralign = cache_line_size();
		while (size <= ralign / 2)
			ralign /= 2;
		align = max_t(size_t, align, ralign);
	}
	return align;
}

/*
 * Place the debug words around the object: red zone 1 just before it
 * (the object keeps its alignment, so the zone is padded to it), red zone
 * 2 right after its last byte, then the last user's address, aligned.
 */
static size_t debug_layout(struct vml_kmem_cache *cache, size_t size)
{
	cache->obj_offset = 0;
	if (cache->flags & VML_SLAB_RED_ZONE) {
		cache->obj_offset = max_t(unsigned int, cache->align, sizeof(u64));
		size = cache->obj_offset + size + sizeof(u64);
	}
	if (cache->flags & VML_SLAB_STORE_USER)
		size = ALIGN(size, sizeof(u64)) + sizeof(unsigned long);
	return ALIGN(size, cache->align);
}

/*
 * Choose the slab order (Gorman 8.1.6 / calculate_slab_order()): the
 * smallest order that holds an object, grown while more than 1/8 of the
 * slab would be wasted, but not beyond vml_slab_break_order unless
 * nothing fits.
 */
static int choose_order(struct vml_kmem_cache *cache, unsigned int *left_over)
{
	bool off = cache->flags & VML_CFLGS_OFF_SLAB;
	unsigned int order, num = 0;

	for (order = 0; order <= VML_SLAB_MAX_ORDER; order++) {
		vml_slab_estimate(order, cache->size, cache->align, off, &num,
				  left_over);
		if (!num)
			continue;
		if (order >= vml_slab_break_order)
			break;
		if (*left_over * 8 <= (PAGE_SIZE << order))
			break;
	}
	if (!num)
		return -EINVAL;
	cache->num = num;
	cache->gfporder = order;
	return 0;
}

/*
 * Keep the descriptor off-slab for large objects when a size cache can
 * hold it (Gorman 8.2.1); move it back on-slab when it fits in what is
 * left over anyway (today's Linux), or when no size cache can take it yet
 * (while the size caches themselves are being created).
 */
static int place_descriptor(struct vml_kmem_cache *cache, unsigned int *left_over)
{
	unsigned int mgmt = struct_size((struct vml_slab *)NULL, bufctl, cache->num);

	if (!(cache->flags & VML_CFLGS_OFF_SLAB))
		return 0;
	cache->slabp_cache = vml_kmalloc_cache(mgmt);
	if (cache->slabp_cache == cache)
		cache->slabp_cache = NULL;
	if (!cache->slabp_cache) {
		cache->flags &= ~VML_CFLGS_OFF_SLAB;
		return choose_order(cache, left_over);
	}
	mgmt = vml_slab_mgmt_size(cache->num, cache->align);
	if (*left_over >= mgmt) {
		cache->flags &= ~VML_CFLGS_OFF_SLAB;
		cache->slabp_cache = NULL;
		*left_over -= mgmt;
	}
	return 0;
}

/**
 * vml_slab_layout() - compute every layout field of a cache being created.
 * @cache: flags set; the rest of the layout is filled in.
 * @size: the caller's object size.
 * @align: the caller's alignment (0 or a power of two).
 * Return: 0, or -EINVAL when no slab can hold an object.
 */
int vml_slab_layout(struct vml_kmem_cache *cache, size_t size, size_t align)
{
	unsigned int left_over;
	int ret;

	if (!size || size > (PAGE_SIZE << VML_SLAB_MAX_ORDER) ||
	    (align && !is_power_of_2(align)) || align > PAGE_SIZE)
		return -EINVAL;
	cache->object_size = size;
	cache->align = slot_align(size, align, cache->flags);
	cache->size = debug_layout(cache, size);
	if (cache->size >= VML_OFF_SLAB_MIN)
		cache->flags |= VML_CFLGS_OFF_SLAB;
	ret = choose_order(cache, &left_over);
	if (ret)
		return ret;
	ret = place_descriptor(cache, &left_over);
	if (ret)
		return ret;
	cache->mgmt_size = (cache->flags & VML_CFLGS_OFF_SLAB) ?
		struct_size((struct vml_slab *)NULL, bufctl, cache->num) :
		vml_slab_mgmt_size(cache->num, cache->align);
	/* Colouring (Gorman 8.1.5): offsets in cache lines, from the leftover. */
	cache->colour_off = max_t(unsigned int, cache_line_size(), cache->align);
	cache->colour = left_over / cache->colour_off;
	cache->colour_next = 0;
	cache->reciprocal_size = reciprocal_value(cache->size);
	return 0;
}
