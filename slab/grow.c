// SPDX-License-Identifier: GPL-2.0
/*
 * grow.c - slabs: creating one from buddy pages (kmem_cache_grow(),
 * Gorman 8.2.2), taking slots from and returning them to the full /
 * partial / free lists (kmem_cache_alloc_one_tail() and
 * kmem_cache_free_one(), 8.2.5-8.2.6), and destroying slabs (8.2.8).
 *
 * Slots only ever move between a slab and a per-CPU array, in batches:
 * vml_slab_take() and vml_slab_put() run under cache->lock and are called
 * by cpucache.c. Pages are allocated and freed outside the lock.
 */
#include <linux/slab.h>
#include "slab/slab-internal.h"
#include "buddy/vmstat.h"

/* Point every frame of the slab at its descriptor (SET_PAGE_SLAB()). */
static void mark_frames(struct vml_slab *slab, unsigned int order, bool on)
{
	unsigned int i;

	for (i = 0; i < (1u << order); i++) {
		if (on) {
			slab->page[i].private = (unsigned long)slab;
			vml_page_set(&slab->page[i], VML_PG_slab);
		} else {
			vml_page_clear(&slab->page[i], VML_PG_slab);
			slab->page[i].private = 0;
		}
	}
}

/* The next colour offset, wrapping at cache->colour (Gorman 8.1.5). */
static unsigned int next_colour(struct vml_kmem_cache *cache)
{
	unsigned long flags;
	unsigned int colour;

	spin_lock_irqsave(&cache->lock, flags);
	colour = cache->colour_next;
	if (++cache->colour_next >= cache->colour)
		cache->colour_next = 0;
	cache->growing++;
	spin_unlock_irqrestore(&cache->lock, flags);
	return colour * cache->colour_off;
}

/* kmem_cache_slabmgmt(): the descriptor, on the slab or from a size cache. */
static struct vml_slab *slab_mgmt(struct vml_kmem_cache *cache, void *addr,
				  unsigned int colouroff, vml_gfp_t gfp)
{
	struct vml_slab *slab;

	if (cache->flags & VML_CFLGS_OFF_SLAB) {
		slab = vml_kmem_cache_alloc(cache->slabp_cache, gfp);
		if (!slab)
			return NULL;
		slab->s_mem = addr + colouroff;
	} else {
		slab = addr + colouroff;
		slab->s_mem = addr + colouroff + cache->mgmt_size;
	}
	slab->cache = cache;
	slab->colouroff = colouroff;
	slab->inuse = 0;
	slab->free = 0;
	return slab;
}

/* kmem_cache_init_objs(): chain the bufctls, set debug words, construct. */
static void init_objs(struct vml_kmem_cache *cache, struct vml_slab *slab)
{
	unsigned int i;

	for (i = 0; i < cache->num; i++) {
		void *buf = vml_slab_buf(cache, slab, i);

		slab->bufctl[i] = i + 1 < cache->num ? i + 1 : VML_BUFCTL_END;
		vml_slab_init_obj(cache, buf);
	}
}

/**
 * vml_slab_grow() - add one slab to the cache's free list.
 * @cache: the cache.
 * @gfp: flags for the buddy allocator (zone modifiers are dropped).
 * Return: 0, or -ENOMEM.
 */
int vml_slab_grow(struct vml_kmem_cache *cache, vml_gfp_t gfp)
{
	unsigned int colouroff = next_colour(cache);
	struct vml_slab *slab = NULL;
	struct vml_page *page;
	unsigned long flags;

	gfp &= ~(VML___GFP_DMA | VML___GFP_HIGHMEM | VML___GFP_ZERO);
	page = vml_alloc_pages(gfp, cache->gfporder);
	if (page)
		slab = slab_mgmt(cache, vml_page_address(page), colouroff, gfp);
	if (slab) {
		slab->page = page;
		/* Marked first, so that a constructor can find its cache. */
		mark_frames(slab, cache->gfporder, true);
		init_objs(cache, slab);
		vml_count_event(VML_EV_SLAB_GROW);
	} else if (page) {
		vml_free_pages(page, cache->gfporder);
	}
	spin_lock_irqsave(&cache->lock, flags);
	cache->growing--;
	if (slab) {
		list_add_tail(&slab->list, &cache->slabs_free);
		cache->num_slabs++;
		cache->free_slabs++;
		cache->free_objects += cache->num;
		cache->grown = true;
		cache->stat_grown++;
	}
	spin_unlock_irqrestore(&cache->lock, flags);
	return slab ? 0 : -ENOMEM;
}

