// SPDX-License-Identifier: GPL-2.0
/*
 * tlb.c - TLB maintenance for sandbox trees (Gorman 3.8; arch/x86/mm/tlb.c
 * flush_tlb_mm_range() and its IPI, flush_tlb_func()).
 *
 * A sandbox translation can only be cached while a CPU is inside a CR3
 * window on that tree: the window's CR3 load (PCID 0, no NOFLUSH bit)
 * flushes whatever an earlier window left tagged PCID 0, and leaving
 * flushes PCID 0 again where INVPCID allows it (window.c). So there is no
 * local flush to do outside a window, and a remote flush only has to reach
 * the CPUs in @pt->cpus.
 *
 * Those CPUs run with interrupts off for the whole window, so the IPI is
 * taken only after their window has ended, when their sandbox
 * translations are gone. smp_call_function_many(wait=1) returns only once
 * every target ran the handler: when vml_flush_tlb_range() returns, no CPU
 * can still use the old entry, and the old frame may be reused. The
 * handler has nothing left to invalidate; it counts.
 *
 * Ordering: the caller's PTE store is ordered before the read of
 * @pt->cpus by smp_mb(); window entry orders its cpumask bit before its
 * CR3 load the same way. Either this side sees the bit (and waits for that
 * window) or that window's walks see the new PTE.
 *
 * Context: process context with interrupts enabled (usually under
 * @pt->lock, which therefore must never be taken with interrupts off).
 */
#include <linux/smp.h>
#include "mmu/mmu-internal.h"
#include "mmu/mmu_trace.h"
#include "buddy/vmstat.h"

static void tlb_flush_ipi(void *info)
{
	vml_count_event(VML_NR_TLB_REMOTE_FLUSH_RECEIVED);
}

/* Wait until every CPU that is inside a window on @pt has left it. */
void vml_tlb_shootdown(struct vml_pgtable *pt)
{
	smp_mb();	/* the PTE change before the read of pt->cpus */
	if (cpumask_empty(&pt->cpus))
		return;
	if (WARN_ON_ONCE(irqs_disabled()))
		return;
	preempt_disable();
	vml_count_event(VML_NR_TLB_REMOTE_FLUSH);
	trace_vmlab_tlb_shootdown(pt->pgd_phys, cpumask_weight(&pt->cpus));
	smp_call_function_many(&pt->cpus, tlb_flush_ipi, NULL, true);
	preempt_enable();
}

void vml_flush_tlb_range(struct vml_pgtable *pt, unsigned long start,
			 unsigned long end)
{
	if (start < end)
		vml_tlb_shootdown(pt);
}

void vml_flush_tlb_page(struct vml_pgtable *pt, unsigned long addr)
{
	vml_tlb_shootdown(pt);
}
