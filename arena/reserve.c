// SPDX-License-Identifier: GPL-2.0
/*
 * reserve.c - take the arena's memory from the host, and give it back.
 *
 * Two ways, tried in this order:
 *  - arena_phys= names a region the host was told to leave alone
 *    (memmap=nn$ss): it is not System RAM, so it is mapped with memremap.
 *    Only a range the firmware map calls reserved and nobody has claimed
 *    is taken (and then claimed, as "vmlab arena" in /proc/iomem): mapped
 *    write-back, an MMIO range would have the sandbox poke a device.
 *  - Otherwise a free, suitably aligned range is found in one of the host's
 *    zones and taken with alloc_contig_range(), which migrates movable pages
 *    out of the way. alloc_contig_pages() does this search in-tree but is
 *    not exported, so the search is done here the same way.
 *
 * alloc_contig_range() fails transiently (-EBUSY) when a page of the range
 * is on a per-CPU free or LRU-add list, under migration, or briefly pinned;
 * it drains those lists itself on each call. So a busy range is retried a
 * few times, with a short sleep for the migration or pin to finish, before
 * moving on to the next candidate range; when every candidate fails, the
 * error names the last range tried and why it failed.
 *
 * A range is taken and given back in chunks with cond_resched() between
 * them: alloc_contig_range() zeroes every page it hands out (init_on_alloc)
 * without rescheduling, and on a voluntary-preemption kernel a gigabyte in
 * one call keeps ksoftirqd off the CPU long enough for an RCU stall report
 * under a slow (emulated) CPU.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/memremap.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/page-flags.h>
#include <linux/delay.h>
#include <linux/sched.h>
#include <linux/topology.h>
#include "arena/arena.h"
#include "arena/reserve.h"

#define VML_RESERVE_ALIGN	(1ul << (VML_MAX_ORDER - 1))	/* 4 MiB */
#define VML_RESERVE_TRIES	64
#define VML_RESERVE_RETRIES	3	/* per range, for transient -EBUSY */
#define VML_RESERVE_CHUNK	(8 * VML_RESERVE_ALIGN)		/* 32 MiB */

/* Why the last candidate range failed, for the error message. */
struct reserve_why {
	unsigned long pfn, nr;	/* the range */
	unsigned long bad;	/* an unmovable page in it, or ULONG_MAX */
	int err;		/* alloc_contig_range()'s last error */
	int retries;		/* after the first try */
	const char *zone;
};

/*
 * A page in use that migration can move: on an LRU list, or a page-cache
 * or anonymous page not on one yet. Pages wait in per-CPU LRU-add batches
 * before PageLRU is set, and a process writing files keeps many there;
 * alloc_contig_range() drains the batches (lru_cache_disable()) before it
 * migrates, so such a page must not disqualify a range. Slab and table
 * pages reuse ->mapping, hence those tests first.
 */
static bool page_movable_in_use(struct page *page)
{
	if (PageLRU(page))
		return true;
	if (PageSlab(page) || PageTable(page) || PageReserved(page))
		return false;
	return !!READ_ONCE(page->mapping);
}

/*
 * Would alloc_contig_range() stand a chance? Every page must be present, in
 * @zone, and either free or movable; one kernel page (slab, page table,
 * reserved) makes the whole range fail. Pages are checked from the top, so
 * the value returned is the highest bad PFN.
 */
static unsigned long last_unusable(struct zone *zone, unsigned long pfn,
				   unsigned long nr)
{
	unsigned long i;
	struct page *page;

	for (i = pfn + nr; i-- > pfn; ) {
		if (!(i % VML_RESERVE_CHUNK))
			cond_resched();
		if (!pfn_valid(i))
			return i;
		page = pfn_to_page(i);
		if (page_zone(page) != zone || PageReserved(page) ||
		    PageHuge(page) || (page_count(page) && !page_movable_in_use(page)))
			return i;
	}
	return ULONG_MAX;
}

/* free_contig_range() a chunk at a time (see the top of the file). */
static void give_back(unsigned long pfn, unsigned long nr)
{
	unsigned long n;

	while (nr) {
		n = min(nr, VML_RESERVE_CHUNK - pfn % VML_RESERVE_CHUNK);
		free_contig_range(pfn, n);
		pfn += n;
		nr -= n;
		cond_resched();
	}
}

