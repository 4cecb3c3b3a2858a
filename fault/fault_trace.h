/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Fault tracepoints
 *
 * fault_trace.h - tracepoints of the fault layer (TRACE_SYSTEM vmlab):
 * one vmlab_fault per page fault, one vmlab_fork per fork. fault/trace.c
 * defines CREATE_TRACE_POINTS.
 *
 * vmlab_fault fires once for every fault the handler takes (exactly the
 * faults vmstat's pgfault counts, populate included), with what it did,
 * and once more for each fault access/ refuses before calling it (no VMA,
 * an access the VMA forbids: the SEGV results; and faults in the kernel
 * mm, which has no handler: none of these is in pgfault). A fault
 * resolved inside the CR3 window has window=1; one the window could not
 * resolve is traced once, when the full path takes it.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmlab

#if !defined(VMLAB_FAULT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define VMLAB_FAULT_TRACE_H

#include <linux/tracepoint.h>

/* Values of vmlab_fault's result field (numbers: trace-cmd reads them). */
#define VML_FAULT_RES_FILE		0	/* a page-cache page mapped */
#define VML_FAULT_RES_ANON		1	/* a new zeroed anonymous page */
#define VML_FAULT_RES_ZERO		2	/* the zero page, read-only */
#define VML_FAULT_RES_COW		3	/* a private copy on write */
#define VML_FAULT_RES_REUSE		4	/* write allowed, no copy */
#define VML_FAULT_RES_SPURIOUS		5	/* the PTE already allowed it */
#define VML_FAULT_RES_SWAP		6	/* the swap-in hook ran */
#define VML_FAULT_RES_SEGV_MAPERR	7
#define VML_FAULT_RES_SEGV_ACCERR	8
#define VML_FAULT_RES_SIGBUS		9
#define VML_FAULT_RES_OOM		10

#define vml_show_fault_result(r)					\
	__print_symbolic(r, { 0, "file" }, { 1, "anon" }, { 2, "zero_page" }, \
			 { 3, "cow" }, { 4, "reuse" }, { 5, "spurious" },	\
			 { 6, "swap" }, { 7, "segv_maperr" },		\
			 { 8, "segv_accerr" }, { 9, "sigbus" }, { 10, "oom" })

TRACE_EVENT(vmlab_fault,
	TP_PROTO(int mm, unsigned long address, unsigned int flags, int result,
		 bool major, bool window),
	TP_ARGS(mm, address, flags, result, major, window),
	TP_STRUCT__entry(
		__field(int, mm)
		__field(unsigned long, address)
		__field(unsigned int, flags)
		__field(int, result)
		__field(bool, major)
		__field(bool, window)
	),
	TP_fast_assign(
		__entry->mm = mm;
		__entry->address = address;
		__entry->flags = flags;
		__entry->result = result;
		__entry->major = major;
		__entry->window = window;
	),
	/* @flags: VML_FAULT_FLAG_* of fault.h (WRITE 1, USER 2, REMOTE 4). */
	TP_printk("mm=%d address=0x%lx access=%s%s%s result=%s major=%d window=%d",
		  __entry->mm, __entry->address,
		  __entry->flags & 0x01 ? "WRITE" : "READ",
		  __entry->flags & 0x02 ? "|USER" : "",
		  __entry->flags & 0x04 ? "|REMOTE" : "",
		  vml_show_fault_result(__entry->result), __entry->major,
		  __entry->window)
);

/* @child: the new mm's id, or -errno when the fork failed. */
TRACE_EVENT(vmlab_fork,
	TP_PROTO(int parent, int child, unsigned long vmas, unsigned long rss),
	TP_ARGS(parent, child, vmas, rss),
	TP_STRUCT__entry(
		__field(int, parent)
		__field(int, child)
		__field(unsigned long, vmas)
		__field(unsigned long, rss)
	),
	TP_fast_assign(
		__entry->parent = parent;
		__entry->child = child;
		__entry->vmas = vmas;
		__entry->rss = rss;
	),
	TP_printk("parent=%d child=%d vmas=%lu rss=%lu",
		  __entry->parent, __entry->child, __entry->vmas, __entry->rss)
);

#endif /* VMLAB_FAULT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH fault
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE fault_trace
#include <trace/define_trace.h>
