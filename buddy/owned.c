// SPDX-License-Identifier: GPL-2.0
/*
 * owned.c - the blocks the interface (ctl's alloc_pages) handed out, so
 * that its free_pages can free those and nothing else.
 *
 * A free through the interface looks the block up and removes it from
 * the registry under the registry's lock, and only then frees it. A pfn
 * that is not in the registry is never passed to vml_free_pages(), not
 * even "to have it refused": between a check and that free another CPU
 * may allocate the frame, and the free would then be real. Such a free
 * is reported and counted as a bad free here instead, and the frame is
 * left as it was. Blocks still held when the interface goes away are
 * freed (vml_owned_release_all()).
 *
 * The registry is an xarray from pfn to order, in host memory, so it
 * never shows in vmlab's own counts.
 */
#include <linux/mutex.h>
#include <linux/xarray.h>
#include "arena/check.h"
#include "buddy/buddy-internal.h"

static DEFINE_XARRAY(owned);
static DEFINE_MUTEX(owned_lock);	/* lookup + removal + free, as one */

struct vml_page *vml_owned_alloc_pages(vml_gfp_t gfp, unsigned int order)
{
	struct vml_page *page = vml_alloc_pages(gfp, order);
	int err;

	if (!page)
		return NULL;
	mutex_lock(&owned_lock);
	err = xa_err(xa_store(&owned, vml_page_to_pfn(page), xa_mk_value(order),
			      GFP_KERNEL));
	mutex_unlock(&owned_lock);
	if (err) {
		vml_free_pages(page, order);
		return NULL;
	}
	return page;
}

/* Refuse a free of what the registry does not hold: report, count, say why. */
static int refuse(unsigned long pfn, unsigned int order, const char **why)
{
	struct vml_page *page;

	if (!vml_pfn_valid(pfn)) {
		*why = "frame is not in the arena";
		vml_report_bad_free(NULL, order, *why);
		return -EINVAL;
	}
	page = vml_pfn_to_page(pfn);
	/* Only the message depends on this racy look; nothing is freed. */
	*why = vml_free_check(page, order);
	if (*why) {
		vml_report_bad_free(page, order, *why);
		return -EINVAL;
	}
	*why = "frame was not allocated through the interface";
	vml_report_bad_free(page, order, *why);
	return -EPERM;
}

int vml_owned_free_pages(unsigned long pfn, unsigned int order, const char **why)
{
	void *entry;
	int ret = 0;

	*why = NULL;
	mutex_lock(&owned_lock);
	entry = xa_load(&owned, pfn);
	if (!entry) {
		ret = refuse(pfn, order, why);
	} else if (xa_to_value(entry) != order) {
		*why = "order does not match the allocation";
		vml_report_bad_free(vml_pfn_to_page(pfn), order, *why);
		ret = -EINVAL;
	} else {
		xa_erase(&owned, pfn);
		vml_free_pages(vml_pfn_to_page(pfn), order);
	}
	mutex_unlock(&owned_lock);
	return ret;
}

int vml_owned_order(unsigned long pfn)
{
	void *entry = xa_load(&owned, pfn);

	return entry ? xa_to_value(entry) : -ENOENT;
}

unsigned long vml_owned_frames(void)
{
	unsigned long pfn, frames = 0;
	void *entry;

	mutex_lock(&owned_lock);
	xa_for_each(&owned, pfn, entry)
		frames += 1ul << xa_to_value(entry);
	mutex_unlock(&owned_lock);
	return frames;
}

void vml_owned_release_all(void)
{
	unsigned long pfn;
	void *entry;

	mutex_lock(&owned_lock);
	xa_for_each(&owned, pfn, entry) {
		xa_erase(&owned, pfn);
		vml_free_pages(vml_pfn_to_page(pfn), xa_to_value(entry));
	}
	mutex_unlock(&owned_lock);
}

/* The checker's view of the interface's blocks: each one is owned by ctl. */
void vml_buddy_ctl_check(struct vml_check *chk)
{
	unsigned long pfn;
	void *entry;

	mutex_lock(&owned_lock);
	xa_for_each(&owned, pfn, entry) {
		if (!vml_pfn_valid(pfn)) {
			vml_check_fail(chk, "ctl block pfn %#lx is outside the arena", pfn);
			continue;
		}
		vml_check_claim(chk, pfn - vml_arena.base_pfn, 1ul << xa_to_value(entry),
				VML_FRAME_CTL, "ctl alloc_pages");
	}
	mutex_unlock(&owned_lock);
}
