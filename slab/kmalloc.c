// SPDX-License-Identifier: GPL-2.0
/*
 * kmalloc.c - the sizes caches and kmalloc()/kfree()/ksize() (Gorman 8.4).
 *
 * Size caches "kmalloc-<n>" from 32 bytes to 128 KiB in powers of two,
 * plus 96 and 192 as today's Linux has (2.4 had "size-<n>" and no odd
 * sizes). Larger requests go straight to the buddy allocator, as today's
 * large_alloc(): the head frame's ->private then points at a marker so
 * that kfree() and ksize() can tell such a block from any other page.
 */
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "arena/check.h"
#include "slab/slab-internal.h"

#define NR_KMALLOC	15

static const unsigned int kmalloc_sizes[NR_KMALLOC] = {
	32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192, 16384,
	32768, 65536, 131072,
};

static struct vml_kmem_cache *size_caches[NR_KMALLOC];

/* Marks the head frame of a large kmalloc block. */
static const char large_kmalloc_owner[] = "kmalloc-large";

/*
 * Class of each size up to 192 bytes in 8-byte steps, by (size - 1) / 8
 * (today's size_index[] in mm/slab_common.c): one load instead of a
 * chain of compares on every kmalloc.
 */
static const u8 small_index[24] = {
	0, 0, 0, 0,		/*   1..32 */
	1, 1, 1, 1,		/*  33..64 */
	2, 2, 2, 2,		/*  65..96 */
	3, 3, 3, 3,		/*  97..128 */
	4, 4, 4, 4, 4, 4, 4, 4,	/* 129..192 */
};

/* Index into kmalloc_sizes of the smallest class holding @size (>0) bytes. */
static int size_index(size_t size)
{
	if (size <= 192)
		return small_index[(size - 1) / 8];
	if (size > VML_KMALLOC_MAX_CACHE)
		return -1;
	return ilog2(size - 1) + 1 - 8 + 5;	/* 256 -> 5 ... 128K -> 14 */
}

/* NULL also while the size caches are being created. */
struct vml_kmem_cache *vml_kmalloc_cache(size_t size)
{
	int i = size ? size_index(size) : -1;

	return i < 0 ? NULL : READ_ONCE(size_caches[i]);
}

static void *large_alloc(size_t size, vml_gfp_t gfp)
{
	unsigned int order = get_order(size);
	struct vml_page *page;

	if (order >= VML_MAX_ORDER)
		return NULL;
	page = vml_alloc_pages(gfp & ~VML___GFP_HIGHMEM, order);
	if (!page)
		return NULL;
	page->private = (unsigned long)large_kmalloc_owner;
	return vml_page_address(page);
}

void *vml_kmalloc(size_t size, vml_gfp_t gfp)
{
	struct vml_kmem_cache *cache;

	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	if (size > VML_KMALLOC_MAX_CACHE)
		return large_alloc(size, gfp);
	cache = vml_kmalloc_cache(size);
	return cache ? vml_kmem_cache_alloc(cache, gfp) : NULL;
}

void *vml_kzalloc(size_t size, vml_gfp_t gfp)
{
	return vml_kmalloc(size, gfp | VML___GFP_ZERO);
}

/* The head frame of a large kmalloc block starting at @obj, or NULL. */
static struct vml_page *large_head(const void *obj)
{
	struct vml_page *page;

	if (!vml_virt_in_arena(obj) || offset_in_page(obj))
		return NULL;
	page = vml_virt_to_page(obj);
	if (page->private != (unsigned long)large_kmalloc_owner ||
	    vml_page_count(page) <= 0 || vml_page_test(page, VML_PG_slab))
		return NULL;
	return page;
}

/**
 * vml_kfree_check() - would vml_kfree(@obj) be accepted?
 * @obj: the pointer.
 * Return: NULL if so, else why it would be refused.
 */
const char *vml_kfree_check(const void *obj)
{
	struct vml_slab *slab;
	unsigned int idx;

	if (ZERO_OR_NULL_PTR(obj) || large_head(obj))
		return NULL;
	slab = vml_addr_to_slab(obj);
	if (!slab)
		return "pointer is neither a slab object nor a large kmalloc block";
	return vml_slab_check_free(slab->cache, obj, &slab, &idx);
}

void vml_kfree(const void *obj)
{
	struct vml_page *page;

	if (unlikely(ZERO_OR_NULL_PTR(obj)))
		return;
	if (likely(vml_slab_free_obj(obj)))
		return;
	page = large_head(obj);
	if (!page) {
		vml_slab_report_foreign(obj);
		return;
	}
	page->private = 0;
	vml_free_pages(page, vml_page_order(page));
}

size_t vml_ksize(const void *obj)
{
	struct vml_slab *slab;
	struct vml_page *page;

	if (ZERO_OR_NULL_PTR(obj))
		return 0;
	slab = vml_addr_to_slab(obj);
	if (slab)
		return slab->cache->object_size;
	page = large_head(obj);
	return page ? PAGE_SIZE << vml_page_order(page) : 0;
}

/**
 * vml_kmalloc_init() - create the size caches, smallest first (a larger
 * one may keep its slab descriptors in a smaller one).
 * Return: 0 or -errno; caches created so far are left to vml_slab_exit().
 */
int vml_kmalloc_init(void)
{
	struct vml_kmem_cache *cache;
	char name[VML_CACHE_NAMELEN];
	int i;

	for (i = 0; i < NR_KMALLOC; i++) {
		snprintf(name, sizeof(name), "kmalloc-%u", kmalloc_sizes[i]);
		cache = __vml_kmem_cache_create(name, kmalloc_sizes[i], 0,
						VML_CFLGS_KMALLOC, NULL);
		if (IS_ERR(cache))
			return PTR_ERR(cache);
		WRITE_ONCE(size_caches[i], cache);
	}
	return 0;
}

/** vml_kmalloc_exit() - forget the size caches; vml_slab_exit() frees them. */
void vml_kmalloc_exit(void)
{
	int i;

	for (i = 0; i < NR_KMALLOC; i++)
		WRITE_ONCE(size_caches[i], NULL);
}

/*
 * The checker's view of large blocks: a head frame in use whose ->private
 * is the marker. Free frames keep a stale ->private but have no reference.
 */
void vml_kmalloc_check(struct vml_check *chk)
{
	struct vml_page *page;
	unsigned int order;
	u32 idx;

	for (idx = 0; idx < vml_arena.nr_frames; idx++) {
		page = vml_idx_to_page(idx);
		if (page->private != (unsigned long)large_kmalloc_owner ||
		    vml_page_count(page) <= 0 || vml_page_test(page, VML_PG_slab))
			continue;
		order = vml_page_order(page);
		vml_check_claim(chk, idx, 1ul << order, VML_FRAME_KMALLOC,
				"large kmalloc");
		idx += (1u << order) - 1;
	}
}
