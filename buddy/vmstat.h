/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Event counters
 *
 * vmstat.h - event counters shown in the debugfs vmstat file (/proc/vmstat
 * names where Linux has one). Per-CPU, summed on read, as vm_event_states.
 * Each subsystem adds the items it counts to the enum and the name table.
 */
#ifndef VMLAB_BUDDY_VMSTAT_H
#define VMLAB_BUDDY_VMSTAT_H

#include <linux/percpu.h>

enum vml_vm_event {
	VML_PGALLOC_DMA,
	VML_PGALLOC_NORMAL,
	VML_PGALLOC_HIGH,
	VML_PGFREE,
	VML_ALLOCSTALL,
	VML_KSWAPD_WAKEUP,
	VML_PGALLOC_FAIL,
	VML_BAD_FREE,
	VML_PCP_REFILL,
	VML_PCP_DRAIN,
	VML_OOM_HOOK,
	VML_EV_SLAB_GROW,
	VML_EV_SLAB_DESTROY,
	VML_EV_SLAB_BAD_FREE,
	VML_EV_SLAB_POISON,
	VML_EV_SLAB_REDZONE,
	VML_EV_SLAB_CORRUPT,
	VML_NR_TLB_REMOTE_FLUSH,		/* mmu: shootdown IPIs sent */
	VML_NR_TLB_REMOTE_FLUSH_RECEIVED,	/* mmu: ... and handled */
	VML_PGFAULT,			/* fault: every resolved fault */
	VML_PGMAJFAULT,			/* fault: ... that read from a file */
	VML_COW_FAULT,			/* fault: write faults that copied */
	VML_PGREUSE,			/* fault: write faults that reused */
	VML_ZERO_PAGE_FAULT,		/* fault: read faults given the zero page */
	VML_PGREADAHEAD,		/* fault: pages read ahead */
	VML_PGPGIN,			/* fault: KiB read from files, as Linux */
	VML_PGPGOUT,			/* fault: KiB written back to files */
	VML_PGACTIVATE,			/* swap: pages moved to an active list */
	VML_PGDEACTIVATE,		/* swap: ... from active to inactive */
	VML_PGREFILL,			/* swap: active pages scanned to refill */
	VML_PSWPIN,			/* swap: pages read from swap areas */
	VML_PSWPOUT,			/* swap: pages written to swap areas */
	VML_PSWPIN_FAIL,		/* swap: reads that failed (SIGBUS) */
	VML_PSWPOUT_FAIL,		/* swap: writes that failed (page kept) */
	VML_SWAP_RA,			/* swap: pages read ahead around a fault */
	VML_SWAP_RA_HIT,		/* swap: ... later found by a fault */
	VML_NR_SWAPCACHED,		/* swap: a gauge, +1/-1: swap-cache pages */
	VML_NR_SWAP_CONT,		/* swap: a gauge: slots with a continued count */
	VML_PGSCAN_KSWAPD,		/* swap: inactive pages kswapd scanned */
	VML_PGSCAN_DIRECT,		/* swap: ... direct reclaim scanned */
	VML_PGSTEAL_KSWAPD,		/* swap: pages kswapd reclaimed */
	VML_PGSTEAL_DIRECT,		/* swap: ... direct reclaim reclaimed */
	VML_SLABS_SCANNED,		/* swap: slab caches shrunk by reclaim */
	/* LRU sizes: per-CPU deltas (lru.c), in enum vml_lru_list's order */
	VML_NR_INACTIVE_ANON,
	VML_NR_ACTIVE_ANON,
	VML_NR_INACTIVE_FILE,
	VML_NR_ACTIVE_FILE,
	VML_NR_UNEVICTABLE,
	VML_NR_VM_EVENTS,
};

struct vml_vm_events {
	unsigned long ev[VML_NR_VM_EVENTS];
};

extern struct vml_vm_events __percpu *vml_vm_events;
extern const char * const vml_vm_event_names[VML_NR_VM_EVENTS];

static inline void vml_count_events(enum vml_vm_event item, long n)
{
	this_cpu_add(vml_vm_events->ev[item], n);
}

static inline void vml_count_event(enum vml_vm_event item)
{
	this_cpu_inc(vml_vm_events->ev[item]);
}

/**
 * vml_vm_event_sum() - an event's total over all CPUs.
 * @item: the event.
 * Return: the sum.
 */
unsigned long vml_vm_event_sum(enum vml_vm_event item);

int vml_vmstat_init(void);
void vml_vmstat_exit(void);

#endif /* VMLAB_BUDDY_VMSTAT_H */
