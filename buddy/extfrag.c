// SPDX-License-Identifier: GPL-2.0
/*
 * extfrag.c - external fragmentation indices, as mm/vmstat.c computes them
 * for /sys/kernel/debug/extfrag. Both are scaled by 1000.
 *
 * unusable_index(order): the fraction of free memory that cannot satisfy an
 * allocation of that order (0 = all usable, 1000 = none).
 * fragmentation_index(order): when an allocation of that order would fail,
 * tends to 0 if the failure is from lack of memory and to 1000 if from
 * fragmentation; -1000 when the allocation would succeed.
 */
#include <linux/math64.h>
#include "buddy/buddy-internal.h"

struct contig_info {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

static void fill_contig_info(struct vml_zone *zone, unsigned int suitable,
			     struct contig_info *info)
{
	unsigned long nr[VML_MAX_ORDER];
	unsigned int order;

	vml_zone_free_counts(zone, nr);
	memset(info, 0, sizeof(*info));
	for (order = 0; order < VML_MAX_ORDER; order++) {
		info->free_pages += nr[order] << order;
		info->free_blocks_total += nr[order];
		if (order >= suitable)
			info->free_blocks_suitable += nr[order] << (order - suitable);
	}
}

int vml_unusable_index(struct vml_zone *zone, unsigned int order)
{
	struct contig_info info;

	fill_contig_info(zone, order, &info);
	if (!info.free_pages)
		return 0;
	return div_u64((info.free_pages - (info.free_blocks_suitable << order)) *
		       1000ULL, info.free_pages);
}

int vml_fragmentation_index(struct vml_zone *zone, unsigned int order)
{
	unsigned long requested = 1ul << order;
	struct contig_info info;

	fill_contig_info(zone, order, &info);
	if (!info.free_blocks_total)
		return 0;
	if (info.free_blocks_suitable)
		return -1000;
	return 1000 - div_u64(1000 + div_u64(info.free_pages * 1000ULL, requested),
			      info.free_blocks_total);
}
