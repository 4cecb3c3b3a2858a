// SPDX-License-Identifier: GPL-2.0
/*
 * mmu.c - start and stop the mmu layer; its counters; whether the host's
 * paging is one it can drive.
 */
#include <linux/cc_platform.h>
#include "mmu/mmu-internal.h"

struct vml_mmu_stats vml_mmu_stats;

/*
 * With memory encryption (AMD SME/SEV, Intel TDX) the encryption bit
 * (_PAGE_ENC, sme_me_mask) must be in CR3 (__sme_pa()) and in every table
 * entry, and the arena's frames would have to be mapped encrypted in the
 * direct map to match. vmlab writes CR3 and its entries from plain
 * physical addresses, so on such a host a sandbox would read ciphertext
 * or, worse, walk tables the CPU decodes differently. Rather than
 * half-support it, vmlab refuses to load there.
 */
int vml_mmu_check_host(void)
{
	if (cc_platform_has(CC_ATTR_MEM_ENCRYPT) || sme_me_mask) {
		pr_err("vmlab: memory encryption (SME/SEV/TDX) is active; vmlab's page tables and CR3 carry no encryption bit, so it refuses to load\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

int vml_mmu_init(void)
{
	memset(&vml_mmu_stats, 0, sizeof(vml_mmu_stats));
	return vml_window_init();
}

void vml_mmu_exit(void)
{
	long left;

	vml_window_exit();
	vml_quicklist_drain();
	left = atomic_long_read(&vml_mmu_stats.tables);
	if (left)
		pr_err("vmlab: %ld page-table pages still in use at exit\n", left);
}
