// SPDX-License-Identifier: GPL-2.0
/*
 * pcp.c - per-CPU lists of free blocks of order 0..3 (today's
 * per_cpu_pages; 2.4 had none, Gorman 6.6 mentions them as a 2.6 addition,
 * and since 5.14 they hold orders up to PAGE_ALLOC_COSTLY_ORDER).
 *
 * Most allocations are small; a CPU keeps short lists of free blocks per
 * zone so the common case takes no lock and touches no shared cache line.
 * A list is refilled from the buddy lists about @batch frames at a time
 * and the lists are drained back, oldest orders in turn, when they hold
 * more than @high frames. A CPU's lists are touched only by that CPU with
 * interrupts off, or by a drain IPI running on it.
 */
#include <linux/log2.h>
#include <linux/smp.h>
#include "buddy/buddy-internal.h"
#include "buddy/buddy_trace.h"
#include "buddy/vmstat.h"

/* Take blocks of @order from the buddy lists onto this CPU's list. */
static void pcp_refill(struct vml_zone *zone, struct vml_pcp *pcp,
		       unsigned int order)
{
	unsigned int i, n = max(pcp->batch >> order, 1u);
	struct vml_page *page;

	spin_lock(&zone->lock);
	for (i = 0; i < n; i++) {
		page = __vml_rmqueue(zone, order);
		if (!page)
			break;
		vml_page_set(page, VML_PG_pcp);
		vml_plist_add(&pcp->lists[order], page);
		pcp->count += 1u << order;
	}
	spin_unlock(&zone->lock);
	vml_count_event(VML_PCP_REFILL);
	trace_vmlab_pcp_refill(zone->type, zone->node->id, order, i << order);
}

struct vml_page *vml_rmqueue_pcp(struct vml_zone *zone, unsigned int order)
{
	struct vml_page *page;
	struct vml_pcp *pcp;
	unsigned long flags;

	local_irq_save(flags);
	pcp = this_cpu_ptr(zone->pcp);
	if (vml_plist_empty(&pcp->lists[order]))
		pcp_refill(zone, pcp, order);
	page = vml_plist_pop(&pcp->lists[order]);
	if (page) {
		vml_page_clear(page, VML_PG_pcp);
		pcp->count -= 1u << order;
	}
	local_irq_restore(flags);
	return page;
}

/*
 * Give at least @count frames from this CPU's lists back to the buddy
 * lists, taking from each order in turn as free_pcppages_bulk() does.
 */
static void pcp_free_bulk(struct vml_zone *zone, struct vml_pcp *pcp,
			  unsigned int count)
{
	unsigned int order = 0, empty = 0, freed = 0;
	struct vml_page *page;

	spin_lock(&zone->lock);
	while (pcp->count && (int)count > 0 && empty <= VML_PCP_MAX_ORDER) {
		page = vml_plist_pop(&pcp->lists[order]);
		if (page) {
			vml_page_clear(page, VML_PG_pcp);
			__vml_free_one(zone, page, order);
			pcp->count -= 1u << order;
			count -= 1u << order;
			freed += 1u << order;
			empty = 0;
		} else {
			empty++;
		}
		order = (order + 1) % (VML_PCP_MAX_ORDER + 1);
	}
	spin_unlock(&zone->lock);
	trace_vmlab_pcp_drain(zone->type, zone->node->id, VML_PCP_MAX_ORDER, freed);
}

void vml_free_pcp(struct vml_page *page, unsigned int order)
{
	struct vml_zone *zone = vml_page_zone(page);
	struct vml_pcp *pcp;
	unsigned long flags;

	local_irq_save(flags);
	pcp = this_cpu_ptr(zone->pcp);
	vml_page_set(page, VML_PG_pcp);
	vml_plist_add(&pcp->lists[order], page);
	pcp->count += 1u << order;
	if (pcp->count > pcp->high) {
		pcp_free_bulk(zone, pcp, pcp->batch);
		vml_count_event(VML_PCP_DRAIN);
	}
	local_irq_restore(flags);
}

static void drain_local(void *unused)
{
	struct vml_zone *zone;

	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone)) {
		struct vml_pcp *pcp = this_cpu_ptr(zone->pcp);

		if (pcp->count)
			pcp_free_bulk(zone, pcp, pcp->count);
	}
}

void vml_drain_all_pages(void)
{
	on_each_cpu(drain_local, NULL, 1);
}

unsigned long vml_zone_pcp_count(struct vml_zone *zone)
{
	unsigned long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu_ptr(zone->pcp, cpu)->count);
	return n;
}

struct vml_pcp_info vml_zone_pcp_info(struct vml_zone *zone, int cpu)
{
	struct vml_pcp *pcp = per_cpu_ptr(zone->pcp, cpu);

	return (struct vml_pcp_info){ .count = READ_ONCE(pcp->count),
				      .high = pcp->high, .batch = pcp->batch };
}

/* zone_batchsize() of mm/page_alloc.c: about a quarter of 1/1024 of the zone. */
static unsigned int pcp_batch(struct vml_zone *zone)
{
	unsigned long batch = zone->managed / 1024;

	batch = min_t(unsigned long, batch, SZ_1M / PAGE_SIZE) / 4;
	if (batch < 1)
		batch = 1;
	return rounddown_pow_of_two(batch + batch / 2) - 1 ?: 1;
}

int vml_pcp_init(struct vml_zone *zone)
{
	unsigned int batch = pcp_batch(zone), order;
	int cpu;

	zone->pcp = alloc_percpu(struct vml_pcp);
	if (!zone->pcp)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct vml_pcp *pcp = per_cpu_ptr(zone->pcp, cpu);

		for (order = 0; order <= VML_PCP_MAX_ORDER; order++)
			vml_plist_init(&pcp->lists[order]);
		pcp->count = 0;
		pcp->batch = batch;
		pcp->high = 6 * batch;
	}
	return 0;
}

void vml_pcp_exit(struct vml_zone *zone)
{
	free_percpu(zone->pcp);
	zone->pcp = NULL;
}
