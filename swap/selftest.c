// SPDX-License-Identifier: GPL-2.0
/*
 * selftest.c - write pages to real swap slots and read them back, so a
 * guest test can prove an area's I/O path (a file, a block device's bios)
 * before reclaim uses it; what mmu_selftest is for the page tables.
 */
#include <linux/slab.h>
#include "swap/swap-internal.h"

static void fill(struct vml_page *page, unsigned long seed)
{
	u64 *w = vml_page_address(page);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		w[i] = (seed << 32) ^ (i * 0x9e3779b97f4a7c15ull);
}

/* Write each slot, then read all back into another page and compare. */
static int rw_slots(struct vml_swp_entry *e, unsigned long nr,
		    struct vml_page *out, struct vml_page *in)
{
	unsigned long i;
	int ret;

	for (i = 0; i < nr; i++) {
		fill(out, e[i].val);
		ret = vml_swap_writepage(e[i], out);
		if (ret)
			return ret;
	}
	for (i = 0; i < nr; i++) {
		fill(out, e[i].val);
		memset(vml_page_address(in), 0, PAGE_SIZE);
		ret = vml_swap_readpage(e[i], in);
		if (ret)
			return ret;
		if (memcmp(vml_page_address(in), vml_page_address(out), PAGE_SIZE))
			return -EUCLEAN;
	}
	return 0;
}

/**
 * vml_swap_selftest() - allocate @nr slots (by priority, as reclaim will),
 * write a pattern to each, read each back and compare, free the slots.
 * @nr: 1..VML_SWAP_SELFTEST_MAX.
 * @why: set to what failed.
 * Context: process context, may sleep.
 * Return: 0; -ENOSPC if fewer slots are free; -ENOMEM; the I/O's error;
 * -EUCLEAN if a page read back differs. The slots are free again in every
 * case.
 */
int vml_swap_selftest(unsigned long nr, const char **why)
{
	struct vml_page *out, *in = NULL;
	struct vml_swp_entry *e;
	unsigned long got = 0;
	int ret = -ENOMEM;

	*why = "no memory for the test";
	e = kvcalloc(nr, sizeof(*e), GFP_KERNEL);
	out = vml_alloc_pages(VML_GFP_KERNEL, 0);
	if (out)
		in = vml_alloc_pages(VML_GFP_KERNEL, 0);
	if (!e || !in)
		goto free;
	for (got = 0; got < nr; got++) {
		ret = vml_swap_alloc(&e[got]);
		if (ret) {
			*why = "not enough free swap slots";
			goto free;
		}
	}
	ret = rw_slots(e, nr, out, in);
	if (ret)
		*why = ret == -EUCLEAN ? "a page read back differs" : "swap I/O failed";
free:
	while (got)
		vml_swapcache_free(e[--got]);
	if (in)
		vml_put_page(in);
	if (out)
		vml_put_page(out);
	kvfree(e);
	return ret;
}
