/* SPDX-License-Identifier: GPL-2.0 */
/* buddy-internal.h - shared between the files of buddy/ only. */
#ifndef VMLAB_BUDDY_INTERNAL_H
#define VMLAB_BUDDY_INTERNAL_H

#include "buddy/buddy.h"

/**
 * struct vml_pcp - a CPU's order-0 free list for one zone (per_cpu_pages).
 * @list: the frames.
 * @high: drain when the list grows beyond this.
 * @batch: frames moved to or from the buddy lists at a time.
 */
struct vml_pcp {
	struct vml_plist list;
	unsigned int high;
	unsigned int batch;
};

/* page_alloc.c: the buddy proper; zone->lock held by the caller. */
struct vml_page *__vml_rmqueue(struct vml_zone *zone, unsigned int order);
void __vml_free_one(struct vml_zone *zone, struct vml_page *page,
		    unsigned int order);

/* pcp.c */
struct vml_page *vml_rmqueue_pcp(struct vml_zone *zone);
void vml_free_pcp(struct vml_page *page);
int vml_pcp_init(struct vml_zone *zone);
void vml_pcp_exit(struct vml_zone *zone);

/* alloc.c */
void vml_prep_new_page(struct vml_page *page, unsigned int order,
		       vml_gfp_t gfp);
void vml_report_bad_free(const struct vml_page *page, unsigned int order,
			 const char *why);

#endif /* VMLAB_BUDDY_INTERNAL_H */
