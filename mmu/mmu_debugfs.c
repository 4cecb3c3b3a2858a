// SPDX-License-Identifier: GPL-2.0
/*
 * mmu_debugfs.c - the "mmu" statistics file and the mmu_selftest ctl
 * command. Parsing and printing only.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "mmu/mmu-internal.h"
#include "ctl/ctl.h"
#include "vmlab_compat.h"

#define VML_SELFTEST_MAX_ITER	1000000

static int mmu_show(struct seq_file *m, void *v)
{
	unsigned long low, high;

	vml_quicklist_watermarks(&low, &high);
	seq_printf(m, "paging_levels %d\n", pgtable_l5_enabled() ? 5 : 4);
	seq_printf(m, "pti %d\n", boot_cpu_has(X86_FEATURE_PTI));
	seq_printf(m, "pcid %d\n", boot_cpu_has(X86_FEATURE_PCID));
	seq_printf(m, "invpcid %d\n", vml_cpu_has_invpcid_single());
	seq_printf(m, "smap %d\n", boot_cpu_has(X86_FEATURE_SMAP));
	seq_printf(m, "smep %d\n", boot_cpu_has(X86_FEATURE_SMEP));
	seq_printf(m, "user_va_end %#lx\n", vml_user_va_end());
	seq_printf(m, "pgtable_pages %ld\n", atomic_long_read(&vml_mmu_stats.tables));
	seq_printf(m, "pgtable_allocs %ld\n", atomic_long_read(&vml_mmu_stats.table_allocs));
	seq_printf(m, "quicklist %lu low %lu high %lu\n", vml_quicklist_count(), low, high);
	seq_printf(m, "quicklist_hits %ld\n", atomic_long_read(&vml_mmu_stats.quicklist_hits));
	seq_printf(m, "windows %ld\n", atomic_long_read(&vml_mmu_stats.windows));
	seq_printf(m, "window_faults %ld\n", atomic_long_read(&vml_mmu_stats.window_faults));
	seq_printf(m, "window_fixups %ld\n", atomic_long_read(&vml_mmu_stats.window_fixups));
	seq_printf(m, "window_fixup_flushes %ld\n",
		   atomic_long_read(&vml_mmu_stats.window_fixup_flushes));
	seq_printf(m, "window_refused %ld\n", atomic_long_read(&vml_mmu_stats.window_refused));
	seq_printf(m, "window_bytes %ld\n", atomic_long_read(&vml_mmu_stats.window_bytes));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mmu);

static int cmd_mmu_selftest(int argc, char **argv, struct vml_reply *r)
{
	struct vml_mmu_selftest res = { .iterations = 1000 };
	u64 iter = 0;
	int ret;

	if (argc > 1) {
		ret = vml_parse_arg_u64(r, "iterations", argv[1],
					VML_SELFTEST_MAX_ITER, &iter);
		if (ret)
			return ret;
		res.iterations = iter;
	}
	ret = vml_mmu_selftest(&res);
	if (ret == -EIO)
		return vml_reply_err(r, ret, "check failed: %s (after %lu checks)",
				     res.failed ?: "?", res.checks);
	if (ret)
		return vml_reply_err(r, ret, "selftest could not run");
	vml_reply_add(r, " windows=%lu faults=%lu checks=%lu levels=%d",
		      res.windows, res.faults, res.checks,
		      pgtable_l5_enabled() ? 5 : 4);
	vml_reply_add(r, " racer_windows=%lu shootdowns=%lu",
		      res.racer_windows, res.shootdowns);
	return 0;
}

static const struct vml_ctl_cmd mmu_cmds[] = {
	{ "mmu_selftest", "[iterations]", 0, 1, cmd_mmu_selftest },
};

static struct vml_ctl_group mmu_group = {
	.cmds = mmu_cmds,
	.nr = ARRAY_SIZE(mmu_cmds),
};

int vml_mmu_debugfs_init(struct dentry *root)
{
	debugfs_create_file("mmu", 0400, root, NULL, &mmu_fops);
	vml_ctl_register(&mmu_group);
	return 0;
}

void vml_mmu_debugfs_exit(void)
{
	vml_ctl_unregister(&mmu_group);
}
