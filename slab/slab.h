/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: The slab allocator
 *
 * slab.h - vmlab's slab allocator (Gorman ch. 8): object caches carved
 * from pages of vmlab's own buddy allocator, and kmalloc-style size caches.
 *
 * CONTRACT (implemented in the files of slab/). Context: vml_kmem_cache_alloc() and
 * vml_kmalloc() may sleep only if @gfp allows (VML___GFP_DIRECT_RECLAIM);
 * the free functions may be called from any context. Creating, shrinking
 * and destroying caches is for process context only (it waits for a work
 * item on every CPU to drain that CPU's per-CPU array).
 *
 * Slab pages are always taken from the Normal zone: zone modifiers in @gfp
 * are ignored except for vml_kmalloc() requests beyond the size caches,
 * which go straight to the buddy allocator.
 */
#ifndef VMLAB_SLAB_H
#define VMLAB_SLAB_H

#include <linux/types.h>
#include "buddy/buddy.h"

struct dentry;
struct vml_kmem_cache;

/* Cache flags (vml_kmem_cache_create()). */
#define VML_SLAB_HWCACHE_ALIGN	0x01ul	/* align objects to cache lines */
#define VML_SLAB_POISON		0x02ul	/* poison free objects, check on alloc */
#define VML_SLAB_RED_ZONE	0x04ul	/* guard words around each object */
#define VML_SLAB_STORE_USER	0x08ul	/* remember the last caller */
#define VML_SLAB_RECLAIM_ACCOUNT 0x10ul	/* objects are reclaimable */
#define VML_SLAB_NO_REAP	0x20ul	/* never chosen by vml_kmem_cache_reap() */

#define VML_CACHE_NAMELEN	32	/* including the NUL */
#define VML_KMALLOC_MIN		32
#define VML_KMALLOC_MAX_CACHE	(128 * 1024)	/* beyond: the buddy allocator */

/**
 * vml_kmem_cache_create() - create an object cache.
 * @name: name shown in slabinfo; copied.
 * @size: object size in bytes.
 * @align: minimum alignment, 0 for the default.
 * @flags: VML_SLAB_* flags.
 * @ctor: constructor run once per object when its slab is created, or NULL.
 * Return: the cache, or NULL (bad arguments, duplicate name, no memory).
 */
struct vml_kmem_cache *vml_kmem_cache_create(const char *name, size_t size,
					     size_t align, unsigned long flags,
					     void (*ctor)(void *obj));

/**
 * vml_kmem_cache_destroy() - destroy an empty cache.
 * @cache: the cache.
 * Return: 0, or -EBUSY (nothing changed) while objects are live.
 */
int vml_kmem_cache_destroy(struct vml_kmem_cache *cache);

/**
 * vml_kmem_cache_alloc() - allocate an object.
 * @cache: the cache.
 * @gfp: VML_GFP_* flags for any page the cache must grow by.
 * Return: the object, or NULL.
 */
void *vml_kmem_cache_alloc(struct vml_kmem_cache *cache, vml_gfp_t gfp);

/**
 * vml_kmem_cache_free() - free an object.
 * @cache: the cache it came from.
 * @obj: the object; a foreign pointer or double free is reported, counted
 *       and refused.
 */
void vml_kmem_cache_free(struct vml_kmem_cache *cache, void *obj);

/**
 * vml_kmalloc() - allocate from the size caches (32 B .. 128 KiB), or
 * directly from the buddy allocator beyond that.
 * @size: bytes.
 * @gfp: VML_GFP_* flags.
 * Return: the memory, or NULL.
 */
void *vml_kmalloc(size_t size, vml_gfp_t gfp);

/**
 * vml_kzalloc() - vml_kmalloc() and zero.
 * @size: bytes.
 * @gfp: VML_GFP_* flags.
 * Return: the memory, or NULL.
 */
void *vml_kzalloc(size_t size, vml_gfp_t gfp);

/**
 * vml_kmalloc_cache() - the size cache vml_kmalloc(@size) uses (Linux's
 * kmalloc_slab()).
 * @size: bytes, 1 .. VML_KMALLOC_MAX_CACHE.
 * Return: the cache, or NULL for sizes beyond the size caches.
 */
struct vml_kmem_cache *vml_kmalloc_cache(size_t size);

/**
 * vml_kfree() - free what vml_kmalloc() returned; NULL is ignored.
 * @obj: the memory.
 */
void vml_kfree(const void *obj);

/**
 * vml_ksize() - usable size of a vml_kmalloc() allocation.
 * @obj: the memory.
 * Return: bytes.
 */
size_t vml_ksize(const void *obj);

/**
 * vml_kmem_cache_shrink() - drain the per-CPU arrays and free every free
 * slab (Gorman 8.1.8).
 * @cache: the cache.
 * Return: pages given back to the buddy allocator.
 */
unsigned long vml_kmem_cache_shrink(struct vml_kmem_cache *cache);

/**
 * struct vml_slabinfo - one cache as /proc/slabinfo shows it.
 * @name: the cache's name.
 * @active_objs: objects in use, counting those parked in per-CPU arrays.
 * @num_objs: object slots in all slabs.
 * @objsize: bytes per slot (object plus debug words, aligned).
 * @object_size: the size the cache was created with.
 * @objperslab: objects per slab.
 * @pagesperslab: pages per slab (1 << order).
 * @limit: per-CPU array limit.
 * @batchcount: objects moved per refill or drain.
 * @active_slabs: slabs with at least one object in use.
 * @num_slabs: all slabs.
 * @free_slabs: slabs with no object in use.
 * @cpu_objs: objects parked in per-CPU arrays, all CPUs.
 * @user_objs: objects held by callers (active_objs less cpu_objs).
 */
struct vml_slabinfo {
	const char *name;
	unsigned long active_objs, num_objs;
	unsigned int objsize, object_size, objperslab, pagesperslab;
	unsigned int limit, batchcount;
	unsigned long active_slabs, num_slabs, free_slabs;
	unsigned long cpu_objs, user_objs;
};

/**
 * vml_kmem_cache_info() - fill in a cache's slabinfo figures.
 * @cache: the cache.
 * @info: filled in; @info->name points into the cache.
 */
void vml_kmem_cache_info(struct vml_kmem_cache *cache, struct vml_slabinfo *info);

/**
 * vml_kmem_cache_reap() - shrink caches under memory pressure (Gorman 8.1.7).
 * @gfp: the allocation that is short of memory; without
 *       VML___GFP_DIRECT_RECLAIM the cache chain is only trylocked.
 *
 * Scans up to 10 caches from where the last pass stopped, skipping
 * VML_SLAB_NO_REAP caches and those that grew since the last pass, and
 * frees half the free slabs of the one that would give back the most
 * pages (caches with constructors or slabs of order > 0 are penalised),
 * at most VML_REAP_MAX_PAGES pages per pass.
 * Return: pages freed.
 */
unsigned long vml_kmem_cache_reap(vml_gfp_t gfp);

#define VML_REAP_MAX_PAGES	256

struct vml_check;

/**
 * vml_slab_check() - the slab allocator's part of the invariant checker:
 * claim every slab's frames and every large kmalloc block; report slabs
 * that are not their cache's, frames not marked as their slab's, bufctl
 * chains that leave the slab or loop, slots neither free nor in use,
 * slabs on the wrong list, per-CPU arrays holding foreign or unparked
 * objects, and counters (slabinfo's) that disagree with the walk.
 * @chk: the run (arena/check.h).
 * Context: process context; takes vml_slab_mutex, then each cache->lock.
 * The per-CPU arrays are read unlocked: the caller excludes every other
 * user of the slab allocator (ctl `check` excludes other ctl commands).
 */
void vml_slab_check(struct vml_check *chk);

int vml_slab_init(void);
void vml_slab_exit(void);
int vml_slab_debugfs_init(struct dentry *root);
void vml_slab_debugfs_exit(void);

#endif /* VMLAB_SLAB_H */
