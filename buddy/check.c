// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - the page allocator's part of the invariant checker: the free
 * lists of every zone and every CPU, against zoneinfo (free_pages) and
 * buddyinfo (each list's count). See arena/check.h.
 *
 * Locking: a zone's lists are walked under zone->lock, IRQ-safe, as the
 * allocator changes them. A CPU's per-CPU lists are walked on that CPU
 * from an IPI: interrupts are off there, which is exactly what excludes
 * vml_rmqueue_pcp() and vml_free_pcp() on it. An offline CPU's lists are
 * read from here (nothing runs there).
 */
#include <linux/cpu.h>
#include <linux/smp.h>
#include "arena/check.h"
#include "buddy/buddy-internal.h"

/*
 * Walk one list of free blocks of @order, claiming each as @state.
 * @bound limits the walk (a loop is a violation, not a hang).
 * Return: frames on the list.
 */
static unsigned long walk_free_list(struct vml_check *chk, struct vml_zone *zone,
				    struct vml_plist *list, unsigned int order,
				    enum vml_frame_state state, const char *what)
{
	u32 idx = list->first, prev = VML_IDX_NONE, n = 0, nr = 1u << order;
	u32 flag = state == VML_FRAME_BUDDY ? VML_PG_buddy : VML_PG_pcp;
	unsigned long pfn;

	for (; idx != VML_IDX_NONE; prev = idx, idx = vml_idx_to_page(idx)->lru_next) {
		struct vml_page *page;

		pfn = vml_arena.base_pfn + idx;
		if (idx - zone->start_idx >= zone->spanned ||
		    zone->spanned - (idx - zone->start_idx) < nr) {
			vml_check_fail(chk, "%s %s order %u: pfn %#lx lies outside the zone",
				       zone->name, what, order, pfn);
			break;
		}
		if (++n > list->nr || idx & (nr - 1)) {
			vml_check_fail(chk, "%s %s order %u: %s at pfn %#lx",
				       zone->name, what, order, n > list->nr ?
				       "more blocks than counted (a loop?)" :
				       "misaligned block", pfn);
			break;
		}
		page = vml_idx_to_page(idx);
		if (page->lru_prev != prev)
			vml_check_fail(chk, "%s %s order %u: pfn %#lx links back to %#x, not %#x",
				       zone->name, what, order, pfn, page->lru_prev, prev);
		if (!vml_page_test(page, flag) || vml_page_order(page) != order)
			vml_check_fail(chk, "%s %s order %u: pfn %#lx has flags %#x order %u",
				       zone->name, what, order, pfn,
				       atomic_read(&page->flags), vml_page_order(page));
		if (!vml_check_claim(chk, idx, nr, state, what))
			break;	/* twice on the lists: the rest repeats */
	}
	if (n != list->nr)
		vml_check_fail(chk, "%s %s order %u: %u blocks on the list, %u counted",
			       zone->name, what, order, n, list->nr);
	return (unsigned long)n << order;
}

static void check_zone(struct vml_check *chk, struct vml_zone *zone)
{
	unsigned long flags, free = 0;
	unsigned int order;

	spin_lock_irqsave(&zone->lock, flags);
	for (order = 0; order < VML_MAX_ORDER; order++)
		free += walk_free_list(chk, zone, &zone->free_area[order].free_list,
				       order, VML_FRAME_BUDDY, "free list");
	if (free != zone->free_pages)
		vml_check_fail(chk, "%s: %lu frames on the free lists, free_pages says %lu",
			       zone->name, free, zone->free_pages);
	spin_unlock_irqrestore(&zone->lock, flags);
}

/* One CPU's lists of every zone; on that CPU with interrupts off. */
static void check_pcp_cpu(struct vml_check *chk, int cpu)
{
	struct vml_zone *zone;
	unsigned int order;

	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone)) {
		struct vml_pcp *pcp = per_cpu_ptr(zone->pcp, cpu);
		unsigned long n = 0;

		for (order = 0; order <= VML_PCP_MAX_ORDER; order++)
			n += walk_free_list(chk, zone, &pcp->lists[order], order,
					    VML_FRAME_PCP, "pcp list");
		if (n != pcp->count)
			vml_check_fail(chk, "%s: cpu %d lists hold %lu frames, count says %u",
				       zone->name, cpu, n, pcp->count);
	}
}

static void check_pcp_ipi(void *chk)
{
	check_pcp_cpu(chk, smp_processor_id());
}

void vml_buddy_check(struct vml_check *chk)
{
	struct vml_zone *zone;
	int cpu;

	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone))
		check_zone(chk, zone);
	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		if (cpu_online(cpu))
			smp_call_function_single(cpu, check_pcp_ipi, chk, 1);
		else
			check_pcp_cpu(chk, cpu);
	}
	cpus_read_unlock();
	vml_buddy_ctl_check(chk);
}
