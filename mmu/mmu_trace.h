/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: CR3 window and TLB tracepoints
 *
 * mmu_trace.h - tracepoints of the CR3 window and the TLB shootdown
 * (TRACE_SYSTEM vmlab). A tree is named by its PGD's physical address,
 * the value the window loads into CR3 (mmu/ does not know mm ids). The
 * enter and leave events fire outside the window, with interrupts on;
 * what a fix-up does inside it (vmlab_fault with window=1, the
 * allocator's events) is recorded between the two. mmu/trace.c defines
 * CREATE_TRACE_POINTS.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmlab

#if !defined(VMLAB_MMU_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define VMLAB_MMU_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(vmlab_window_enter,
	TP_PROTO(unsigned long pgd),
	TP_ARGS(pgd),
	TP_STRUCT__entry(
		__field(unsigned long, pgd)
	),
	TP_fast_assign(
		__entry->pgd = pgd;
	),
	TP_printk("pgd=0x%lx", __entry->pgd)
);

/*
 * @bytes: copied in this window; @fixups: faults resolved inside it;
 * @flush: it ended early for a shootdown a COW fix-up needs; @fault: it
 * ended on a fault no fix-up resolved (the full path takes it next).
 */
TRACE_EVENT(vmlab_window_leave,
	TP_PROTO(unsigned long pgd, unsigned long bytes, unsigned int fixups,
		 bool flush, bool fault),
	TP_ARGS(pgd, bytes, fixups, flush, fault),
	TP_STRUCT__entry(
		__field(unsigned long, pgd)
		__field(unsigned long, bytes)
		__field(unsigned int, fixups)
		__field(bool, flush)
		__field(bool, fault)
	),
	TP_fast_assign(
		__entry->pgd = pgd;
		__entry->bytes = bytes;
		__entry->fixups = fixups;
		__entry->flush = flush;
		__entry->fault = fault;
	),
	TP_printk("pgd=0x%lx bytes=%lu fixups=%u flush=%d fault=%d",
		  __entry->pgd, __entry->bytes, __entry->fixups,
		  __entry->flush, __entry->fault)
);

/* IPIs sent to the @cpus CPUs in a window on the tree (nr_tlb_remote_flush). */
TRACE_EVENT(vmlab_tlb_shootdown,
	TP_PROTO(unsigned long pgd, unsigned int cpus),
	TP_ARGS(pgd, cpus),
	TP_STRUCT__entry(
		__field(unsigned long, pgd)
		__field(unsigned int, cpus)
	),
	TP_fast_assign(
		__entry->pgd = pgd;
		__entry->cpus = cpus;
	),
	TP_printk("pgd=0x%lx cpus=%u", __entry->pgd, __entry->cpus)
);

#endif /* VMLAB_MMU_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH mmu
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE mmu_trace
#include <trace/define_trace.h>
