// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - the invariant checker's frame ledger and its final
 * comparison (see check.h and Documentation/check.rst).
 *
 * The ledger is diagnostic memory: kvmalloc'd from the host, never from
 * the arena, so a check neither needs a free frame nor moves one.
 * Violations are kept as text in a second host buffer; formatting one
 * never allocates, so layers may report under spinlocks and in IPIs.
 */
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include "arena/bootmem.h"
#include "arena/check.h"

static const char * const state_names[VML_NR_FRAME_STATES] = {
	[VML_FRAME_UNSEEN] = "unowned",
	[VML_FRAME_META] = "metadata",
	[VML_FRAME_BUDDY] = "buddy-free",
	[VML_FRAME_PCP] = "pcp-free",
	[VML_FRAME_CTL] = "ctl-allocated",
	[VML_FRAME_SLAB] = "slab",
	[VML_FRAME_KMALLOC] = "large kmalloc",
	[VML_FRAME_PGTABLE] = "page table",
	[VML_FRAME_QUICKLIST] = "quicklist",
	[VML_FRAME_ZERO] = "zero page",
	[VML_FRAME_VMALLOC] = "vmalloc",
	[VML_FRAME_ANON] = "anonymous",
	[VML_FRAME_PAGECACHE] = "page cache",
	[VML_FRAME_SWAPCACHE] = "swap cache",
};

const char *vml_frame_state_name(enum vml_frame_state state)
{
	return state < VML_NR_FRAME_STATES ? state_names[state] : "?";
}

int vml_check_begin(struct vml_check *chk)
{
	memset(chk, 0, sizeof(*chk));
	if (!vml_arena_live())
		return -ENODEV;
	chk->nr_frames = vml_arena.nr_frames;
	chk->frames = kvcalloc(chk->nr_frames, sizeof(*chk->frames), GFP_KERNEL);
	chk->msgs = kvcalloc(VML_CHECK_MAX_MSGS, VML_CHECK_MSG_LEN, GFP_KERNEL);
	if (!chk->frames || !chk->msgs) {
		vml_check_end(chk);
		return -ENOMEM;
	}
	return 0;
}

void vml_check_end(struct vml_check *chk)
{
	kvfree(chk->frames);
	kvfree(chk->msgs);
	chk->frames = NULL;
	chk->msgs = NULL;
}

void vml_check_fail(struct vml_check *chk, const char *fmt, ...)
{
	va_list ap;

	if (chk->violations < VML_CHECK_MAX_MSGS) {
		va_start(ap, fmt);
		vsnprintf(chk->msgs[chk->violations], VML_CHECK_MSG_LEN, fmt, ap);
		va_end(ap);
	}
	chk->violations++;
}

/* Another PTE of a page already claimed by one: no conflict. */
static bool shared_state(enum vml_frame_state state)
{
	return state == VML_FRAME_ANON;
}

bool vml_check_claim(struct vml_check *chk, u32 idx, unsigned long nr,
		     enum vml_frame_state state, const char *what)
{
	struct vml_check_frame *f;
	u8 order = is_power_of_2(nr) ? ilog2(nr) : 0;
	bool ok = true;
	unsigned long i;

	if (idx >= chk->nr_frames || nr > chk->nr_frames - idx) {
		vml_check_fail(chk, "%s: frames %u..+%lu lie outside the arena",
			       what, idx, nr);
		return false;
	}
	for (i = 0; i < nr; i++) {
		f = &chk->frames[idx + i];
		if (f->state == state && shared_state(state))
			continue;
		if (state == VML_FRAME_SWAPCACHE && f->state == VML_FRAME_ANON) {
			f->state = state;	/* mapped and cached */
			continue;
		}
		if (f->state != VML_FRAME_UNSEEN) {
			vml_check_fail(chk, "pfn %#lx claimed as %s by %s but is already %s",
				       vml_arena.base_pfn + idx + i,
				       state_names[state], what,
				       state_names[f->state]);
			ok = false;
			continue;
		}
		f->state = state;
		f->head = i == 0;
		f->order = order;
	}
	return ok;
}

enum vml_frame_state vml_check_state(const struct vml_check *chk, u32 idx)
{
	return idx < chk->nr_frames ? chk->frames[idx].state : VML_FRAME_UNSEEN;
}

/* ---- reference multisets ---- */