/*
 * A free index that points outside the slab means the descriptor was
 * overwritten (an underrun of the first object reaches an on-slab one).
 * Stop allocating from the slab rather than follow the index.
 */
static bool bad_free_index(struct vml_kmem_cache *cache, struct vml_slab *slab)
{
	if (likely(slab->free < cache->num))
		return false;
	vml_slab_report(cache, VML_SLAB_ERR_CORRUPT, slab->s_mem,
			"slab free list corrupted; slab retired");
	cache->free_objects -= cache->num - slab->inuse;
	slab->inuse = cache->num;
	slab->free = VML_BUFCTL_END;
	list_move(&slab->list, &cache->slabs_full);
	return true;
}

/* Take up to @max slots from one slab; refile the slab by its fill. */
static unsigned int take_from_slab(struct vml_kmem_cache *cache,
				   struct vml_slab *slab, void **bufs,
				   unsigned int max)
{
	unsigned int n = 0, idx;

	if (!slab->inuse)
		cache->free_slabs--;
	while (n < max && slab->inuse < cache->num) {
		if (bad_free_index(cache, slab))
			return n;
		idx = slab->free;
		slab->free = slab->bufctl[idx];
		WRITE_ONCE(slab->bufctl[idx], VML_BUFCTL_CPU);
		slab->inuse++;
		bufs[n++] = vml_slab_buf(cache, slab, idx);
	}
	cache->free_objects -= n;
	list_move(&slab->list, slab->inuse == cache->num ?
		  &cache->slabs_full : &cache->slabs_partial);
	return n;
}

/**
 * vml_slab_take() - move free slots to a per-CPU array (the refill half
 * of Gorman 8.5): partial slabs first, then free ones.
 * @cache: the cache; cache->lock held.
 * @bufs: where to store the slots.
 * @max: most slots to take.
 * Return: slots taken, 0 when the cache must grow.
 */
unsigned int vml_slab_take(struct vml_kmem_cache *cache, void **bufs,
			   unsigned int max)
{
	struct vml_slab *slab;
	unsigned int n = 0;

	lockdep_assert_held(&cache->lock);
	while (n < max) {
		slab = list_first_entry_or_null(&cache->slabs_partial,
						struct vml_slab, list);
		if (!slab)
			slab = list_first_entry_or_null(&cache->slabs_free,
							struct vml_slab, list);
		if (!slab)
			break;
		n += take_from_slab(cache, slab, bufs + n, max - n);
	}
	cache->stat_high = max(cache->stat_high,
			       cache->num_slabs * cache->num - cache->free_objects);
	return n;
}

/* Put one slot back on its slab's chain (kmem_cache_free_one()). */
static void put_one(struct vml_kmem_cache *cache, void *buf,
		    struct list_head *to_free)
{
	struct vml_slab *slab = vml_addr_to_slab(buf);
	unsigned int idx;

	if (WARN_ON_ONCE(!slab || slab->cache != cache))
		return;
	idx = vml_slab_index(cache, slab, buf);
	/* Only an overwritten on-slab descriptor can change a parked state. */
	if (unlikely(slab->bufctl[idx] != VML_BUFCTL_CPU)) {
		vml_slab_report(cache, VML_SLAB_ERR_CORRUPT, buf,
				"bufctl state overwritten; object leaked");
		return;
	}
	slab->bufctl[idx] = slab->free;
	slab->free = idx;
	if (slab->inuse-- == cache->num)
		list_move(&slab->list, &cache->slabs_partial);
	cache->free_objects++;
	if (slab->inuse)
		return;
	/* Empty: keep it unless the cache already holds enough free slots. */
	if (to_free && cache->free_objects > cache->free_limit) {
		list_move(&slab->list, to_free);
		cache->free_objects -= cache->num;
		cache->num_slabs--;
		return;
	}
	list_move(&slab->list, &cache->slabs_free);
	cache->free_slabs++;
}

