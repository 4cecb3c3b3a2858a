// SPDX-License-Identifier: GPL-2.0
/*
 * The fork + COW curve: fork an mm with 1, 2, 4 ... 64 MiB written, then
 * write every page in the child (each write a COW fault), then end the
 * child; one op = that whole sequence.
 *
 * vmlab side: vml_fork() of a parent whose region was written once in
 * setup, vml_access_touch() of every page of the child through the CR3
 * window, vml_mm_destroy() of the child.
 * Host side: a real process, because a module cannot fork one:
 * tools/bench-helper (bench_helper.c) serves "setup <MiB>", "run <n>" and
 * "teardown": setup maps and writes the region, each run is fork(), the
 * child writing one byte per page, _exit(0), waitpid(). The host figure
 * also holds creating and reaping a process and the hand-off's wake-ups,
 * which vmlab does not pay: the per-page slope is the comparable figure.
 *
 * Module parameter fork_mb=<n>: the largest size measured (default 64; the
 * make check gate uses 2 to stay within its guest-time budget).
 */
#include <linux/mman.h>
#include <linux/module.h>
#include "access/access.h"
#include "fault/fault.h"
#include "bench.h"

#define FC_BASE		0x10000000ul

static struct vml_mm *parent;
static unsigned long region_len;

static unsigned int fork_mb = 64;
module_param(fork_mb, uint, 0444);
MODULE_PARM_DESC(fork_mb, "Largest fork+COW size in MiB (default 64)");

static void touch(struct vml_mm *mm, unsigned long len)
{
	struct vml_access_result res;

	vml_access_touch(mm, FC_BASE, len, true, PAGE_SIZE, &res);
}

static void fork_teardown(void)
{
	if (parent)
		vml_mm_destroy(parent);
	parent = NULL;
	vml_bench_helper_request("teardown");
}

static int fork_setup(unsigned int mb)
{
	char req[VML_BENCH_REQ_LEN];
	unsigned long a;
	int ret;

	if (mb > fork_mb)
		return VML_BENCH_SKIP;
	ret = vml_bench_helper_connect();
	if (ret)
		return ret;
	snprintf(req, sizeof(req), "setup %u", mb);
	ret = vml_bench_helper_request(req);
	if (ret)
		return ret;
	region_len = (unsigned long)mb << 20;
	parent = vml_mm_create();
	if (IS_ERR(parent)) {
		ret = PTR_ERR(parent);
		parent = NULL;
		goto fail;
	}
	a = vml_mmap(parent, FC_BASE, region_len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	if (IS_ERR_VALUE(a)) {
		ret = (int)a;
		goto fail;
	}
	touch(parent, region_len);
	return 0;
fail:
	fork_teardown();
	return ret;
}

static void fork_vmlab(unsigned int iters)
{
	struct vml_mm *child;

	while (iters--) {
		child = vml_fork(parent);
		if (IS_ERR(child))
			return;
		vml_mm_publish(child);
		vml_mm_put(child);	/* fork's own; the id keeps it */
		touch(child, region_len);
		vml_mm_destroy(child);
	}
}

static void fork_host(unsigned int iters)
{
	vml_bench_helper_batch("run", iters);
}

#define FORK_ROW(mib)							\
static int fork_setup_##mib(void)					\
{									\
	return fork_setup(mib);						\
}									\
const struct vml_bench vml_bench_fork_##mib = {				\
	.name = "fork+COW " #mib " MiB written, child writes all",	\
	.setup = fork_setup_##mib,					\
	.vmlab = fork_vmlab,						\
	.host = fork_host,						\
	.teardown = fork_teardown,					\
	.iters = 1,							\
}

FORK_ROW(1);
FORK_ROW(2);
FORK_ROW(4);
FORK_ROW(8);
FORK_ROW(16);
FORK_ROW(32);
FORK_ROW(64);
