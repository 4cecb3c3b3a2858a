// SPDX-License-Identifier: GPL-2.0
/*
 * pcp.c - per-CPU lists of order-0 frames (today's per_cpu_pages; 2.4 had
 * none, Gorman 6.6 mentions them as a 2.6 addition).
 *
 * Most allocations are single frames; a CPU keeps a short list of free
 * ones per zone so the common case takes no lock and touches no shared
 * cache line. The list is refilled from, and drained to, the buddy lists
 * @batch frames at a time under the zone lock. A CPU's list is touched only
 * by that CPU with interrupts off, or by a drain IPI running on it.
 */
#include <linux/log2.h>
#include <linux/smp.h>
#include "buddy/buddy-internal.h"
#include "buddy/vmstat.h"

struct vml_page *vml_rmqueue_pcp(struct vml_zone *zone)
{
	struct vml_page *page;
	struct vml_pcp *pcp;
	unsigned long flags;
	unsigned int i;

	local_irq_save(flags);
	pcp = this_cpu_ptr(zone->pcp);
	if (vml_plist_empty(&pcp->list)) {
		spin_lock(&zone->lock);
		for (i = 0; i < pcp->batch; i++) {
			page = __vml_rmqueue(zone, 0);
			if (!page)
				break;
			vml_page_set(page, VML_PG_pcp);
			vml_plist_add(&pcp->list, page);
		}
		spin_unlock(&zone->lock);
		vml_count_event(VML_PCP_REFILL);
	}
	page = vml_plist_pop(&pcp->list);
	if (page)
		vml_page_clear(page, VML_PG_pcp);
	local_irq_restore(flags);
	return page;
}

/* Move @count frames from this CPU's list back to the buddy lists. */
static void pcp_free_bulk(struct vml_zone *zone, struct vml_pcp *pcp,
			  unsigned int count)
{
	struct vml_page *page;

	spin_lock(&zone->lock);
	while (count-- && (page = vml_plist_pop(&pcp->list))) {
		vml_page_clear(page, VML_PG_pcp);
		__vml_free_one(zone, page, 0);
	}
	spin_unlock(&zone->lock);
}

void vml_free_pcp(struct vml_page *page)
{
	struct vml_zone *zone = vml_page_zone(page);
	struct vml_pcp *pcp;
	unsigned long flags;

	local_irq_save(flags);
	pcp = this_cpu_ptr(zone->pcp);
	vml_page_set(page, VML_PG_pcp);
	vml_plist_add(&pcp->list, page);
	if (pcp->list.nr > pcp->high) {
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

		if (pcp->list.nr)
			pcp_free_bulk(zone, pcp, pcp->list.nr);
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
		n += READ_ONCE(per_cpu_ptr(zone->pcp, cpu)->list.nr);
	return n;
}

unsigned int vml_pcp_info(struct vml_zone *zone, int cpu, int what)
{
	struct vml_pcp *pcp = per_cpu_ptr(zone->pcp, cpu);

	return what == 0 ? READ_ONCE(pcp->list.nr) :
	       what == 1 ? pcp->high : pcp->batch;
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
	unsigned int batch = pcp_batch(zone);
	int cpu;

	zone->pcp = alloc_percpu(struct vml_pcp);
	if (!zone->pcp)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct vml_pcp *pcp = per_cpu_ptr(zone->pcp, cpu);

		vml_plist_init(&pcp->list);
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
