// SPDX-License-Identifier: GPL-2.0
/*
 * cache.c - the cache chain: creating and destroying caches (Gorman 8.1.6,
 * 8.1.9), the cache of caches (8.6), and bringing the allocator up and
 * down with the arena.
 *
 * Every cache descriptor is an object of cache_cache ("kmem_cache"), whose
 * own descriptor is the one static one. All of a cache's slabs, and so
 * every object, live in the arena; only the per-CPU arrays are host memory.
 *
 * Locking: vml_slab_mutex (Gorman's cache_chain_sem) serializes changes to
 * the chain and walks of it; creation and destruction are process context.
 */
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/string.h>
#include "slab/slab-internal.h"

/* Gorman's cache_chain_sem: the chain, creation and destruction. */
DEFINE_MUTEX(vml_slab_mutex);
LIST_HEAD(vml_slab_caches);
unsigned int vml_slab_break_order;

static struct vml_kmem_cache cache_cache;

/* Set up the fields that do not depend on the layout. */
static void cache_init(struct vml_kmem_cache *cache, const char *name,
		       unsigned long flags, void (*ctor)(void *obj))
{
	int i;

	memset(cache, 0, sizeof(*cache));
	strscpy(cache->name, name, sizeof(cache->name));
	cache->flags = flags;
	cache->ctor = ctor;
	spin_lock_init(&cache->lock);
	INIT_LIST_HEAD(&cache->slabs_full);
	INIT_LIST_HEAD(&cache->slabs_partial);
	INIT_LIST_HEAD(&cache->slabs_free);
	for (i = 0; i < VML_SLAB_NR_ERR; i++)
		atomic_long_set(&cache->errors[i], 0);
}

/**
 * vml_kmem_cache_find() - look a cache up by name.
 * @name: the name.
 *
 * Context: vml_slab_mutex held.
 * Return: the cache, or NULL.
 */
struct vml_kmem_cache *vml_kmem_cache_find(const char *name)
{
	struct vml_kmem_cache *cache;

	lockdep_assert_held(&vml_slab_mutex);
	list_for_each_entry(cache, &vml_slab_caches, list)
		if (!strcmp(cache->name, name))
			return cache;
	return NULL;
}

/**
 * vml_kmem_cache_lookup() - vml_kmem_cache_find() under vml_slab_mutex.
 * @name: the cache's name.
 * Return: the cache, or NULL. The caller keeps it alive by other means
 *         (the ctl commands run under their group's lock, and only they
 *         destroy the caches they create).
 */
struct vml_kmem_cache *vml_kmem_cache_lookup(const char *name)
{
	struct vml_kmem_cache *cache;

	mutex_lock(&vml_slab_mutex);
	cache = vml_kmem_cache_find(name);
	mutex_unlock(&vml_slab_mutex);
	return cache;
}

/* A name slabinfo parsers can read back: printable, no blanks. */
static bool name_ok(const char *name)
{
	size_t len = name ? strnlen(name, VML_CACHE_NAMELEN) : 0;
	size_t i;

	if (!len || len >= VML_CACHE_NAMELEN)
		return false;
	for (i = 0; i < len; i++)
		if (!isgraph(name[i]))
			return false;
	return true;
}

/* Layout and per-CPU arrays, then onto the chain; mutex held. */
static int cache_setup(struct vml_kmem_cache *cache, size_t size, size_t align)
{
	int ret = vml_slab_layout(cache, size, align);

	if (!ret)
		ret = vml_cpucache_init(cache);
	if (ret)
		return ret;
	list_add_tail(&cache->list, &vml_slab_caches);
	vml_slab_debugfs_add(cache);
	return 0;
}

/**
 * __vml_kmem_cache_create() - vml_kmem_cache_create() with a reason.
 * @name: see vml_kmem_cache_create().
 * @size: see vml_kmem_cache_create().
 * @align: see vml_kmem_cache_create().
 * @flags: VML_SLAB_* flags, plus VML_CFLGS_KMALLOC for size caches.
 * @ctor: see vml_kmem_cache_create().
 * Return: the cache, or ERR_PTR(-EINVAL / -EEXIST / -ENOMEM).
 */
struct vml_kmem_cache *__vml_kmem_cache_create(const char *name, size_t size,
					       size_t align, unsigned long flags,
					       void (*ctor)(void *obj))
{
	struct vml_kmem_cache *cache;
	int ret;

	if (!name_ok(name) || (flags & ~(VML_SLAB_CREATE_MASK | VML_CFLGS_KMALLOC)))
		return ERR_PTR(-EINVAL);
	/* A constructed object is never all poison (2.4 drops the flag). */
	if (ctor && (flags & VML_SLAB_POISON))
		return ERR_PTR(-EINVAL);
	mutex_lock(&vml_slab_mutex);
	ret = -EEXIST;
	if (vml_kmem_cache_find(name))
		goto out;
	ret = -ENOMEM;
	cache = vml_kmem_cache_alloc(&cache_cache, VML_GFP_KERNEL);
	if (!cache)
		goto out;
	cache_init(cache, name, flags, ctor);
	ret = cache_setup(cache, size, align);
	if (ret)
		vml_kmem_cache_free(&cache_cache, cache);
out:
	mutex_unlock(&vml_slab_mutex);
	return ret ? ERR_PTR(ret) : cache;
}

