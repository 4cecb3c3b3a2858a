/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: Inside the page allocator
 *
 * buddy-internal.h - shared between the files of buddy/ only.
 */
#ifndef VMLAB_BUDDY_INTERNAL_H
#define VMLAB_BUDDY_INTERNAL_H

#include "buddy/buddy.h"

/* Orders kept on per-CPU lists: up to PAGE_ALLOC_COSTLY_ORDER, as 5.14+. */
#define VML_PCP_MAX_ORDER	3

/**
 * struct vml_pcp - a CPU's free lists for one zone (per_cpu_pages).
 * @lists: free blocks, one list per order 0..VML_PCP_MAX_ORDER.
 * @count: frames on all the lists.
 * @high: drain when @count grows beyond this.
 * @batch: frames moved to or from the buddy lists at a time.
 */
struct vml_pcp {
	struct vml_plist lists[VML_PCP_MAX_ORDER + 1];
	unsigned int count;
	unsigned int high;
	unsigned int batch;
};

/* page_alloc.c: the buddy proper; zone->lock held by the caller. */
struct vml_page *__vml_rmqueue(struct vml_zone *zone, unsigned int order);
void __vml_free_one(struct vml_zone *zone, struct vml_page *page,
		    unsigned int order);

/* pcp.c */
struct vml_page *vml_rmqueue_pcp(struct vml_zone *zone, unsigned int order);
void vml_free_pcp(struct vml_page *page, unsigned int order);
int vml_pcp_init(struct vml_zone *zone);
void vml_pcp_exit(struct vml_zone *zone);

/* alloc.c */
void vml_prep_new_page(struct vml_page *page, unsigned int order,
		       vml_gfp_t gfp);
void vml_report_bad_free(const struct vml_page *page, unsigned int order,
			 const char *why);

/* owned.c: the interface's blocks, for the checker (check.c). */
struct vml_check;
void vml_buddy_ctl_check(struct vml_check *chk);

#endif /* VMLAB_BUDDY_INTERNAL_H */
