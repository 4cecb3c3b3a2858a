// SPDX-License-Identifier: GPL-2.0
/*
 * cpucache.c - per-CPU object caches (Gorman 8.5; array_cache in today's
 * mm/slab.c).
 *
 * Each CPU keeps a LIFO stack of free slots per cache. Allocation pops and
 * free pushes with interrupts off and no lock: only this CPU touches its
 * stack. An empty stack is refilled with batchcount slots from the slab
 * lists, a full one drains its batchcount oldest slots back, both under
 * cache->lock (cache_alloc_refill() and cache_flusharray()). Another
 * CPU's stack is only ever emptied by an IPI running on that CPU.
 *
 * The stacks live in host per-CPU memory (alloc_percpu): they are the one
 * part of the allocator not carved from the arena, which is what removes
 * 2.4's g_cpucache_up bootstrap dance.
 */
#include <linux/cpu.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include "slab/slab-internal.h"

/* enable_cpucache() of today's Linux: fewer parked objects as they grow. */
static unsigned int cpucache_limit(unsigned int size)
{
	if (size > 131072)
		return 1;
	if (size > PAGE_SIZE)
		return 8;
	if (size > 1024)
		return 24;
	if (size > 256)
		return 54;
	return 120;
}

/**
 * vml_cpucache_init() - size and allocate a cache's per-CPU arrays.
 * @cache: a cache with its layout computed.
 * Return: 0 or -ENOMEM.
 */
int vml_cpucache_init(struct vml_kmem_cache *cache)
{
	unsigned int limit = cpucache_limit(cache->size);
	int cpu;

	cache->cpu_cache = __alloc_percpu(struct_size((struct vml_array_cache *)NULL,
						      entry, limit),
					  __alignof__(struct vml_array_cache));
	if (!cache->cpu_cache)
		return -ENOMEM;
	cache->limit = limit;
	cache->batchcount = (limit + 1) / 2;
	for_each_possible_cpu(cpu) {
		struct vml_array_cache *ac = per_cpu_ptr(cache->cpu_cache, cpu);

		ac->limit = cache->limit;
		ac->batchcount = cache->batchcount;
	}
	/* As today's Linux: enough free slots for every CPU to refill once. */
	cache->free_limit = (1 + num_possible_cpus()) * cache->batchcount + cache->num;
	return 0;
}

/**
 * vml_cpucache_exit() - free the arrays; they must have been drained.
 * @cache: the cache.
 */
void vml_cpucache_exit(struct vml_kmem_cache *cache)
{
	free_percpu(cache->cpu_cache);
	cache->cpu_cache = NULL;
}

/* Refill an empty stack from the slab lists; irqs off. */
static unsigned int refill(struct vml_kmem_cache *cache, struct vml_array_cache *ac)
{
	spin_lock(&cache->lock);
	ac->avail = vml_slab_take(cache, ac->entry, ac->batchcount);
	spin_unlock(&cache->lock);
	return ac->avail;
}

/**
 * vml_cpucache_alloc() - pop a slot, refilling or growing as needed.
 * @cache: the cache.
 * @gfp: flags for growing.
 * Return: a slot whose bufctl state is VML_BUFCTL_CPU, or NULL.
 */
void *vml_cpucache_alloc(struct vml_kmem_cache *cache, vml_gfp_t gfp)
{
	struct vml_array_cache *ac;
	unsigned long flags;
	void *buf;

	local_irq_save(flags);
	ac = this_cpu_ptr(cache->cpu_cache);
	if (likely(ac->avail)) {
		ac->allochit++;
		goto out;
	}
	ac->allocmiss++;
	while (!refill(cache, ac)) {
		/* Grow with interrupts as the caller had them, then retry. */
		local_irq_restore(flags);
		if (vml_slab_grow(cache, gfp))
			return NULL;
		local_irq_save(flags);
		ac = this_cpu_ptr(cache->cpu_cache);
		if (ac->avail)
			break;
	}
out:
	ac->touched = 1;
	buf = ac->entry[--ac->avail];
	local_irq_restore(flags);
	return buf;
}

