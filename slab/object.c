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
#include "slab/slab_trace.h"
#include "arena/fail.h"

/*
 * Mark a slot popped from a per-CPU array as held by the caller. The slot
 * came from a slab frame (refill or a checked free put it on the array),
 * so its frame's ->private is its slab without the arena range check.
 */
static __always_inline void mark_active(struct vml_kmem_cache *cache, void *buf)
{
	struct vml_slab *slab = (struct vml_slab *)vml_virt_to_page(buf)->private;
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
	trace_vmlab_kmem_cache_alloc(_RET_IP_, obj, cache->name, cache->object_size,
				     cache->size, (__force unsigned int)gfp);
	return obj;
}

/*
 * Is @buf, in @slab (NULL: not in a slab frame), a slot of @cache handed
 * to a caller? Sets *@idxp and returns NULL if so, else says why not.
 * Inlined into the free paths: out-parameters of a call would put a
 * stack canary on every free.
 */
static __always_inline const char *check_slot(struct vml_kmem_cache *cache,
					      struct vml_slab *slab,
					      const void *buf, unsigned int *idxp)
{
	unsigned int idx;

	if (!slab)
		return "pointer is not a slab object";
	if (slab->cache != cache)
		return "object belongs to another cache";
	if (buf < slab->s_mem)
		return "pointer into the slab's management area";
	idx = vml_slab_index(cache, slab, buf);
	if (idx >= cache->num || vml_slab_buf(cache, slab, idx) != buf)
		return "pointer is not the start of an object";
	if (READ_ONCE(slab->bufctl[idx]) != VML_BUFCTL_ACTIVE)
		return "double free: object is already free";
	*idxp = idx;
	return NULL;
}

/**
 * vml_slab_check_free() - is @obj a live object of @cache?
 * @cache: the cache the caller names.
 * @obj: the pointer the caller frees.
 * @slabp: set to the slab when the answer is yes.
 * @idxp: set to the slot index when the answer is yes.
 * Return: NULL if the free is valid, else why it must be refused.
 */
const char *vml_slab_check_free(struct vml_kmem_cache *cache, const void *obj,
				struct vml_slab **slabp, unsigned int *idxp)
{
	const void *buf = obj - cache->obj_offset;
	struct vml_slab *slab = vml_addr_to_slab(buf);
	const char *why = check_slot(cache, slab, buf, idxp);

	if (!why)
		*slabp = slab;
	return why;
}

/* The free proper: @slab is vml_addr_to_slab() of @obj's slot. */
static __always_inline void cache_free(struct vml_kmem_cache *cache,
				       struct vml_slab *slab, void *obj,
				       unsigned long caller)
{
	void *buf = obj - cache->obj_offset;
	const char *why;
	unsigned int idx;

	why = check_slot(cache, slab, buf, &idx);
	if (unlikely(why)) {
		vml_slab_report(cache, VML_SLAB_ERR_BAD_FREE, obj, why);
		return;
	}
	if (unlikely(cache->flags & VML_SLAB_DEBUG_FLAGS))
		vml_slab_debug_free(cache, buf, caller);
	trace_vmlab_kmem_cache_free(caller, obj, cache->name);
	WRITE_ONCE(slab->bufctl[idx], VML_BUFCTL_CPU);
	vml_cpucache_free(cache, buf);
}

void vml_kmem_cache_free(struct vml_kmem_cache *cache, void *obj)
{
	cache_free(cache, vml_addr_to_slab(obj - cache->obj_offset), obj, _RET_IP_);
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
	struct vml_kmem_cache *cache;

	if (!slab)
		return false;
	cache = slab->cache;
	/* A debug cache's slot starts before its object: look again. */
	if (unlikely(cache->obj_offset))
		slab = vml_addr_to_slab(obj - cache->obj_offset);
	cache_free(cache, slab, (void *)obj, _RET_IP_);
	return true;
}