int vml_check_refs_init(struct vml_check_refs *refs, unsigned long max)
{
	refs->n = 0;
	refs->max = max;
	refs->ptrs = kvcalloc(max + 1, sizeof(*refs->ptrs), GFP_KERNEL);
	return refs->ptrs ? 0 : -ENOMEM;
}

void vml_check_refs_add(struct vml_check_refs *refs, const void *p)
{
	if (refs->n < refs->max)
		refs->ptrs[refs->n] = p;
	refs->n++;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

bool vml_check_refs_sort(struct vml_check_refs *refs)
{
	if (refs->n > refs->max)
		return false;
	sort(refs->ptrs, refs->n, sizeof(*refs->ptrs), cmp_ptr, NULL);
	return true;
}

/* The number of @p in the sorted array: the span of equal entries. */
unsigned long vml_check_refs_count(const struct vml_check_refs *refs, const void *p)
{
	unsigned long lo = 0, hi = refs->n, mid, n = 0;

	while (lo < hi) {	/* the first entry >= p */
		mid = lo + (hi - lo) / 2;
		if ((uintptr_t)refs->ptrs[mid] < (uintptr_t)p)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + n < refs->n && refs->ptrs[lo + n] == p)
		n++;
	return n;
}

void vml_check_refs_free(struct vml_check_refs *refs)
{
	kvfree(refs->ptrs);
	refs->ptrs = NULL;
}

/* ---- the arena's own part ---- */

static void check_zone_tags(struct vml_check *chk, struct vml_zone *zone)
{
	u32 i, end = zone->start_idx + zone->spanned, bad = 0;

	for (i = zone->start_idx; i < end && i < chk->nr_frames; i++) {
		struct vml_page *page = vml_idx_to_page(i);

		if (vml_page_zonenum(page) == zone->type &&
		    vml_page_nid(page) == zone->node->id)
			continue;
		if (!bad++)
			vml_check_fail(chk, "pfn %#lx in node %d %s is tagged node %d zone %d",
				       vml_page_to_pfn(page), zone->node->id,
				       zone->name, vml_page_nid(page),
				       vml_page_zonenum(page));
	}
}

void vml_arena_check(struct vml_check *chk)
{
	unsigned long meta = 0;
	struct vml_zone *zone;
	u32 i;

	for (zone = vml_next_zone(NULL); zone; zone = vml_next_zone(zone))
		check_zone_tags(chk, zone);
	for (i = 0; i < chk->nr_frames; i++) {
		if (!vml_page_test(vml_idx_to_page(i), VML_PG_reserved))
			continue;
		vml_check_claim(chk, i, 1, VML_FRAME_META, "the boot allocator");
		meta++;
	}
	if (vml_bootmem.retired && meta != vml_arena.meta_frames)
		vml_check_fail(chk, "%lu reserved frames, but the boot allocator kept %lu",
			       meta, vml_arena.meta_frames);
}

/* ---- the final comparison ---- */

#define FREE_FLAGS	(BIT(VML_PG_buddy) | BIT(VML_PG_pcp) | BIT(VML_PG_reserved))

/* The owner flags each state implies; a flag of another owner is foreign. */
static u32 owner_flag(enum vml_frame_state state, bool head)
{
	switch (state) {
	case VML_FRAME_META:
		return BIT(VML_PG_reserved);
	case VML_FRAME_BUDDY:
		return head ? BIT(VML_PG_buddy) : 0;
	case VML_FRAME_PCP:
		return head ? BIT(VML_PG_pcp) : 0;
	case VML_FRAME_SLAB:
		return BIT(VML_PG_slab);
	case VML_FRAME_PGTABLE:
	case VML_FRAME_QUICKLIST:
		return head ? BIT(VML_PG_pgtable) : 0;
	case VML_FRAME_ZERO:
		return BIT(VML_PG_zero);
	case VML_FRAME_ANON:
		return BIT(VML_PG_anon);
	case VML_FRAME_SWAPCACHE:
		return BIT(VML_PG_swapcache);
	default:
		return 0;
	}
}

#define OWNER_FLAGS	(FREE_FLAGS | BIT(VML_PG_slab) | BIT(VML_PG_pgtable) | \
			 BIT(VML_PG_zero) | BIT(VML_PG_anon))

