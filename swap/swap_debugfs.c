// SPDX-License-Identifier: GPL-2.0
/*
 * swap_debugfs.c - ctl commands and debugfs files of the swap layer.
 * Parsing and printing only.
 *
 *   swapon <path|ram:SIZE> [prio=N] -> ok type=N
 *   swapoff <path|ram:SIZE>         -> ok
 *   swap_selftest <pages>           -> ok pages=N pswpout=N pswpin=N
 *   lru_policy [2list|clock]        -> ok policy=NAME
 *   reclaim <pages>                 -> ok reclaimed=N (EAGAIN when short)
 *   swappiness [0-200]              -> ok swappiness=N
 *   oom_score_adj <mm> <-1000..1000> -> ok mm=N oom_score_adj=N
 *   oom                             -> ok killed=N (sysrq-f)
 *   swaps (file)                    the areas, as /proc/swaps
 *   lru (file)                      LRU list sizes per node, the policy
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "ctl/ctl.h"
#include "swap/swap.h"
#include "buddy/vmstat.h"
#include "vma/vma.h"

static const char * const lru_names[VML_NR_LRU_LISTS] = {
	[VML_LRU_INACTIVE_ANON] = "inactive_anon",
	[VML_LRU_ACTIVE_ANON] = "active_anon",
	[VML_LRU_INACTIVE_FILE] = "inactive_file",
	[VML_LRU_ACTIVE_FILE] = "active_file",
	[VML_LRU_UNEVICTABLE] = "unevictable",
};

static int cmd_swapon(int argc, char **argv, struct vml_reply *r)
{
	int prio = VML_SWAP_PRIO_DEFAULT, ret;
	const char *why;
	u64 v;

	if (argc == 3) {
		if (strncmp(argv[2], "prio=", 5))
			return vml_reply_err(r, -EINVAL, "expected prio=N, got '%s'",
					     argv[2]);
		if (vml_parse_arg_u64(r, "prio", argv[2] + 5, VML_SWAP_PRIO_MAX, &v))
			return r->err;
		prio = v;
	}
	ret = vml_swapon(argv[1], prio, &why);
	if (ret < 0)
		return vml_reply_err(r, ret, "swapon %s: %s", argv[1], why);
	vml_reply_add(r, " type=%d", ret);
	return 0;
}

static int cmd_swapoff(int argc, char **argv, struct vml_reply *r)
{
	const char *why;
	int ret = vml_swapoff(argv[1], &why);

	if (ret)
		return vml_reply_err(r, ret, "swapoff %s: %s", argv[1], why);
	return 0;
}

static int cmd_swap_selftest(int argc, char **argv, struct vml_reply *r)
{
	const char *why;
	u64 nr;
	int ret;

	if (vml_parse_arg_u64(r, "pages", argv[1], VML_SWAP_SELFTEST_MAX, &nr))
		return r->err;
	if (!nr)
		return vml_reply_err(r, -EINVAL, "pages must be at least 1");
	ret = vml_swap_selftest(nr, &why);
	if (ret)
		return vml_reply_err(r, ret, "swap_selftest: %s", why);
	vml_reply_add(r, " pages=%llu pswpout=%lu pswpin=%lu", nr,
		      vml_vm_event_sum(VML_PSWPOUT), vml_vm_event_sum(VML_PSWPIN));
	return 0;
}

static int cmd_lru_policy(int argc, char **argv, struct vml_reply *r)
{
	if (argc == 2 && vml_lru_set_policy(argv[1]))
		return vml_reply_err(r, -EINVAL,
				     "unknown policy '%s' (2list or clock)", argv[1]);
	vml_reply_add(r, " policy=%s", vml_lru_policy_name());
	return 0;
}

/* memory.reclaim: EAGAIN when fewer pages than asked could be freed. */
static int cmd_reclaim(int argc, char **argv, struct vml_reply *r)
{
	unsigned long got;
	u64 nr;

	if (vml_parse_arg_u64(r, "pages", argv[1], vml_arena.nr_frames, &nr))
		return r->err;
	if (!nr)
		return vml_reply_err(r, -EINVAL, "pages must be at least 1");
	got = vml_reclaim_pages(nr);
	if (got < nr)
		return vml_reply_err(r, -EAGAIN, "reclaimed only %lu of %llu pages",
				     got, nr);
	vml_reply_add(r, " reclaimed=%lu", got);
	return 0;
}