/* A full stack: give its oldest batch back (cache_flusharray()). */
static void flush(struct vml_kmem_cache *cache, struct vml_array_cache *ac,
		  struct list_head *to_free)
{
	unsigned int n = min(ac->batchcount, ac->avail);

	spin_lock(&cache->lock);
	vml_slab_put(cache, ac->entry, n, to_free);
	spin_unlock(&cache->lock);
	ac->avail -= n;
	memmove(ac->entry, ac->entry + n, ac->avail * sizeof(void *));
}

/**
 * vml_cpucache_free() - push a slot, draining a batch first if full.
 * @cache: the cache.
 * @buf: a slot whose bufctl state the caller set to VML_BUFCTL_CPU.
 */
void vml_cpucache_free(struct vml_kmem_cache *cache, void *buf)
{
	struct vml_array_cache *ac;
	unsigned long flags;
	LIST_HEAD(to_free);

	local_irq_save(flags);
	ac = this_cpu_ptr(cache->cpu_cache);
	if (likely(ac->avail < ac->limit)) {
		ac->freehit++;
	} else {
		ac->freemiss++;
		flush(cache, ac, &to_free);
	}
	ac->entry[ac->avail++] = buf;
	local_irq_restore(flags);
	if (unlikely(!list_empty(&to_free)))
		vml_slab_destroy_list(cache, &to_free);
}

/* Empty one CPU's stack onto the slab lists, keeping empty slabs. */
static void drain_array(struct vml_kmem_cache *cache, struct vml_array_cache *ac)
{
	unsigned long flags;

	spin_lock_irqsave(&cache->lock, flags);
	vml_slab_put(cache, ac->entry, ac->avail, NULL);
	ac->avail = 0;
	spin_unlock_irqrestore(&cache->lock, flags);
}

/**
 * vml_cpucache_drain_local() - empty this CPU's stack (what 2.4's reaper
 * does); any context.
 * @cache: the cache.
 */
void vml_cpucache_drain_local(struct vml_kmem_cache *cache)
{
	unsigned long flags;

	local_irq_save(flags);
	drain_array(cache, this_cpu_ptr(cache->cpu_cache));
	local_irq_restore(flags);
}

static void drain_ipi(void *arg)
{
	struct vml_kmem_cache *cache = arg;

	drain_array(cache, this_cpu_ptr(cache->cpu_cache));
}

/**
 * vml_cpucache_drain_all() - empty every CPU's stack (drain_cpu_caches()).
 * @cache: the cache.
 *
 * Context: process context; interrupts every online CPU. Offline CPUs run
 * nothing, so their stacks are emptied from here.
 */
void vml_cpucache_drain_all(struct vml_kmem_cache *cache)
{
	int cpu;

	cpus_read_lock();
	on_each_cpu(drain_ipi, cache, 1);
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu))
			drain_array(cache, per_cpu_ptr(cache->cpu_cache, cpu));
	cpus_read_unlock();
}

/**
 * vml_cpucache_count() - objects parked on all CPUs (a racy snapshot).
 * @cache: the cache.
 * Return: the count.
 */
unsigned long vml_cpucache_count(struct vml_kmem_cache *cache)
{
	unsigned long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu_ptr(cache->cpu_cache, cpu)->avail);
	return n;
}

/**
 * vml_cpucache_stats() - hit and miss counters summed over all CPUs.
 * @cache: the cache.
 * @st: allochit, allocmiss, freehit, freemiss.
 */
void vml_cpucache_stats(struct vml_kmem_cache *cache, unsigned long st[4])
{
	int cpu;

	memset(st, 0, 4 * sizeof(*st));
	for_each_possible_cpu(cpu) {
		struct vml_array_cache *ac = per_cpu_ptr(cache->cpu_cache, cpu);

		st[0] += READ_ONCE(ac->allochit);
		st[1] += READ_ONCE(ac->allocmiss);
		st[2] += READ_ONCE(ac->freehit);
		st[3] += READ_ONCE(ac->freemiss);
	}
}