/* alloc_contig_range() of one chunk, retried while the failure is transient. */
static int take_chunk(unsigned long pfn, unsigned long nr, struct reserve_why *why)
{
	int err;

	for (;;) {
		err = alloc_contig_range(pfn, pfn + nr, MIGRATE_MOVABLE,
					 GFP_KERNEL | __GFP_NOWARN);
		if ((err != -EBUSY && err != -EAGAIN) ||
		    why->retries == VML_RESERVE_RETRIES)
			return err;
		msleep(10 << why->retries++);	/* let a migration or a pin finish */
	}
}

/*
 * The whole range, chunk by chunk; a chunk that fails gives back the ones
 * taken, so the range is taken whole or not at all.
 */
static int take_range(unsigned long pfn, unsigned long nr, struct reserve_why *why)
{
	unsigned long done = 0, n;
	int err = 0;

	why->retries = 0;
	while (done < nr) {
		n = min(nr - done, VML_RESERVE_CHUNK - (pfn + done) % VML_RESERVE_CHUNK);
		err = take_chunk(pfn + done, n, why);
		if (err) {
			give_back(pfn, done);
			break;
		}
		done += n;
		cond_resched();
	}
	why->err = err;
	return err;
}

/* Top down: early boot allocations sit low, the top is usually free. */
static int reserve_in_zone(struct zone *zone, unsigned long nr,
			   unsigned long *base, int *tries, struct reserve_why *why)
{
	unsigned long start = zone->zone_start_pfn, end = zone_end_pfn(zone);
	unsigned long pfn, bad;

	if (end - start < nr)
		return -ENOMEM;
	pfn = ALIGN_DOWN(end - nr, VML_RESERVE_ALIGN);
	while (pfn >= start && *tries < VML_RESERVE_TRIES) {
		bad = last_unusable(zone, pfn, nr);
		*why = (struct reserve_why){ .pfn = pfn, .nr = nr, .bad = bad,
					     .zone = zone->name };
		if (bad == ULONG_MAX) {
			(*tries)++;
			if (!take_range(pfn, nr, why)) {
				*base = pfn;
				return 0;
			}
			bad = pfn + nr - 1;	/* busy after all: step down */
			cond_resched();
		}
		/* The next range must end at or below the bad page. */
		if (bad < start + nr)
			break;
		pfn = ALIGN_DOWN(bad - nr, VML_RESERVE_ALIGN);
	}
	return -ENOMEM;
}

static int reserve_contig(unsigned long nr, unsigned long *base, int *host_nid,
			  struct reserve_why *why)
{
	int nid, z, tries = 0, first = numa_node_id();

	/* The loading CPU's node first, then the others; high zones first. */
	for (nid = first; ; ) {
		pg_data_t *pgdat = NODE_DATA(nid);

		for (z = MAX_NR_ZONES - 1; z >= 0; z--) {
			struct zone *zone = &pgdat->node_zones[z];

#ifdef CONFIG_ZONE_DMA
			if (z == ZONE_DMA)
				continue;
#endif
			if (!managed_zone(zone))
				continue;
			if (!reserve_in_zone(zone, nr, base, &tries, why)) {
				*host_nid = nid;
				return 0;
			}
		}
		nid = next_online_node(nid);
		if (nid >= MAX_NUMNODES)
			nid = first_online_node;
		if (nid == first)
			break;
	}
	return -ENOMEM;
}

/* walk_iomem_res_desc() callback: top-level entries, back to back. */
static int reserved_piece(struct resource *res, void *arg)
{
	resource_size_t *next = arg;

	if (res->parent != &iomem_resource || res->start != *next)
		return -EINVAL;
	*next = res->end + 1;
	return 0;
}

/*
 * Is [phys, phys+size) wholly inside what the firmware map (e820) calls
 * reserved? memmap=nn$ss turns RAM into exactly that; System RAM, PCI
 * windows and holes with nothing behind them are not. Firmware also marks
 * some MMIO reserved (the IOAPIC, HPET, MMCONFIG); the kernel or a driver
 * claims those with busy children, which request_mem_region() then
 * refuses in reserve_memmap().
 */