/**
 * vml_slab_put() - return slots from a per-CPU array (free_block()).
 * @cache: the cache; cache->lock held.
 * @bufs: the slots.
 * @n: how many.
 * @to_free: slabs that became empty beyond the cache's free_limit are
 *           moved here for vml_slab_destroy_list(); NULL keeps them all.
 */
void vml_slab_put(struct vml_kmem_cache *cache, void **bufs, unsigned int n,
		  struct list_head *to_free)
{
	unsigned int i;

	lockdep_assert_held(&cache->lock);
	for (i = 0; i < n; i++)
		put_one(cache, bufs[i], to_free);
}

/* kmem_slab_destroy(): unmark the frames, free descriptor and pages. */
static void slab_destroy(struct vml_kmem_cache *cache, struct vml_slab *slab)
{
	struct vml_page *page = slab->page;

	mark_frames(slab, cache->gfporder, false);
	if (cache->flags & VML_CFLGS_OFF_SLAB)
		vml_kmem_cache_free(cache->slabp_cache, slab);
	vml_free_pages(page, cache->gfporder);
	vml_count_event(VML_EV_SLAB_DESTROY);
}

/**
 * vml_slab_destroy_list() - destroy slabs already unlinked from the cache.
 * @cache: their cache; cache->lock not held.
 * @list: the slabs.
 */
void vml_slab_destroy_list(struct vml_kmem_cache *cache, struct list_head *list)
{
	struct vml_slab *slab, *tmp;

	list_for_each_entry_safe(slab, tmp, list, list) {
		list_del(&slab->list);
		slab_destroy(cache, slab);
	}
}

/**
 * vml_slab_free_free() - destroy up to @max_slabs slabs of slabs_free,
 * stopping early while the cache is growing (Gorman 8.1.8).
 * @cache: the cache; per-CPU arrays drained by the caller if wanted.
 * @max_slabs: most slabs to destroy.
 * Return: pages given back.
 */
unsigned long vml_slab_free_free(struct vml_kmem_cache *cache,
				 unsigned long max_slabs)
{
	unsigned long flags, n = 0;
	struct vml_slab *slab;
	LIST_HEAD(victims);

	spin_lock_irqsave(&cache->lock, flags);
	while (n < max_slabs && !cache->growing &&
	       !list_empty(&cache->slabs_free)) {
		/* The coldest slab first: the tail of the free list. */
		slab = list_last_entry(&cache->slabs_free, struct vml_slab, list);
		list_move(&slab->list, &victims);
		cache->free_slabs--;
		cache->num_slabs--;
		cache->free_objects -= cache->num;
		n++;
	}
	cache->stat_reaped += n;
	spin_unlock_irqrestore(&cache->lock, flags);
	vml_slab_destroy_list(cache, &victims);
	return n << cache->gfporder;
}

/**
 * vml_slab_release_all() - destroy every slab, live objects or not; for
 * tearing down a cache whose owner leaked objects.
 * @cache: the cache; no longer reachable by anyone else.
 */
void vml_slab_release_all(struct vml_kmem_cache *cache)
{
	LIST_HEAD(all);

	spin_lock_irq(&cache->lock);
	list_splice_init(&cache->slabs_full, &all);
	list_splice_init(&cache->slabs_partial, &all);
	list_splice_init(&cache->slabs_free, &all);
	cache->num_slabs = 0;
	cache->free_slabs = 0;
	cache->free_objects = 0;
	spin_unlock_irq(&cache->lock);
	vml_slab_destroy_list(cache, &all);
}
