// SPDX-License-Identifier: GPL-2.0
/* vmstat.c - per-CPU event counters, as mm/vmstat.c's vm_event_states. */
#include <linux/cpumask.h>
#include "buddy/vmstat.h"

struct vml_vm_events __percpu *vml_vm_events;

const char * const vml_vm_event_names[VML_NR_VM_EVENTS] = {
	[VML_PGALLOC_DMA] = "pgalloc_dma",
	[VML_PGALLOC_NORMAL] = "pgalloc_normal",
	[VML_PGALLOC_HIGH] = "pgalloc_high",
	[VML_PGFREE] = "pgfree",
	[VML_ALLOCSTALL] = "allocstall",
	[VML_KSWAPD_WAKEUP] = "kswapd_wakeup",
	[VML_PGALLOC_FAIL] = "pgalloc_fail",
	[VML_BAD_FREE] = "bad_free",
	[VML_PCP_REFILL] = "pcp_refill",
	[VML_PCP_DRAIN] = "pcp_drain",
	[VML_OOM_HOOK] = "oom_kill_hook",
	[VML_EV_SLAB_GROW] = "slab_grow",
	[VML_EV_SLAB_DESTROY] = "slab_destroy",
	[VML_EV_SLAB_BAD_FREE] = "slab_bad_free",
	[VML_EV_SLAB_POISON] = "slab_poison",
	[VML_EV_SLAB_REDZONE] = "slab_redzone",
	[VML_EV_SLAB_CORRUPT] = "slab_corrupt",
	[VML_NR_TLB_REMOTE_FLUSH] = "nr_tlb_remote_flush",
	[VML_NR_TLB_REMOTE_FLUSH_RECEIVED] = "nr_tlb_remote_flush_received",
	[VML_PGFAULT] = "pgfault",
	[VML_PGMAJFAULT] = "pgmajfault",
	[VML_COW_FAULT] = "cow_fault",
	[VML_PGREUSE] = "pgreuse",
	[VML_ZERO_PAGE_FAULT] = "zero_page_fault",
	[VML_PGREADAHEAD] = "pgreadahead",
	[VML_PGPGIN] = "pgpgin",
	[VML_PGPGOUT] = "pgpgout",
	[VML_PGACTIVATE] = "pgactivate",
	[VML_PGDEACTIVATE] = "pgdeactivate",
	[VML_PGREFILL] = "pgrefill",
	[VML_PSWPIN] = "pswpin",
	[VML_PSWPOUT] = "pswpout",
	[VML_PSWPIN_FAIL] = "pswpin_fail",
	[VML_PSWPOUT_FAIL] = "pswpout_fail",
	[VML_SWAP_RA] = "swap_ra",
	[VML_SWAP_RA_HIT] = "swap_ra_hit",
	[VML_NR_SWAPCACHED] = "nr_swapcached",
	[VML_NR_SWAP_CONT] = "nr_swap_cont",
	[VML_PGSCAN_KSWAPD] = "pgscan_kswapd",
	[VML_PGSCAN_DIRECT] = "pgscan_direct",
	[VML_PGSTEAL_KSWAPD] = "pgsteal_kswapd",
	[VML_PGSTEAL_DIRECT] = "pgsteal_direct",
	[VML_SLABS_SCANNED] = "slabs_scanned",
	[VML_NR_INACTIVE_ANON] = "nr_inactive_anon",
	[VML_NR_ACTIVE_ANON] = "nr_active_anon",
	[VML_NR_INACTIVE_FILE] = "nr_inactive_file",
	[VML_NR_ACTIVE_FILE] = "nr_active_file",
	[VML_NR_UNEVICTABLE] = "nr_unevictable",
};

unsigned long vml_vm_event_sum(enum vml_vm_event item)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(vml_vm_events, cpu)->ev[item];
	return sum;
}

int vml_vmstat_init(void)
{
	vml_vm_events = alloc_percpu(struct vml_vm_events);
	return vml_vm_events ? 0 : -ENOMEM;
}

void vml_vmstat_exit(void)
{
	free_percpu(vml_vm_events);
	vml_vm_events = NULL;
}
