// SPDX-License-Identifier: GPL-2.0
/*
 * check_ctl.c - ctl `check [lines]`: run the invariant checker and print
 * "ok frames=N ptes=N", or "error EUCLEAN <first violation>" with up to
 * @lines - 1 more violations on the following lines and a count of all.
 * Parsing and printing only; vmlab_core_check() does the work.
 *
 * The command is exclusive (VML_CTL_EXCLUSIVE): it starts once every
 * running ctl command has finished, and no other starts until it is done.
 * Every change to vmlab's state in the module comes from a ctl command
 * (faults included: they happen inside access commands), so the check
 * sees a still picture without stopping the world by other means.
 */
#include <linux/minmax.h>
#include "arena/check.h"
#include "check/check.h"
#include "ctl/ctl.h"
#include "vmlab_core.h"

/* The error reply: the first @lines violations, one a line, and a count. */
static void print_violations(struct vml_reply *r, struct vml_check *chk,
			     unsigned long lines)
{
	unsigned long i, shown = min(chk->violations, lines);

	vml_reply_err(r, -EUCLEAN, "%s", chk->msgs[0]);
	for (i = 1; i < shown; i++)
		vml_reply_err_add(r, "\n%s", chk->msgs[i]);
	vml_reply_err_add(r, "\n%lu violations, %lu shown", chk->violations, shown);
}

static int cmd_check(int argc, char **argv, struct vml_reply *r)
{
	u64 lines = VML_CHECK_DEFAULT_LINES;
	struct vml_check chk;
	int ret;

	if (argc > 1) {
		ret = vml_parse_arg_u64(r, "lines", argv[1], VML_CHECK_MAX_MSGS, &lines);
		if (ret)
			return ret;
		if (!lines)
			return vml_reply_err(r, -EINVAL, "lines must be at least 1");
	}
	ret = vmlab_core_check(&chk);
	if (ret == -EUCLEAN) {
		print_violations(r, &chk, lines);
	} else if (ret) {
		vml_reply_err(r, ret, "cannot check: %s",
			      ret == -ENOMEM ? "no host memory for the ledger" : "no arena");
	} else {
		vml_reply_add(r, " frames=%lu ptes=%lu", chk.nr_frames, chk.ptes);
	}
	vml_check_end(&chk);
	return ret;
}

static const struct vml_ctl_cmd check_cmds[] = {
	{ "check", "[lines]", 0, 1, cmd_check, VML_CTL_EXCLUSIVE },
};

static struct vml_ctl_group check_group = {
	.cmds = check_cmds,
	.nr = ARRAY_SIZE(check_cmds),
};

void vml_check_debugfs_init(void)
{
	vml_ctl_register(&check_group);
}

void vml_check_debugfs_exit(void)
{
	vml_ctl_unregister(&check_group);
}