static int cmd_swappiness(int argc, char **argv, struct vml_reply *r)
{
	u64 v;

	if (argc == 2) {
		if (vml_parse_arg_u64(r, "swappiness", argv[1], VML_SWAPPINESS_MAX, &v))
			return r->err;
		vml_set_swappiness(v);
	}
	vml_reply_add(r, " swappiness=%d", vml_swappiness());
	return 0;
}

/* A write to /proc/PID/oom_score_adj; a killed mm is refused (ESRCH). */
static int cmd_oom_score_adj(int argc, char **argv, struct vml_reply *r)
{
	struct vml_mm *mm;
	long adj;
	int ret;

	if (kstrtol(argv[2], 10, &adj) || adj < VML_OOM_SCORE_ADJ_MIN ||
	    adj > VML_OOM_SCORE_ADJ_MAX)
		return vml_reply_err(r, -EINVAL, "oom_score_adj must be %d..%d, got '%s'",
				     VML_OOM_SCORE_ADJ_MIN, VML_OOM_SCORE_ADJ_MAX, argv[2]);
	mm = vml_ctl_get_mm(r, argv[1]);
	if (!mm)
		return r->err;
	ret = vml_oom_set_score_adj(mm, adj);
	if (ret)
		vml_reply_err(r, ret, "mm %d is the kernel mm", mm->id);
	else
		vml_reply_add(r, " mm=%d oom_score_adj=%ld", mm->id, adj);
	vml_mm_put(mm);
	return ret;
}

/* sysrq-f: kill the mm of the highest badness now. */
static int cmd_oom(int argc, char **argv, struct vml_reply *r)
{
	int ret = vml_oom_kill();

	if (ret == -ESRCH)
		return vml_reply_err(r, ret, "OOM request ignored: %s",
				     "no mm can be chosen (all at -1000 or killed)");
	if (ret == -EAGAIN)
		return vml_reply_err(r, ret, "the last victim's mmap_lock is held");
	if (ret < 0)
		return vml_reply_err(r, ret, "interrupted");
	vml_reply_add(r, " killed=%d", ret);
	return 0;
}

static const struct vml_ctl_cmd swap_cmds[] = {
	{ "swapon", "<path|ram:SIZE> [prio=N]", 1, 2, cmd_swapon },
	{ "swapoff", "<path|ram:SIZE>", 1, 1, cmd_swapoff },
	{ "swap_selftest", "<pages>", 1, 1, cmd_swap_selftest },
	{ "lru_policy", "[2list|clock]", 0, 1, cmd_lru_policy },
	{ "reclaim", "<pages>", 1, 1, cmd_reclaim },
	{ "swappiness", "[0-200]", 0, 1, cmd_swappiness },
	{ "oom_score_adj", "<mm> <-1000..1000>", 2, 2, cmd_oom_score_adj },
	{ "oom", "", 0, 0, cmd_oom },
};

static struct vml_ctl_group swap_group = {
	.cmds = swap_cmds,
	.nr = ARRAY_SIZE(swap_cmds),
};

static int swaps_show(struct seq_file *m, void *v)
{
	vml_swaps_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(swaps);

static int lru_show(struct seq_file *m, void *v)
{
	unsigned long nr[VML_NR_LRU_LISTS];
	int nid, i;

	seq_printf(m, "policy %s\n", vml_lru_policy_name());
	for (nid = 0; nid < vml_arena.nr_nodes; nid++) {
		vml_lru_sizes(nid, nr);
		seq_printf(m, "Node %d", nid);
		for (i = 0; i < VML_NR_LRU_LISTS; i++)
			seq_printf(m, " %s %lu", lru_names[i], nr[i]);
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lru);

int vml_swap_debugfs_init(struct dentry *root)
{
	debugfs_create_file("swaps", 0400, root, NULL, &swaps_fops);
	debugfs_create_file("lru", 0400, root, NULL, &lru_fops);
	vml_ctl_register(&swap_group);
	return 0;
}

void vml_swap_debugfs_exit(void)
{
	vml_ctl_unregister(&swap_group);
}
