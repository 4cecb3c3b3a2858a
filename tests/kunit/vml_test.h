/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the KUnit suites. */
#ifndef VMLAB_KUNIT_VML_TEST_H
#define VMLAB_KUNIT_VML_TEST_H

#include <kunit/test.h>
#include "arena/check.h"
#include "vmlab_core.h"

/*
 * Start only the arena and the page allocator, so no other layer holds
 * frames that a suite of those two layers counts.
 */
static inline int vml_test_start_buddy(unsigned long mb, unsigned int nodes,
				       unsigned long dma_mb,
				       unsigned long high_mb)
{
	struct vml_config cfg;

	vml_default_config(&cfg, mb);
	cfg.arena.nodes = nodes;
	cfg.arena.dma_mb = dma_mb;
	cfg.arena.high_mb = high_mb;
	cfg.top = VML_LAYER_BUDDY;
	return vmlab_core_start(&cfg);
}

/*
 * Every case ends with the invariant checker (ctl `check`'s entry point),
 * on whatever part of the core the case left running: each violation is
 * a failure of the case, printed as `check` would print it.
 */
static inline void vml_test_check(struct kunit *test)
{
	struct vml_check chk;
	unsigned long i;
	int ret;

	ret = vmlab_core_check(&chk);
	for (i = 0; i < min_t(unsigned long, chk.violations, VML_CHECK_MAX_MSGS); i++)
		kunit_err(test, "check: %s\n", chk.msgs[i]);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "check: %lu violations", chk.violations);
	vml_check_end(&chk);
}

#endif /* VMLAB_KUNIT_VML_TEST_H */