static void check_flags(struct vml_check *chk, u32 idx,
			const struct vml_check_frame *f)
{
	u32 flags = atomic_read(&vml_idx_to_page(idx)->flags);
	u32 need = owner_flag(f->state, f->head);
	u32 extra = flags & OWNER_FLAGS & ~need;

	/* PG_head and PG_buddy/pcp on a tail are stale from a merge: allowed. */
	if (!f->head && (f->state == VML_FRAME_BUDDY || f->state == VML_FRAME_PCP))
		extra &= ~(BIT(VML_PG_buddy) | BIT(VML_PG_pcp));
	/* A cached page that is also mapped is anonymous too. */
	if (f->state == VML_FRAME_SWAPCACHE && f->maps)
		extra &= ~BIT(VML_PG_anon);
	if ((flags & need) == need && !extra)
		return;
	vml_check_fail(chk, "pfn %#lx (%s%s) has flags %#x: %s %#x",
		       vml_arena.base_pfn + idx, state_names[f->state],
		       f->head ? "" : " tail", flags & ((1u << VML_NR_PAGEFLAGS) - 1),
		       (flags & need) != need ? "missing" : "foreign", (flags & need) != need ?
		       need & ~flags : extra);
}

/* The reference count an owner accounts for; -1 when any count is fine. */
static int expected_refs(const struct vml_check_frame *f)
{
	switch (f->state) {
	case VML_FRAME_BUDDY:
	case VML_FRAME_PCP:
		return 0;
	case VML_FRAME_META:
		return 1;
	case VML_FRAME_ANON:
		return f->maps;
	case VML_FRAME_PAGECACHE:
	case VML_FRAME_SWAPCACHE:
		return f->maps + 1;	/* the cache's own reference */
	default:
		return f->head ? 1 : 0;
	}
}

static bool user_page(enum vml_frame_state state)
{
	return state == VML_FRAME_ANON || state == VML_FRAME_SWAPCACHE ||
	       state == VML_FRAME_PAGECACHE;
}

static void check_counts(struct vml_check *chk, u32 idx,
			 const struct vml_check_frame *f)
{
	struct vml_page *page = vml_idx_to_page(idx);
	int refs = vml_page_count(page), maps = vml_page_mapcount(page);
	int want = expected_refs(f);
	unsigned long pfn = vml_arena.base_pfn + idx;

	if (f->maps && !user_page(f->state))
		vml_check_fail(chk, "pfn %#lx (%s) is mapped by %u PTEs",
			       pfn, state_names[f->state], f->maps);
	if (refs != want)
		vml_check_fail(chk, "pfn %#lx (%s): refcount %d, owners account for %d",
			       pfn, state_names[f->state], refs, want);
	if (maps != (user_page(f->state) ? f->maps : 0))
		vml_check_fail(chk, "pfn %#lx (%s): mapcount %d, PTEs found %u",
			       pfn, state_names[f->state], maps, f->maps);
}

/*
 * A frame nobody claimed: leaked, or lost to a bad free. A block's head
 * is reported once for the whole block. Return: frames to skip after it.
 */
static u32 report_unowned(struct vml_check *chk, u32 idx)
{
	struct vml_page *page = vml_idx_to_page(idx);
	unsigned int order = vml_page_order(page);
	u32 n = 1, skip;

	if (vml_page_test(page, VML_PG_head) && order < VML_MAX_ORDER)
		n = 1u << order;
	for (skip = 1; skip < n && idx + skip < chk->nr_frames; skip++)
		if (chk->frames[idx + skip].state != VML_FRAME_UNSEEN)
			break;
	vml_check_fail(chk, "pfn %#lx (%u frames) is owned by nobody: flags %#x ref %d map %d",
		       vml_arena.base_pfn + idx, skip,
		       atomic_read(&page->flags) & ((1u << VML_NR_PAGEFLAGS) - 1),
		       vml_page_count(page), vml_page_mapcount(page));
	return skip - 1;
}

void vml_check_finish(struct vml_check *chk)
{
	struct vml_check_frame *f;
	u32 i;

	for (i = 0; i < chk->nr_frames; i++) {
		f = &chk->frames[i];
		if (f->state == VML_FRAME_UNSEEN) {
			i += report_unowned(chk, i);
			continue;
		}
		check_flags(chk, i, f);
		check_counts(chk, i, f);
	}
}