struct vml_kmem_cache *vml_kmem_cache_create(const char *name, size_t size,
					     size_t align, unsigned long flags,
					     void (*ctor)(void *obj))
{
	struct vml_kmem_cache *cache;

	cache = __vml_kmem_cache_create(name, size, align,
					flags & VML_SLAB_CREATE_MASK, ctor);
	return IS_ERR(cache) ? NULL : cache;
}

/* Objects held by callers; the per-CPU arrays must have been drained. */
static unsigned long live_objects(struct vml_kmem_cache *cache)
{
	unsigned long live;

	spin_lock_irq(&cache->lock);
	live = cache->num_slabs * cache->num - cache->free_objects;
	spin_unlock_irq(&cache->lock);
	return live;
}

/* Off the chain, every slab freed, descriptor back to cache_cache. */
static void cache_teardown(struct vml_kmem_cache *cache)
{
	vml_slab_reap_forget(cache);
	list_del(&cache->list);
	vml_slab_debugfs_del(cache);
	vml_slab_release_all(cache);
	vml_cpucache_exit(cache);
	if (cache != &cache_cache)
		vml_kmem_cache_free(&cache_cache, cache);
}

int vml_kmem_cache_destroy(struct vml_kmem_cache *cache)
{
	unsigned long live;

	if (!cache)
		return 0;
	mutex_lock(&vml_slab_mutex);
	vml_cpucache_drain_all(cache);
	live = live_objects(cache);
	if (live) {
		mutex_unlock(&vml_slab_mutex);
		pr_warn("vmlab: slab %s: destroy refused, %lu objects still live\n",
			cache->name, live);
		return -EBUSY;
	}
	cache_teardown(cache);
	mutex_unlock(&vml_slab_mutex);
	return 0;
}

void vml_kmem_cache_info(struct vml_kmem_cache *cache, struct vml_slabinfo *info)
{
	unsigned long flags;

	memset(info, 0, sizeof(*info));
	info->name = cache->name;
	info->objsize = cache->size;
	info->object_size = cache->object_size;
	info->objperslab = cache->num;
	info->pagesperslab = 1u << cache->gfporder;
	info->limit = cache->limit;
	info->batchcount = cache->batchcount;
	spin_lock_irqsave(&cache->lock, flags);
	info->num_slabs = cache->num_slabs;
	info->free_slabs = cache->free_slabs;
	info->num_objs = cache->num_slabs * cache->num;
	info->active_objs = info->num_objs - cache->free_objects;
	spin_unlock_irqrestore(&cache->lock, flags);
	info->active_slabs = info->num_slabs - info->free_slabs;
	info->cpu_objs = min(vml_cpucache_count(cache), info->active_objs);
	info->user_objs = info->active_objs - info->cpu_objs;
}

/* The static cache of caches (Gorman 8.6); rebuilt for every arena. */
static int cache_cache_init(void)
{
	cache_init(&cache_cache, "kmem_cache",
		   VML_SLAB_HWCACHE_ALIGN | VML_SLAB_NO_REAP, NULL);
	return cache_setup(&cache_cache, sizeof(struct vml_kmem_cache), 0);
}

int vml_slab_init(void)
{
	int ret;

	/* Today's slab_max_order: order-1 slabs only with more than 32 MiB. */
	vml_slab_break_order = vml_arena.nr_frames > vml_mb_to_frames(32);
	mutex_lock(&vml_slab_mutex);
	ret = cache_cache_init();
	mutex_unlock(&vml_slab_mutex);
	if (ret)
		return ret;
	ret = vml_kmalloc_init();
	if (ret)
		vml_slab_exit();
	return ret;
}

/*
 * Destroy every cache, newest first: a cache's off-slab descriptors live
 * in an older size cache, and every descriptor in cache_cache, the oldest.
 * A cache still holding objects was leaked by its owner: say so, and give
 * its pages back anyway so that the arena is whole again.
 */
void vml_slab_exit(void)
{
	struct vml_kmem_cache *cache, *tmp;
	unsigned long live;

	if (!cache_cache.cpu_cache)
		return;
	vml_kmalloc_exit();
	mutex_lock(&vml_slab_mutex);
	list_for_each_entry_safe_reverse(cache, tmp, &vml_slab_caches, list) {
		vml_cpucache_drain_all(cache);
		live = live_objects(cache);
		if (live && cache != &cache_cache)
			pr_err("vmlab: slab %s: %lu objects leaked at exit\n",
			       cache->name, live);
		cache_teardown(cache);
	}
	mutex_unlock(&vml_slab_mutex);
}
