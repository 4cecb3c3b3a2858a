// SPDX-License-Identifier: GPL-2.0
/*
 * object.c - allocating and freeing objects (Gorman 8.3.2, 8.3.3): the
 * per-CPU fast path of cpucache.c plus the per-object state that catches
 * a double free wherever the first free went, and the debug hooks.
 *
 * Context: any, as long as @gfp does not allow sleeping where the caller
 * cannot sleep.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include "slab/slab-internal.h"
#include "arena/fail.h"

/* Mark a slot popped from a per-CPU array as held by the caller. */
static void mark_active(struct vml_kmem_cache *cache, void *buf)
{
	struct vml_slab *slab = vml_addr_to_slab(buf);
	unsigned int idx = vml_slab_index(cache, slab, buf);

	if (unlikely(READ_ONCE(slab->bufctl[idx]) != VML_BUFCTL_CPU))
		vml_slab_report(cache, VML_SLAB_ERR_CORRUPT, buf + cache->obj_offset,
				"free object's bufctl state overwritten");
	WRITE_ONCE(slab->bufctl[idx], VML_BUFCTL_ACTIVE);
}

void *vml_kmem_cache_alloc(struct vml_kmem_cache *cache, vml_gfp_t gfp)
{
	void *buf, *obj;

	if (vml_should_fail(VML_FAIL_SLAB))
		return NULL;
	buf = vml_cpucache_alloc(cache, gfp);
	if (unlikely(!buf))
		return NULL;
	mark_active(cache, buf);
	if (unlikely(cache->flags & VML_SLAB_DEBUG_FLAGS))
		vml_slab_debug_alloc(cache, buf, _RET_IP_);
	obj = buf + cache->obj_offset;
	if (gfp & VML___GFP_ZERO)
		memset(obj, 0, cache->object_size);
	return obj;
}

/* The free proper, once the caller's pointer has been checked. */
static void cache_free(struct vml_kmem_cache *cache, void *obj,
		       unsigned long caller)
{
	void *buf = obj - cache->obj_offset;
	const char *why;
	struct vml_slab *slab;
	unsigned int idx;

	why = vml_slab_check_free(cache, obj, &slab, &idx);
	if (unlikely(why)) {
		vml_slab_report(cache, VML_SLAB_ERR_BAD_FREE, obj, why);
		return;
	}
	if (unlikely(cache->flags & VML_SLAB_DEBUG_FLAGS))
		vml_slab_debug_free(cache, buf, caller);
	WRITE_ONCE(slab->bufctl[idx], VML_BUFCTL_CPU);
	vml_cpucache_free(cache, buf);
}

void vml_kmem_cache_free(struct vml_kmem_cache *cache, void *obj)
{
	cache_free(cache, obj, _RET_IP_);
}

/**
 * vml_slab_free_obj() - free a slab object of whatever cache it is in
 * (what vml_kfree() does for pointers in slab frames).
 * @obj: the pointer.
 * Return: false if @obj is not in a slab frame (nothing done).
 */
bool vml_slab_free_obj(const void *obj)
{
	struct vml_slab *slab = vml_addr_to_slab(obj);

	if (!slab)
		return false;
	cache_free(slab->cache, (void *)obj, _RET_IP_);
	return true;
}
