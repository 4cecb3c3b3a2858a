// SPDX-License-Identifier: GPL-2.0
/*
 * rmap rows: the cost of unmapping one mapped anonymous page
 * (vml_try_to_unmap(), as reclaim does) while 1, 10, 100 or 1,000
 * unrelated mms are alive, each with a faulted anonymous VMA at the same
 * address. The reverse map walks only the page's anon_vma tree, so the
 * four rows must read the same (issue 14: flat within 10%); the walk it
 * replaced looked at every mm.
 *
 * vmlab side: one op = vml_try_to_unmap() of the next page of a 32 MiB
 * region of the victim mm, faulted in setup; when the region runs out it
 * is faulted again inside a batch, an outlier the median drops.
 * "host" side: there is no host try_to_unmap a module may call, so the
 * second column is vmlab's own vml_page_referenced() of one page of the
 * victim (the same walk, no unmap): it must stay flat too, and the ratio
 * is the unmap's cost over the bare walk's.
 */
#include <linux/err.h>
#include <linux/mman.h>
#include "access/access.h"
#include "fault/fault.h"
#include "vma/vma.h"
#include "bench.h"

#define RM_BASE		0x10000000ul
#define RM_PAGES	8192		/* 32 MiB */
#define RM_MAX_MMS	1000

static struct vml_mm *victim, *others[RM_MAX_MMS];
static unsigned int nr_others;
static unsigned long cursor;

static void rtouch(struct vml_mm *mm, unsigned long addr, unsigned long len)
{
	struct vml_access_result res;

	vml_access_touch(mm, addr, len, true, PAGE_SIZE, &res);
}

static struct vml_page *page_at(unsigned long addr)
{
	pte_t *ptep = vml_pte_lookup(&victim->pgt, addr);

	return ptep ? vml_pte_page(*ptep) : NULL;
}

static void rmap_teardown(void)
{
	while (nr_others)
		vml_mm_destroy(others[--nr_others]);
	if (victim)
		vml_mm_destroy(victim);
	victim = NULL;
}

static int map_one(struct vml_mm *mm, unsigned long len)
{
	unsigned long a = vml_mmap(mm, RM_BASE, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);

	if (IS_ERR_VALUE(a))
		return (int)a;
	rtouch(mm, RM_BASE, len);
	return 0;
}

static int rmap_setup(unsigned int n)
{
	struct vml_mm *mm;
	int ret;

	victim = vml_mm_create();
	if (IS_ERR(victim)) {
		ret = PTR_ERR(victim);
		victim = NULL;
		return ret;
	}
	ret = map_one(victim, RM_PAGES * PAGE_SIZE);
	while (!ret && nr_others < n) {
		mm = vml_mm_create();
		if (IS_ERR(mm)) {
			ret = PTR_ERR(mm);
			break;
		}
		others[nr_others++] = mm;
		ret = map_one(mm, 2 * PAGE_SIZE);
	}
	if (ret)
		rmap_teardown();
	cursor = 0;
	return ret;
}

static void unmap_vmlab(unsigned int iters)
{
	struct vml_page *page;

	while (iters--) {
		if (cursor == RM_PAGES) {
			rtouch(victim, RM_BASE, RM_PAGES * PAGE_SIZE);
			cursor = 0;
		}
		page = page_at(RM_BASE + cursor++ * PAGE_SIZE);
		if (page)
			vml_try_to_unmap(page, __pte(0));
	}
}

static void referenced_walk(unsigned int iters)
{
	struct vml_page *page = page_at(RM_BASE + (RM_PAGES - 1) * PAGE_SIZE);

	while (page && iters--)
		vml_page_referenced(page);
}

#define RMAP_ROW(n)							\
static int setup_##n(void)						\
{									\
	return rmap_setup(n);						\
}									\
									\
const struct vml_bench vml_bench_rmap_##n = {				\
	.name = "rmap unmap 1 anon page, " #n " unrelated mms vs page_referenced", \
	.setup = setup_##n,						\
	.vmlab = unmap_vmlab,						\
	.host = referenced_walk,					\
	.teardown = rmap_teardown,					\
}

RMAP_ROW(1);
RMAP_ROW(10);
RMAP_ROW(100);
RMAP_ROW(1000);
