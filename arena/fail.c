// SPDX-License-Identifier: GPL-2.0
/*
 * fail.c - fault injection at the allocation sites (see fail.h).
 *
 *   fail <frames|slab|pgtable|swap_write|swap_read> <nth|off|random=pct>
 *        [times=N]
 *
 * nth: the Nth call from now fails, and the times-1 after it (times
 * defaults to 1). random=pct: each call fails with that probability, times
 * failures in all (default: until `off`). off: disarm. Every reply says
 * how many failures the site has injected so far; the debugfs file `fail`
 * shows every site's state and count at once.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/limits.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "arena/fail.h"
#include "ctl/ctl.h"

struct fail_attr {
	atomic_long_t calls;	/* since armed */
	atomic_long_t left;	/* failures still to inject */
	atomic_long_t injected;	/* since the arena was created */
	unsigned long nth;	/* 0: random mode */
	unsigned int pct;
};

static struct fail_attr attrs[VML_FAIL_NR];
static const char *const site_names[VML_FAIL_NR] = {
	"frames", "slab", "pgtable", "swap_write", "swap_read"
};

bool vml_fail_armed;

bool __vml_should_fail(enum vml_fail_site site)
{
	struct fail_attr *a = &attrs[site];
	unsigned long nth = READ_ONCE(a->nth);
	long n;

	if (atomic_long_read(&a->left) <= 0)
		return false;
	n = atomic_long_inc_return(&a->calls);
	if (nth ? n < nth : get_random_u32_below(100) >= READ_ONCE(a->pct))
		return false;
	/* Two callers may race for the last failure: one gets it. */
	if (atomic_long_dec_return(&a->left) < 0)
		return false;
	atomic_long_inc(&a->injected);
	return true;
}

void vml_fail_reset(void)
{
	int i;

	for (i = 0; i < VML_FAIL_NR; i++) {
		atomic_long_set(&attrs[i].left, 0);
		atomic_long_set(&attrs[i].calls, 0);
		atomic_long_set(&attrs[i].injected, 0);
	}
}

/* Arm @a; left goes last so a caller never sees a half-set site. */
static void fail_arm(struct fail_attr *a, unsigned long nth, unsigned int pct,
		     long times)
{
	atomic_long_set(&a->left, 0);
	WRITE_ONCE(a->nth, nth);
	WRITE_ONCE(a->pct, pct);
	atomic_long_set(&a->calls, 0);
	atomic_long_set(&a->left, times);
	WRITE_ONCE(vml_fail_armed, true);
}

static int find_site(const char *name)
{
	int i;

	for (i = 0; i < VML_FAIL_NR; i++)
		if (!strcmp(name, site_names[i]))
			return i;
	return -1;
}

static int cmd_fail(int argc, char **argv, struct vml_reply *r)
{
	int site = find_site(argv[1]);
	u64 nth = 0, pct = 0, times = 0;
	struct fail_attr *a;
	int ret = 0;

	if (site < 0)
		return vml_reply_err(r, -EINVAL,
				     "unknown site '%s' (frames, slab, pgtable, swap_write, swap_read)",
				     argv[1]);
	a = &attrs[site];
	if (argc == 4 && strncmp(argv[3], "times=", 6))
		return vml_reply_err(r, -EINVAL, "unknown option '%s' (times=N)", argv[3]);
	if (!strcmp(argv[2], "off")) {
		if (argc == 4)
			return vml_reply_err(r, -EINVAL, "off takes no times=");
		atomic_long_set(&a->left, 0);
	} else {
		if (!strncmp(argv[2], "random=", 7))
			ret = vml_parse_arg_u64(r, "percent", argv[2] + 7, 100, &pct);
		else
			ret = vml_parse_arg_u64(r, "nth", argv[2], LONG_MAX, &nth);
		if (!ret && argc == 4)
			ret = vml_parse_arg_u64(r, "times", argv[3] + 6, LONG_MAX, &times);
		if (ret)
			return ret;
		if (!nth && !pct)
			return vml_reply_err(r, -EINVAL, "nth and percent start at 1");
		if (argc < 4)
			times = nth ? 1 : LONG_MAX;
		fail_arm(a, nth, pct, times);
	}
	vml_reply_add(r, " site=%s armed=%d injected=%ld", site_names[site],
		      atomic_long_read(&a->left) > 0, atomic_long_read(&a->injected));
	return 0;
}

/* The fail file: one line a site, "<site> armed=0|1 calls=N injected=N". */
static int fail_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < VML_FAIL_NR; i++) {
		struct fail_attr *a = &attrs[i];
		long left = atomic_long_read(&a->left);

		seq_printf(m, "%-8s armed=%d calls=%ld injected=%ld", site_names[i],
			   left > 0, atomic_long_read(&a->calls),
			   atomic_long_read(&a->injected));
		if (left <= 0)
			seq_putc(m, '\n');
		else if (READ_ONCE(a->nth))
			seq_printf(m, " nth=%lu left=%ld\n", READ_ONCE(a->nth), left);
		else
			seq_printf(m, " random=%u left=%ld\n", READ_ONCE(a->pct), left);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fail);

void vml_fail_debugfs_init(struct dentry *root)
{
	debugfs_create_file("fail", 0400, root, NULL, &fail_fops);
}

static const struct vml_ctl_cmd fail_cmds[] = {
	{ "fail", "<frames|slab|pgtable|swap_write|swap_read> <nth|off|random=pct> [times=N]",
	  2, 3, cmd_fail },
};

static struct vml_ctl_group fail_group = {
	.cmds = fail_cmds,
	.nr = ARRAY_SIZE(fail_cmds),
};

void vml_fail_ctl_register(void)
{
	vml_ctl_register(&fail_group);
}

void vml_fail_ctl_unregister(void)
{
	vml_ctl_unregister(&fail_group);
}
