/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the KUnit suites. */
#ifndef VMLAB_KUNIT_VML_TEST_H
#define VMLAB_KUNIT_VML_TEST_H

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

#endif /* VMLAB_KUNIT_VML_TEST_H */
