/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Page allocator tracepoints
 *
 * buddy_trace.h - tracepoints of the page allocator (TRACE_SYSTEM vmlab,
 * /sys/kernel/tracing/events/vmlab/). Field names follow
 * include/trace/events/kmem.h: vmlab_page_alloc is mm_page_alloc with the
 * zone and node added (vmlab has no migrate types), vmlab_page_free is
 * mm_page_free. buddy/trace.c defines CREATE_TRACE_POINTS; every other
 * file just includes this header (Documentation/tracing.rst).
 *
 * The GFP flags are printed from the raw VML___GFP_* values in buddy.h,
 * spelled out as numbers: a macro's cast would end up in the format that
 * trace-cmd parses.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmlab

#if !defined(VMLAB_BUDDY_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define VMLAB_BUDDY_TRACE_H

#include <linux/tracepoint.h>

#define vml_show_zone(z)						\
	__print_symbolic(z, { 0, "DMA" }, { 1, "Normal" }, { 2, "HighMem" }, \
			 { -1, "none" })

#define vml_show_gfp(g)							\
	__print_flags(g, "|", { 0x001, "DMA" }, { 0x002, "HIGHMEM" },	\
		      { 0x004, "HIGH" }, { 0x008, "ATOMIC" },		\
		      { 0x010, "DIRECT_RECLAIM" }, { 0x020, "KSWAPD_RECLAIM" }, \
		      { 0x040, "IO" }, { 0x080, "FS" }, { 0x100, "ZERO" },	\
		      { 0x200, "NOWARN" }, { 0x400, "NORETRY" },		\
		      { 0x800, "MEMALLOC" })

TRACE_EVENT(vmlab_page_alloc,
	TP_PROTO(unsigned long pfn, unsigned int order, unsigned int gfp_flags,
		 int zone, int nid),
	TP_ARGS(pfn, order, gfp_flags, zone, nid),
	TP_STRUCT__entry(
		__field(unsigned long, pfn)
		__field(unsigned int, order)
		__field(unsigned long, gfp_flags)
		__field(int, zone)
		__field(int, nid)
	),
	TP_fast_assign(
		__entry->pfn = pfn;
		__entry->order = order;
		__entry->gfp_flags = gfp_flags;
		__entry->zone = zone;
		__entry->nid = nid;
	),
	TP_printk("pfn=0x%lx order=%u zone=%s nid=%d gfp_flags=%s",
		  __entry->pfn, __entry->order, vml_show_zone(__entry->zone),
		  __entry->nid, vml_show_gfp(__entry->gfp_flags))
);

TRACE_EVENT(vmlab_page_free,
	TP_PROTO(unsigned long pfn, unsigned int order),
	TP_ARGS(pfn, order),
	TP_STRUCT__entry(
		__field(unsigned long, pfn)
		__field(unsigned int, order)
	),
	TP_fast_assign(
		__entry->pfn = pfn;
		__entry->order = order;
	),
	TP_printk("pfn=0x%lx order=%u", __entry->pfn, __entry->order)
);

/* Blocks moved between a zone's free lists and one CPU's list. */
DECLARE_EVENT_CLASS(vmlab_pcp,
	TP_PROTO(int zone, int nid, unsigned int order, unsigned int frames),
	TP_ARGS(zone, nid, order, frames),
	TP_STRUCT__entry(
		__field(int, zone)
		__field(int, nid)
		__field(unsigned int, order)
		__field(unsigned int, frames)
	),
	TP_fast_assign(
		__entry->zone = zone;
		__entry->nid = nid;
		__entry->order = order;
		__entry->frames = frames;
	),
	TP_printk("zone=%s nid=%d order=%u frames=%u",
		  vml_show_zone(__entry->zone), __entry->nid, __entry->order,
		  __entry->frames)
);

/* Refill: @frames taken from the buddy lists at @order. */
DEFINE_EVENT(vmlab_pcp, vmlab_pcp_refill,
	TP_PROTO(int zone, int nid, unsigned int order, unsigned int frames),
	TP_ARGS(zone, nid, order, frames)
);

/* Drain: @frames given back, every order (@order is the highest, 3). */
DEFINE_EVENT(vmlab_pcp, vmlab_pcp_drain,
	TP_PROTO(int zone, int nid, unsigned int order, unsigned int frames),
	TP_ARGS(zone, nid, order, frames)
);

#endif /* VMLAB_BUDDY_TRACE_H */

/* Out of tree: define_trace.h finds this header by path through -I$(src). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH buddy
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE buddy_trace
#include <trace/define_trace.h>