static bool firmware_reserved(phys_addr_t phys, size_t size)
{
	resource_size_t next = phys;

	if (walk_iomem_res_desc(IORES_DESC_RESERVED, IORESOURCE_MEM, phys,
				phys + size - 1, &next, reserved_piece))
		return false;
	return next == phys + size;
}

static struct resource *arena_res;

static int reserve_memmap(phys_addr_t phys, unsigned long nr, void **virt)
{
	size_t size = nr << PAGE_SHIFT;

	if (!PAGE_ALIGNED(phys) || phys + size < phys) {
		pr_err("vmlab: arena_phys %pa is not page aligned or wraps\n", &phys);
		return -EINVAL;
	}
	if (region_intersects(phys, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("vmlab: arena_phys %pa+%zu overlaps System RAM: boot with memmap=%zuM$%pa\n",
		       &phys, size, size >> 20, &phys);
		return -EINVAL;
	}
	if (!firmware_reserved(phys, size)) {
		pr_err("vmlab: arena_phys %pa+%zu is not wholly in a reserved region of the firmware map (memmap=%zuM$%pa makes one); refusing MMIO or absent memory\n",
		       &phys, size, size >> 20, &phys);
		return -EINVAL;
	}
	arena_res = request_mem_region(phys, size, "vmlab arena");
	if (!arena_res) {
		pr_err("vmlab: arena_phys %pa+%zu is claimed by the kernel or a driver (see /proc/iomem)\n",
		       &phys, size);
		return -EBUSY;
	}
	*virt = memremap(phys, size, MEMREMAP_WB);
	if (!*virt) {
		pr_err("vmlab: memremap of %pa+%zu failed\n", &phys, size);
		release_mem_region(phys, size);
		arena_res = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void report_failure(unsigned long size_mb, const struct reserve_why *why)
{
	if (!why->zone)
		pr_err("vmlab: no zone has %lu MiB for the arena\n", size_mb);
	else if (why->bad != ULONG_MAX)
		pr_err("vmlab: last range tried, pfn %#lx-%#lx in zone %s, holds an unmovable page at pfn %#lx\n",
		       why->pfn, why->pfn + why->nr - 1, why->zone, why->bad);
	else
		pr_err("vmlab: last range tried, pfn %#lx-%#lx in zone %s: alloc_contig_range() %pe after %d tries\n",
		       why->pfn, why->pfn + why->nr - 1, why->zone,
		       ERR_PTR(why->err), why->retries + 1);
	pr_err("vmlab: no free contiguous %lu MiB range for the arena; use a smaller arena_mb or boot with memmap=%luM$<addr> and pass arena_phys=<addr>\n",
	       size_mb, size_mb);
}

/**
 * vml_reserve() - obtain the arena's memory.
 * @cfg: size and (optionally) physical base.
 * Return: 0 with vml_arena.base_pfn, nr_frames, virt and how filled in.
 */
int vml_reserve(const struct vml_arena_config *cfg)
{
	unsigned long nr = vml_mb_to_frames(cfg->size_mb), base;
	int ret, nid = NUMA_NO_NODE;
	void *virt;

	if (cfg->phys) {
		ret = reserve_memmap(cfg->phys, nr, &virt);
		if (ret)
			return ret;
		vml_arena.how = VML_RESERVE_MEMMAP;
		base = PHYS_PFN(cfg->phys);
	} else {
		struct reserve_why why = { .zone = NULL };

		ret = reserve_contig(nr, &base, &nid, &why);
		if (ret) {
			report_failure(cfg->size_mb, &why);
			return ret;
		}
		vml_arena.how = VML_RESERVE_CONTIG;
		virt = page_address(pfn_to_page(base));
	}
	vml_arena.host_nid = nid;
	vml_arena.base_pfn = base;
	vml_arena.nr_frames = nr;
	vml_arena.virt = virt;
	return 0;
}

/**
 * vml_unreserve() - return the arena's memory to the host.
 */
void vml_unreserve(void)
{
	if (!vml_arena.virt)
		return;
	if (vml_arena.how == VML_RESERVE_MEMMAP) {
		memunmap(vml_arena.virt);
		release_mem_region(arena_res->start, resource_size(arena_res));
		arena_res = NULL;
	} else {
		give_back(vml_arena.base_pfn, vml_arena.nr_frames);
	}
	vml_arena.virt = NULL;
}
