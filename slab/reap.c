// SPDX-License-Identifier: GPL-2.0
/*
 * reap.c - giving slab pages back: kmem_cache_shrink() on request and
 * kmem_cache_reap() under memory pressure (Gorman 8.1.7, 8.1.8).
 *
 * The reaper is 2.4's: a clock hand over the cache chain, at most
 * REAP_SCANLEN caches looked at per pass, the cache that would give back
 * the most pages chosen (a cache with a constructor, or with slabs of
 * order > 0, counts for 4/5 of its pages: its objects are dearer to
 * rebuild and its blocks harder to find again), half of its free slabs
 * freed, stopping at once on a "perfect" candidate. vmlab adds a cap of
 * VML_REAP_MAX_PAGES per pass. It is called by reclaim, not registered as
 * a hook: reclaim sits above slab.
 */
#include <linux/kernel.h>
#include "slab/slab-internal.h"

#define REAP_SCANLEN	10
#define REAP_PERFECT	10

/* Where the last reap pass stopped; NULL means the chain's start. */
static struct vml_kmem_cache *clock_searchp;

unsigned long vml_kmem_cache_shrink(struct vml_kmem_cache *cache)
{
	unsigned long pages;

	mutex_lock(&vml_slab_mutex);
	vml_cpucache_drain_all(cache);
	pages = vml_slab_free_free(cache, ULONG_MAX);
	mutex_unlock(&vml_slab_mutex);
	return pages;
}

/* The next cache after @cache on the chain, wrapping around. */
static struct vml_kmem_cache *next_cache(struct vml_kmem_cache *cache)
{
	if (list_is_last(&cache->list, &vml_slab_caches))
		return list_first_entry(&vml_slab_caches, struct vml_kmem_cache, list);
	return list_next_entry(cache, list);
}

/*
 * What reaping @cache would be worth, in penalised pages, and how many
 * free slabs it has; 0 for a cache that must be skipped. Like 2.4, a cache
 * that grew since the last pass is skipped once, and only this CPU's
 * array is drained first (the others may be in use right now).
 */
static unsigned long reap_value(struct vml_kmem_cache *cache,
				unsigned long *free_slabs)
{
	unsigned long pages, flags;

	if (cache->flags & VML_SLAB_NO_REAP)
		return 0;
	spin_lock_irqsave(&cache->lock, flags);
	if (cache->growing || cache->grown) {
		cache->grown = false;
		spin_unlock_irqrestore(&cache->lock, flags);
		return 0;
	}
	spin_unlock_irqrestore(&cache->lock, flags);
	vml_cpucache_drain_local(cache);
	spin_lock_irqsave(&cache->lock, flags);
	*free_slabs = cache->free_slabs;
	spin_unlock_irqrestore(&cache->lock, flags);
	pages = *free_slabs << cache->gfporder;
	if (cache->ctor)
		pages = (pages * 4 + 1) / 5;
	if (cache->gfporder)
		pages = (pages * 4 + 1) / 5;
	return pages;
}

/* Pick the cache to reap; chain mutex held. */
static struct vml_kmem_cache *choose_victim(unsigned long *slabs)
{
	struct vml_kmem_cache *searchp, *start, *best = NULL;
	unsigned long best_pages = 0, pages, free_slabs = 0;
	int scan = REAP_SCANLEN;

	start = clock_searchp ?: list_first_entry(&vml_slab_caches,
						  struct vml_kmem_cache, list);
	searchp = start;
	do {
		pages = reap_value(searchp, &free_slabs);
		if (pages > best_pages) {
			best = searchp;
			best_pages = pages;
			*slabs = free_slabs;
			if (pages >= REAP_PERFECT) {
				searchp = next_cache(searchp);
				break;
			}
		}
		searchp = next_cache(searchp);
	} while (--scan && searchp != start);
	clock_searchp = searchp;
	return best;
}

unsigned long vml_kmem_cache_reap(vml_gfp_t gfp)
{
	struct vml_kmem_cache *best;
	unsigned long slabs = 0, pages = 0;

	if (gfp & VML___GFP_DIRECT_RECLAIM)
		mutex_lock(&vml_slab_mutex);
	else if (!mutex_trylock(&vml_slab_mutex))
		return 0;
	if (list_empty(&vml_slab_caches))
		goto out;
	best = choose_victim(&slabs);
	if (!best)
		goto out;
	/* Half the free slabs, rounded up, within the per-pass cap. */
	slabs = min((slabs + 1) / 2, VML_REAP_MAX_PAGES >> best->gfporder);
	pages = vml_slab_free_free(best, max(slabs, 1ul));
out:
	mutex_unlock(&vml_slab_mutex);
	return pages;
}

/**
 * vml_slab_reap_forget() - drop the clock hand if it points at @cache,
 * which is leaving the chain.
 * @cache: the cache; chain mutex held.
 */
void vml_slab_reap_forget(struct vml_kmem_cache *cache)
{
	if (clock_searchp == cache)
		clock_searchp = list_is_singular(&vml_slab_caches) ? NULL :
				next_cache(cache);
}
