/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: OOM killer tracepoint
 *
 * oom_trace.h - the OOM killer's tracepoint (TRACE_SYSTEM vmlab), after
 * include/trace/events/oom.h's mark_victim with the badness figures
 * oom_badness() weighed: the mm killed, its badness, the total pages it
 * was weighed against (arena frames + swap slots), its resident pages
 * and swap entries. swap/oom_trace.c defines CREATE_TRACE_POINTS.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmlab

#if !defined(VMLAB_OOM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define VMLAB_OOM_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(vmlab_oom_kill,
	TP_PROTO(int mm, long badness, unsigned long totalpages,
		 unsigned long rss, unsigned long swapents),
	TP_ARGS(mm, badness, totalpages, rss, swapents),
	TP_STRUCT__entry(
		__field(int, mm)
		__field(long, badness)
		__field(unsigned long, totalpages)
		__field(unsigned long, rss)
		__field(unsigned long, swapents)
	),
	TP_fast_assign(
		__entry->mm = mm;
		__entry->badness = badness;
		__entry->totalpages = totalpages;
		__entry->rss = rss;
		__entry->swapents = swapents;
	),
	TP_printk("mm=%d badness=%ld totalpages=%lu rss=%lu swapents=%lu",
		  __entry->mm, __entry->badness, __entry->totalpages,
		  __entry->rss, __entry->swapents)
);

#endif /* VMLAB_OOM_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH swap
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE oom_trace
#include <trace/define_trace.h>
