/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Reclaim and swap tracepoints
 *
 * swap_trace.h - tracepoints of the swap layer (TRACE_SYSTEM vmlab): kswapd
 * and direct reclaim, the LRU scan, swap-out and swap-in, swapon and
 * swapoff. Field names are those of include/trace/events/vmscan.h where
 * it has an equivalent event (mm_vmscan_wakeup_kswapd, _kswapd_wake,
 * _kswapd_sleep, _direct_reclaim_begin/_end, _lru_isolate,
 * _lru_shrink_inactive). swap/trace.c defines CREATE_TRACE_POINTS.
 *
 * Each event matches a vmstat counter over the same run (56-trace checks
 * them): vmlab_wakeup_kswapd is kswapd_wakeup, vmlab_direct_reclaim_begin
 * allocstall, the nr_scanned and nr_reclaimed of vmlab_shrink_inactive add
 * up to pgscan_* and pgsteal_*, vmlab_swap_out is pswpout and vmlab_swap_in
 * is pswpin (major=0: swap_ra). The header has one section per kind of
 * event; a new kind (the OOM killer's) gets a section of its own at the
 * end.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmlab

#if !defined(VMLAB_SWAP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define VMLAB_SWAP_TRACE_H

#include <linux/tracepoint.h>
#include "vmlab_compat.h"

/*
 * LRU list names, as enum vml_lru_list numbers them (trace-cmd parses
 * the format string: numbers, not enum names).
 */
#define vml_show_lru(l)							\
	__print_symbolic(l, { 0, "inactive_anon" }, { 1, "active_anon" },	\
			 { 2, "inactive_file" }, { 3, "active_file" },	\
			 { 4, "unevictable" })

/* ---- kswapd ---- */

/* A kswapd event of node @nid for zone @zid and allocation order @order. */
DECLARE_EVENT_CLASS(vmlab_kswapd_class,
	TP_PROTO(int nid, int zid, unsigned int order),
	TP_ARGS(nid, zid, order),
	TP_STRUCT__entry(
		__field(int, nid)
		__field(int, zid)
		__field(unsigned int, order)
	),
	TP_fast_assign(
		__entry->nid = nid;
		__entry->zid = zid;
		__entry->order = order;
	),
	TP_printk("nid=%d zid=%d order=%u",
		  __entry->nid, __entry->zid, __entry->order)
);

/*
 * An allocation fell below pages_low in zone @zid of node @nid and asked
 * that node's kswapd to run (one per kswapd_wakeup). kswapd is then woken
 * unless the zone is balanced already or the node is hopeless (16 passes
 * that freed nothing); vmlab_kswapd_wake says when it starts.
 */
DEFINE_EVENT(vmlab_kswapd_class, vmlab_wakeup_kswapd,
	TP_PROTO(int nid, int zid, unsigned int order),
	TP_ARGS(nid, zid, order)
);

/*
 * kswapd of @nid starts a balancing pass: @zid is the highest zone that
 * woke it, @order the largest order asked for since its last pass.
 */
DEFINE_EVENT(vmlab_kswapd_class, vmlab_kswapd_wake,
	TP_PROTO(int nid, int zid, unsigned int order),
	TP_ARGS(nid, zid, order)
);

/* kswapd of @nid goes to sleep: nothing woke it since its last pass. */
TRACE_EVENT(vmlab_kswapd_sleep,
	TP_PROTO(int nid),
	TP_ARGS(nid),
	TP_STRUCT__entry(
		__field(int, nid)
	),
	TP_fast_assign(
		__entry->nid = nid;
	),
	TP_printk("nid=%d", __entry->nid)
);

/* ---- direct reclaim ---- */

/*
 * An allocation that may sleep found every zone below pages_min and
 * reclaims itself (one per allocstall; @gfp_flags as vmlab_page_alloc).
 */
TRACE_EVENT(vmlab_direct_reclaim_begin,
	TP_PROTO(unsigned int order, unsigned long gfp_flags),
	TP_ARGS(order, gfp_flags),
	TP_STRUCT__entry(
		__field(unsigned int, order)
		__field(unsigned long, gfp_flags)
	),
	TP_fast_assign(
		__entry->order = order;
		__entry->gfp_flags = gfp_flags;
	),
	TP_printk("order=%u gfp_flags=0x%lx", __entry->order, __entry->gfp_flags)
);

/*
 * Direct reclaim ends: @nr_reclaimed pages freed (slab pages reaped
 * included); 0 when it could not run here (interrupts off, atomic).
 */
TRACE_EVENT(vmlab_direct_reclaim_end,
	TP_PROTO(unsigned long nr_reclaimed),
	TP_ARGS(nr_reclaimed),
	TP_STRUCT__entry(
		__field(unsigned long, nr_reclaimed)
	),
	TP_fast_assign(
		__entry->nr_reclaimed = nr_reclaimed;
	),
	TP_printk("nr_reclaimed=%lu", __entry->nr_reclaimed)
);

/* ---- the LRU scan ---- */

/*
 * One round of isolation from inactive list @lru of node @nid: the
 * policy chose @nr_scanned of the @nr_requested pages asked for, and
 * @nr_taken of them were not referenced (the others went back, perhaps
 * activated). The @nr_taken of a batch's rounds add up to the batch's
 * nr_scanned in vmlab_shrink_inactive.
 */
TRACE_EVENT(vmlab_lru_isolate,
	TP_PROTO(int nid, int lru, unsigned long nr_requested,
		 unsigned long nr_scanned, unsigned long nr_taken),
	TP_ARGS(nid, lru, nr_requested, nr_scanned, nr_taken),
	TP_STRUCT__entry(
		__field(int, nid)
		__field(int, lru)
		__field(unsigned long, nr_requested)
		__field(unsigned long, nr_scanned)
		__field(unsigned long, nr_taken)
	),
	TP_fast_assign(
		__entry->nid = nid;
		__entry->lru = lru;
		__entry->nr_requested = nr_requested;
		__entry->nr_scanned = nr_scanned;
		__entry->nr_taken = nr_taken;
	),
	TP_printk("nid=%d lru=%s nr_requested=%lu nr_scanned=%lu nr_taken=%lu",
		  __entry->nid, vml_show_lru(__entry->lru),
		  __entry->nr_requested, __entry->nr_scanned, __entry->nr_taken)
);

/*
 * One batch of shrink_inactive_list(): @nr_scanned pages isolated
 * (pgscan_*), @nr_reclaimed of them freed (pgsteal_*), at scan priority
 * @priority, from the file lists if @file.
 */
TRACE_EVENT(vmlab_shrink_inactive,
	TP_PROTO(int nid, unsigned long nr_scanned, unsigned long nr_reclaimed,
		 int priority, bool file),
	TP_ARGS(nid, nr_scanned, nr_reclaimed, priority, file),
	TP_STRUCT__entry(
		__field(int, nid)
		__field(unsigned long, nr_scanned)
		__field(unsigned long, nr_reclaimed)
		__field(int, priority)
		__field(bool, file)
	),
	TP_fast_assign(
		__entry->nid = nid;
		__entry->nr_scanned = nr_scanned;
		__entry->nr_reclaimed = nr_reclaimed;
		__entry->priority = priority;
		__entry->file = file;
	),
	TP_printk("nid=%d nr_scanned=%lu nr_reclaimed=%lu priority=%d file=%d",
		  __entry->nid, __entry->nr_scanned, __entry->nr_reclaimed,
		  __entry->priority, __entry->file)
);

/* ---- swap-out and swap-in ---- */

/* A page written to slot @offset of swap area @type (one per pswpout). */
TRACE_EVENT(vmlab_swap_out,
	TP_PROTO(unsigned int type, unsigned long offset, unsigned long pfn),
	TP_ARGS(type, offset, pfn),
	TP_STRUCT__entry(
		__field(unsigned int, type)
		__field(unsigned long, offset)
		__field(unsigned long, pfn)
	),
	TP_fast_assign(
		__entry->type = type;
		__entry->offset = offset;
		__entry->pfn = pfn;
	),
	TP_printk("type=%u offset=0x%lx pfn=0x%lx",
		  __entry->type, __entry->offset, __entry->pfn)
);

/*
 * A page read from slot @offset of area @type into frame @pfn (one per
 * pswpin): @major for the slot a fault (or swapoff) needed, 0 for one
 * read ahead around it (swap_ra).
 */
TRACE_EVENT(vmlab_swap_in,
	TP_PROTO(unsigned int type, unsigned long offset, unsigned long pfn,
		 bool major),
	TP_ARGS(type, offset, pfn, major),
	TP_STRUCT__entry(
		__field(unsigned int, type)
		__field(unsigned long, offset)
		__field(unsigned long, pfn)
		__field(bool, major)
	),
	TP_fast_assign(
		__entry->type = type;
		__entry->offset = offset;
		__entry->pfn = pfn;
		__entry->major = major;
	),
	TP_printk("type=%u offset=0x%lx pfn=0x%lx major=%d",
		  __entry->type, __entry->offset, __entry->pfn, __entry->major)
);

/* ---- swap areas ---- */

/*
 * swapon of @spec: @ret is the area's type or -errno; @pages usable slots
 * and @prio its priority when it succeeded.
 */
TRACE_EVENT(vmlab_swapon,
	TP_PROTO(const char *spec, int ret, unsigned long pages, int prio),
	TP_ARGS(spec, ret, pages, prio),
	TP_STRUCT__entry(
		__string(spec, spec)
		__field(int, ret)
		__field(unsigned long, pages)
		__field(int, prio)
	),
	TP_fast_assign(
		vml_assign_str(spec, spec);
		__entry->ret = ret;
		__entry->pages = pages;
		__entry->prio = prio;
	),
	TP_printk("spec=%s ret=%d pages=%lu prio=%d",
		  __get_str(spec), __entry->ret, __entry->pages, __entry->prio)
);

/* swapoff of @spec: 0, or -errno when it was refused (nothing changed). */
TRACE_EVENT(vmlab_swapoff,
	TP_PROTO(const char *spec, int ret),
	TP_ARGS(spec, ret),
	TP_STRUCT__entry(
		__string(spec, spec)
		__field(int, ret)
	),
	TP_fast_assign(
		vml_assign_str(spec, spec);
		__entry->ret = ret;
	),
	TP_printk("spec=%s ret=%d", __get_str(spec), __entry->ret)
);

#endif /* VMLAB_SWAP_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH swap
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE swap_trace
#include <trace/define_trace.h>
