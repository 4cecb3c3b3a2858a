/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Address-space tracepoints
 *
 * vma_trace.h - tracepoints of the address-space calls (TRACE_SYSTEM
 * vmlab): mmap, munmap, mprotect and mremap, each with its arguments and
 * its result (an address or -errno), as the syscalls' tracepoints show
 * them. vma/trace.c defines CREATE_TRACE_POINTS.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmlab

#if !defined(VMLAB_VMA_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define VMLAB_VMA_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(vmlab_mmap,
	TP_PROTO(int mm, unsigned long addr, unsigned long len,
		 unsigned long prot, unsigned long flags, long ret),
	TP_ARGS(mm, addr, len, prot, flags, ret),
	TP_STRUCT__entry(
		__field(int, mm)
		__field(unsigned long, addr)
		__field(unsigned long, len)
		__field(unsigned long, prot)
		__field(unsigned long, flags)
		__field(long, ret)
	),
	TP_fast_assign(
		__entry->mm = mm;
		__entry->addr = addr;
		__entry->len = len;
		__entry->prot = prot;
		__entry->flags = flags;
		__entry->ret = ret;
	),
	TP_printk("mm=%d addr=0x%lx len=%lu prot=%#lx flags=%#lx ret=%#lx",
		  __entry->mm, __entry->addr, __entry->len, __entry->prot,
		  __entry->flags, __entry->ret)
);

TRACE_EVENT(vmlab_munmap,
	TP_PROTO(int mm, unsigned long addr, unsigned long len, int ret),
	TP_ARGS(mm, addr, len, ret),
	TP_STRUCT__entry(
		__field(int, mm)
		__field(unsigned long, addr)
		__field(unsigned long, len)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->mm = mm;
		__entry->addr = addr;
		__entry->len = len;
		__entry->ret = ret;
	),
	TP_printk("mm=%d addr=0x%lx len=%lu ret=%d",
		  __entry->mm, __entry->addr, __entry->len, __entry->ret)
);

TRACE_EVENT(vmlab_mprotect,
	TP_PROTO(int mm, unsigned long start, unsigned long len,
		 unsigned long prot, int ret),
	TP_ARGS(mm, start, len, prot, ret),
	TP_STRUCT__entry(
		__field(int, mm)
		__field(unsigned long, start)
		__field(unsigned long, len)
		__field(unsigned long, prot)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->mm = mm;
		__entry->start = start;
		__entry->len = len;
		__entry->prot = prot;
		__entry->ret = ret;
	),
	TP_printk("mm=%d start=0x%lx len=%lu prot=%#lx ret=%d",
		  __entry->mm, __entry->start, __entry->len, __entry->prot,
		  __entry->ret)
);

TRACE_EVENT(vmlab_mremap,
	TP_PROTO(int mm, unsigned long addr, unsigned long old_len,
		 unsigned long new_len, unsigned long flags, long ret),
	TP_ARGS(mm, addr, old_len, new_len, flags, ret),
	TP_STRUCT__entry(
		__field(int, mm)
		__field(unsigned long, addr)
		__field(unsigned long, old_len)
		__field(unsigned long, new_len)
		__field(unsigned long, flags)
		__field(long, ret)
	),
	TP_fast_assign(
		__entry->mm = mm;
		__entry->addr = addr;
		__entry->old_len = old_len;
		__entry->new_len = new_len;
		__entry->flags = flags;
		__entry->ret = ret;
	),
	TP_printk("mm=%d addr=0x%lx old_len=%lu new_len=%lu flags=%#lx ret=%#lx",
		  __entry->mm, __entry->addr, __entry->old_len, __entry->new_len,
		  __entry->flags, __entry->ret)
);

#endif /* VMLAB_VMA_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH vma
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vma_trace
#include <trace/define_trace.h>
