// SPDX-License-Identifier: GPL-2.0
/*
 * cpucache.c - per-CPU object caches (Gorman 8.5; array_cache in today's
 * mm/slab.c).
 *
 * Each CPU keeps a LIFO stack of free slots per cache. A task pops and
 * pushes with preemption off and no lock: only tasks on this CPU touch its
 * stack, one at a time. Interrupt and softirq context never touch it (they
 * may have interrupted a task half way through a push): they take or
 * return one slot straight from the slab lists under cache->lock. An empty
 * stack is refilled with up to batchcount slots from the slab lists, a
 * full one gives its batchcount oldest slots back, both under cache->lock
 * with interrupts off (cache_alloc_refill() and cache_flusharray()).
 * Another CPU's stack is only ever emptied by a work item on that CPU.
 *
 * 2.4 and today's mm/slab.c disable interrupts around every push and pop
 * instead; measured under QEMU's TCG that doubled the cost of an
 * alloc+free pair, and interrupt-context slab use is rare.
 *
 * The stacks live in host per-CPU memory (alloc_percpu): they are the one
 * part of the allocator not carved from the arena, which is what removes
 * 2.4's g_cpucache_up bootstrap dance.
 */
#include <linux/cpu.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/workqueue.h>
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

/*
 * A task found its stack empty: refill it, growing the cache if need be.
 * The slow paths are noinline so that the fast ones stay leaf-like: no
 * saved registers, no stack canary (each costs instructions on every call).
 */
static noinline void *alloc_refill(struct vml_kmem_cache *cache, vml_gfp_t gfp)
{
	struct vml_array_cache *ac;
	unsigned long flags;
	void *buf;

	local_irq_save(flags);
	ac = this_cpu_ptr(cache->cpu_cache);
	if (!ac->avail)
		ac->allocmiss++;
	while (!ac->avail && !refill(cache, ac)) {
		/* Grow with interrupts as the caller had them, then retry. */
		local_irq_restore(flags);
		if (vml_slab_grow(cache, gfp))
			return NULL;
		local_irq_save(flags);
		ac = this_cpu_ptr(cache->cpu_cache);
	}
	ac->touched = 1;
	buf = ac->entry[--ac->avail];
	local_irq_restore(flags);
	return buf;
}

/* Interrupt context: one slot straight from the slab lists. */
static noinline void *alloc_direct(struct vml_kmem_cache *cache, vml_gfp_t gfp)
{
	unsigned long flags;
	unsigned int n;
	void *buf;

	for (;;) {
		spin_lock_irqsave(&cache->lock, flags);
		n = vml_slab_take(cache, &buf, 1);
		spin_unlock_irqrestore(&cache->lock, flags);
		if (n)
			return buf;
		if (vml_slab_grow(cache, gfp))
			return NULL;
	}
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
	void *buf;

	if (unlikely(!in_task()))
		return alloc_direct(cache, gfp);
	preempt_disable();
	ac = this_cpu_ptr(cache->cpu_cache);
	if (likely(ac->avail)) {
		ac->allochit++;
		ac->touched = 1;
		buf = ac->entry[--ac->avail];
		preempt_enable();
		return buf;
	}
	preempt_enable();
	return alloc_refill(cache, gfp);
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

/* A task found its stack full: drain a batch, then push. */
static noinline void free_flush(struct vml_kmem_cache *cache, void *buf)
{
	struct vml_array_cache *ac;
	unsigned long flags;
	LIST_HEAD(to_free);

	local_irq_save(flags);
	ac = this_cpu_ptr(cache->cpu_cache);
	if (ac->avail >= ac->limit) {
		ac->freemiss++;
		flush(cache, ac, &to_free);
	}
	ac->entry[ac->avail++] = buf;
	local_irq_restore(flags);
	vml_slab_destroy_list(cache, &to_free);
}

/* Interrupt context: the slot goes straight back to its slab. */
static noinline void free_direct(struct vml_kmem_cache *cache, void *buf)
{
	unsigned long flags;
	LIST_HEAD(to_free);

	spin_lock_irqsave(&cache->lock, flags);
	vml_slab_put(cache, &buf, 1, &to_free);
	spin_unlock_irqrestore(&cache->lock, flags);
	vml_slab_destroy_list(cache, &to_free);
}

/**
 * vml_cpucache_free() - push a slot, draining a batch first if full.
 * @cache: the cache.
 * @buf: a slot whose bufctl state the caller set to VML_BUFCTL_CPU.
 */
void vml_cpucache_free(struct vml_kmem_cache *cache, void *buf)
{
	struct vml_array_cache *ac;

	if (unlikely(!in_task())) {
		free_direct(cache, buf);
		return;
	}
	preempt_disable();
	ac = this_cpu_ptr(cache->cpu_cache);
	if (likely(ac->avail < ac->limit)) {
		ac->freehit++;
		ac->entry[ac->avail++] = buf;
		preempt_enable();
		return;
	}
	preempt_enable();
	free_flush(cache, buf);
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
 * does).
 * @cache: the cache.
 *
 * Context: task context (elsewhere the stack may be mid-update; nothing
 * is done).
 */
void vml_cpucache_drain_local(struct vml_kmem_cache *cache)
{
	unsigned long flags;

	if (!in_task())
		return;
	local_irq_save(flags);
	drain_array(cache, this_cpu_ptr(cache->cpu_cache));
	local_irq_restore(flags);
}

/* The cache vml_cpucache_drain_all() is draining; under drain_mutex. */
static struct vml_kmem_cache *drain_target;
static DEFINE_MUTEX(drain_mutex);
static DEFINE_PER_CPU(struct work_struct, drain_works);

static void drain_work(struct work_struct *work)
{
	vml_cpucache_drain_local(drain_target);
}

/**
 * vml_cpucache_drain_all() - empty every CPU's stack (drain_cpu_caches()).
 * @cache: the cache.
 *
 * Each online CPU drains its own stack from a work item (as
 * schedule_on_each_cpu(), which modules cannot call): task context
 * there, so no task on that CPU can be half way through a push or pop
 * (2.4 and today's Linux use an IPI, which is safe only because their
 * fast path disables interrupts). Offline CPUs run nothing, so their
 * stacks are emptied from here.
 * Context: process context; sleeps.
 */
void vml_cpucache_drain_all(struct vml_kmem_cache *cache)
{
	int cpu;

	mutex_lock(&drain_mutex);
	drain_target = cache;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		INIT_WORK(per_cpu_ptr(&drain_works, cpu), drain_work);
		schedule_work_on(cpu, per_cpu_ptr(&drain_works, cpu));
	}
	for_each_online_cpu(cpu)
		flush_work(per_cpu_ptr(&drain_works, cpu));
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu))
			drain_array(cache, per_cpu_ptr(cache->cpu_cache, cpu));
	cpus_read_unlock();
	drain_target = NULL;
	mutex_unlock(&drain_mutex);
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
 * Return: the sums.
 */
struct vml_cpucache_stats vml_cpucache_stats(struct vml_kmem_cache *cache)
{
	struct vml_cpucache_stats st = {};
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vml_array_cache *ac = per_cpu_ptr(cache->cpu_cache, cpu);

		st.allochit += READ_ONCE(ac->allochit);
		st.allocmiss += READ_ONCE(ac->allocmiss);
		st.freehit += READ_ONCE(ac->freehit);
		st.freemiss += READ_ONCE(ac->freemiss);
	}
	return st;
}
