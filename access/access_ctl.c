// SPDX-License-Identifier: GPL-2.0
/*
 * access_ctl.c - the access commands of ctl: read, write, fill, verify and
 * touch, made by the real MMU through the CR3 window (access.c).
 * Parsing and printing only.
 *
 * Every reply carries the minor and major faults the command took. An
 * access Linux would answer with a signal gives
 *   error EFAULT segv addr=0x... code=maperr|accerr minflt=N majflt=N
 *   error EFAULT sigbus addr=0x... minflt=N majflt=N
 * and the mm stays usable. A command whose writer is killed stops with
 *   error EINTR done=N minflt=N majflt=N
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "ctl/ctl.h"
#include "access/access.h"

#define READ_MAX	(16 * 1024)	/* 32 KiB of hex in a 64 KiB reply */

static int reply_access(struct vml_reply *r, int ret,
			const struct vml_access_result *res)
{
	static const char * const codes[] = {
		[VML_SEGV_MAPERR] = "segv", [VML_SEGV_ACCERR] = "segv",
		[VML_SIGBUS] = "sigbus",
	};

	if (ret == -EFAULT && res->code != VML_SEGV_NONE)
		return vml_reply_err(r, -EFAULT, "%s addr=%#lx%s minflt=%lu majflt=%lu",
				     codes[res->code], res->fault_addr,
				     res->code == VML_SEGV_MAPERR ? " code=maperr" :
				     res->code == VML_SEGV_ACCERR ? " code=accerr" : "",
				     res->minflt, res->majflt);
	if (ret == -EINTR)
		return vml_reply_err(r, ret, "done=%lu minflt=%lu majflt=%lu",
				     res->done, res->minflt, res->majflt);
	if (ret)
		return vml_reply_err(r, ret, "access failed minflt=%lu majflt=%lu",
				     res->minflt, res->majflt);
	vml_reply_add(r, " minflt=%lu majflt=%lu", res->minflt, res->majflt);
	return 0;
}

/* read <mm> <addr> <len> */
static int cmd_read(int argc, char **argv, struct vml_reply *r)
{
	struct vml_access_result res;
	unsigned long addr, len, i;
	struct vml_mm *mm;
	u8 *buf;
	int ret;

	if (vml_ctl_parse_addr(r, "addr", argv[2], &addr) ||
	    vml_ctl_parse_len(r, argv[3], &len))
		return r->err;
	if (len > READ_MAX)
		return vml_reply_err(r, -EINVAL, "len is at most %d", READ_MAX);
	mm = vml_ctl_get_mm(r, argv[1]);
	if (!mm)
		return r->err;
	buf = kmalloc(max(len, 1ul), GFP_KERNEL);
	ret = buf ? vml_access_rw(mm, addr, buf, len, false, &res) : -ENOMEM;
	vml_mm_put(mm);
	if (!ret) {
		vml_reply_add(r, " data=");
		for (i = 0; i < len; i++)
			vml_reply_add(r, "%02x", buf[i]);
	}
	if (buf)
		ret = reply_access(r, ret, &res);
	else
		ret = vml_reply_err(r, -ENOMEM, "out of host memory");
	kfree(buf);
	return ret;
}

/* write <mm> <addr> <hex> */
static int cmd_write(int argc, char **argv, struct vml_reply *r)
{
	struct vml_access_result res;
	size_t hexlen = strlen(argv[3]);
	struct vml_mm *mm;
	unsigned long addr;
	u8 *buf;
	int ret;

	if (vml_ctl_parse_addr(r, "addr", argv[2], &addr))
		return r->err;
	if (!hexlen || hexlen % 2)
		return vml_reply_err(r, -EINVAL, "data must be an even number of hex digits");
	buf = kmalloc(hexlen / 2, GFP_KERNEL);
	if (!buf)
		return vml_reply_err(r, -ENOMEM, "out of host memory");
	if (hex2bin(buf, argv[3], hexlen / 2)) {
		kfree(buf);
		return vml_reply_err(r, -EINVAL, "data is not hex");
	}
	mm = vml_ctl_get_mm(r, argv[1]);
	if (!mm) {
		kfree(buf);
		return r->err;
	}
	ret = vml_access_rw(mm, addr, buf, hexlen / 2, true, &res);
	vml_mm_put(mm);
	kfree(buf);
	return reply_access(r, ret, &res);
}

/* fill|verify <mm> <addr> <len> <seed> */
static int cmd_pattern(int argc, char **argv, struct vml_reply *r)
{
	struct vml_access_result res;
	unsigned long addr, len;
	struct vml_mm *mm;
	u64 seed;
	int ret;

	if (vml_ctl_parse_addr(r, "addr", argv[2], &addr) ||
	    vml_ctl_parse_len(r, argv[3], &len) ||
	    vml_parse_arg_u64(r, "seed", argv[4], U64_MAX, &seed))
		return r->err;
	mm = vml_ctl_get_mm(r, argv[1]);
	if (!mm)
		return r->err;
	if (!strcmp(argv[0], "fill"))
		ret = vml_access_fill(mm, addr, len, seed, &res);
	else
		ret = vml_access_verify(mm, addr, len, seed, &res);
	vml_mm_put(mm);
	if (!ret && strcmp(argv[0], "fill"))
		vml_reply_add(r, " mismatches=%lu", res.mismatches);
	return reply_access(r, ret, &res);
}

/* touch <mm> <addr> <len> <r|w> [stride=N] */
static int cmd_touch(int argc, char **argv, struct vml_reply *r)
{
	struct vml_access_result res;
	unsigned long addr, len;
	struct vml_mm *mm;
	u64 stride = PAGE_SIZE;
	bool write;
	int ret;

	if (vml_ctl_parse_addr(r, "addr", argv[2], &addr) ||
	    vml_ctl_parse_len(r, argv[3], &len))
		return r->err;
	if (strcmp(argv[4], "r") && strcmp(argv[4], "w"))
		return vml_reply_err(r, -EINVAL, "access must be r or w");
	write = argv[4][0] == 'w';
	if (argc > 5) {
		if (strncmp(argv[5], "stride=", 7))
			return vml_reply_err(r, -EINVAL, "unknown option '%s'", argv[5]);
		if (vml_parse_arg_size(r, "stride", argv[5] + 7, ULONG_MAX, &stride))
			return r->err;
		if (!stride)
			return vml_reply_err(r, -EINVAL, "stride must not be 0");
	}
	mm = vml_ctl_get_mm(r, argv[1]);
	if (!mm)
		return r->err;
	ret = vml_access_touch(mm, addr, len, write, stride, &res);
	vml_mm_put(mm);
	return reply_access(r, ret, &res);
}

static const struct vml_ctl_cmd access_cmds[] = {
	{ "read", "<mm> <addr> <len>", 3, 3, cmd_read },
	{ "write", "<mm> <addr> <hex>", 3, 3, cmd_write },
	{ "fill", "<mm> <addr> <len> <seed>", 4, 4, cmd_pattern },
	{ "verify", "<mm> <addr> <len> <seed>", 4, 4, cmd_pattern },
	{ "touch", "<mm> <addr> <len> <r|w> [stride=N]", 4, 5, cmd_touch },
};

static struct vml_ctl_group access_group = {
	.cmds = access_cmds,
	.nr = ARRAY_SIZE(access_cmds),
};

int vml_access_debugfs_init(struct dentry *root)
{
	vml_ctl_register(&access_group);
	return 0;
}

void vml_access_debugfs_exit(void)
{
	vml_ctl_unregister(&access_group);
}
