// SPDX-License-Identifier: GPL-2.0
/*
 * swapfile.c - adding and removing swap areas, and /proc/swaps
 * (mm/swapfile.c sys_swapon(), read_swap_header(), sys_swapoff(),
 * swap_show()).
 */

/**
 * DOC: swap header
 *
 * A swap file or device starts with one page written by mkswap(8), the
 * kernel's union swap_header: the last 10 bytes of the page hold the
 * signature "SWAPSPACE2"; at byte 1024 follow version (must be 1),
 * last_page (the last usable slot), nr_badpages, a UUID, a label and
 * the list of bad slots. vmlab refuses, with a reason, a missing
 * signature, the old "SWAP-SPACE" format, a header of the other byte
 * order (6.1 would swab it; no mkswap writes one on x86), any version but
 * 1, more bad slots than fit, a bad slot of 0 or past last_page, a
 * last_page past the end of the file or device (6.1 silently uses less),
 * and an area with no usable slot. Slots past vml_max_swap_offset() (the
 * L1TF limit) are left unused, as 6.1 does. Slot 0, the header, is never
 * handed out; a ram: area keeps slot 0 unused too, so offsets mean the
 * same on every kind of area.
 *
 * An area added without a priority gets one below every such area
 * (-2, -3, ...) and removing one moves those below it up by one, exactly
 * as 6.1's least_priority, so /proc/swaps reads the same.
 */
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swab.h>
#include "swap/swap-internal.h"

static DEFINE_MUTEX(swapon_mutex);	/* swapon, swapoff, show */
static int least_priority = -1;

#define MAX_BADPAGES ((offsetof(union swap_header, magic.magic) - \
		       offsetof(union swap_header, info.badpages)) / sizeof(int))

static int check_badpages(struct vml_swap_area *si, union swap_header *h,
			  const char **why)
{
	u32 i, nr = 0;

	for (i = 0; i < h->info.nr_badpages; i++) {
		u32 bad = h->info.badpages[i];

		if (!bad || bad > h->info.last_page) {
			*why = "a bad page of 0 or past last_page in the header";
			return -EINVAL;
		}
		if (bad < si->max && si->swap_map[bad] != VML_SWAP_MAP_BAD) {
			si->swap_map[bad] = VML_SWAP_MAP_BAD;
			nr++;
		}
	}
	si->pages = si->max - 1 - nr;
	return 0;
}

/* Check the header (read_swap_header()) and size the area from it. */
static int parse_header(struct vml_swap_area *si, union swap_header *h,
			unsigned long size_pages, const char **why)
{
	if (memcmp(h->magic.magic, "SWAPSPACE2", 10)) {
		*why = memcmp(h->magic.magic, "SWAP-SPACE", 10) ?
		       "no SWAPSPACE2 signature (not made by mkswap)" :
		       "old SWAP-SPACE (v0) header: not supported";
		return -EINVAL;
	}
	if (h->info.version != 1) {
		*why = swab32(h->info.version) == 1 ?
		       "swap header of the other byte order" :
		       "swap header version is not 1";
		return -EINVAL;
	}
	if (h->info.nr_badpages > MAX_BADPAGES) {
		*why = "more bad pages than a swap header holds";
		return -EINVAL;
	}
	if (!h->info.last_page) {
		*why = "empty swap area (last_page 0)";
		return -EINVAL;
	}
	if (h->info.last_page >= size_pages) {
		*why = "last_page is past the end of the file or device";
		return -EINVAL;
	}
	si->max = min_t(unsigned long, h->info.last_page,
			vml_max_swap_offset()) + 1;
	return 0;
}

/* Read and check the header, then build the swap_map. */
static int setup_map(struct vml_swap_area *si, unsigned long size_pages,
		     const char **why)
{
	union swap_header *h = NULL;
	int ret;

	if (si->ram) {
		si->max = min(size_pages, vml_max_swap_offset() + 1);
	} else {
		h = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (!h) {
			*why = "no memory for the header";
			return -ENOMEM;
		}
		ret = vml_swap_rw(si, 0, h, false);
		if (ret) {
			*why = "cannot read the swap header";
			goto out;
		}
		ret = parse_header(si, h, size_pages, why);
		if (ret)
			goto out;
	}
	ret = -ENOMEM;
	*why = "no memory for the swap_map";
	si->swap_map = kvcalloc(si->max, 1, GFP_KERNEL | __GFP_NOWARN);
	if (!si->swap_map)
		goto out;
	si->swap_map[0] = VML_SWAP_MAP_BAD;
	si->pages = si->max - 1;
	ret = h ? check_badpages(si, h, why) : 0;
	if (!ret && !si->pages) {
		*why = "no usable slot in the area";
		ret = -EINVAL;
	}
out:
	kfree(h);
	return ret;
}

/* An area already using the same spec or the same inode; swapon_mutex held. */
static bool area_busy(struct vml_swap_area *new)
{
	struct vml_swap_area *si;
	int type;

	for (type = 0; type < VML_MAX_SWAPFILES; type++) {
		si = vml_swap_info[type];
		if (!si)
			continue;
		if (!strcmp(si->spec, new->spec))
			return true;
		if (si->file && new->file &&
		    si->file->f_mapping->host == new->file->f_mapping->host)
			return true;
	}
	return false;
}

static int free_type(void)
{
	int type;

	for (type = 0; type < VML_MAX_SWAPFILES; type++)
		if (!vml_swap_info[type])
			return type;
	return -1;
}

/* Into the active list by priority, behind equals; vml_swap_lock held. */
static void insert_by_prio(struct vml_swap_area *si)
{
	struct vml_swap_area *pos;

	list_for_each_entry(pos, &vml_swap_active, list)
		if (pos->prio < si->prio)
			break;
	list_add_tail(&si->list, &pos->list);
}

/* Publish a complete area. */
static void enable_area(struct vml_swap_area *si)
{
	spin_lock(&vml_swap_lock);
	insert_by_prio(si);
	vml_swap_info[si->type] = si;
	spin_unlock(&vml_swap_lock);
}

static void free_area(struct vml_swap_area *si)
{
	vml_swap_close(si);
	xa_destroy(&si->cont);	/* empty: no slot is in use */
	kvfree(si->swap_map);
	kfree(si->spec);
	kfree(si);
}

static int swapon_locked(struct vml_swap_area *si, int prio, const char **why)
{
	unsigned long size_pages;
	int ret;

	si->type = free_type();
	if (si->type < 0) {
		*why = "every swap type is in use";
		return -EPERM;
	}
	ret = vml_swap_open(si, &size_pages, why);
	if (ret)
		return ret;
	if (area_busy(si)) {
		*why = "already a swap area";
		return -EBUSY;
	}
	ret = setup_map(si, size_pages, why);
	if (ret)
		return ret;
	vml_swap_area_reset(si);
	si->prio = prio == VML_SWAP_PRIO_DEFAULT ? --least_priority : prio;
	enable_area(si);
	return si->type;
}

int vml_swapon(const char *spec, int prio, const char **why)
{
	struct vml_swap_area *si;
	int ret;

	*why = "out of memory";
	if (prio != VML_SWAP_PRIO_DEFAULT && (prio < 0 || prio > VML_SWAP_PRIO_MAX)) {
		*why = "priority must be 0..32767";
		return -ERANGE;
	}
	si = kzalloc(sizeof(*si), GFP_KERNEL);
	if (!si)
		return -ENOMEM;
	xa_init(&si->cont);
	si->spec = kstrdup(spec, GFP_KERNEL);
	if (!si->spec) {
		kfree(si);
		return -ENOMEM;
	}
	mutex_lock(&swapon_mutex);
	ret = swapon_locked(si, prio, why);
	mutex_unlock(&swapon_mutex);
	if (ret < 0)
		free_area(si);
	return ret;
}

static struct vml_swap_area *find_area(const char *spec)
{
	int type;

	for (type = 0; type < VML_MAX_SWAPFILES; type++)
		if (vml_swap_info[type] && !strcmp(vml_swap_info[type]->spec, spec))
			return vml_swap_info[type];
	return NULL;
}

/* Take @si off the allocation list (del_from_avail_list()). */
static void stop_allocating(struct vml_swap_area *si)
{
	spin_lock(&vml_swap_lock);
	list_del_init(&si->list);
	spin_unlock(&vml_swap_lock);
}

/* swapoff failed: @si takes slots again, in its place by priority. */
static void restart_allocating(struct vml_swap_area *si)
{
	spin_lock(&vml_swap_lock);
	insert_by_prio(si);
	spin_unlock(&vml_swap_lock);
}

/* Unpublish @si once try_to_unuse() emptied it; swapon_mutex held. */
static int disable_area(struct vml_swap_area *si, const char **why)
{
	struct vml_swap_area *pos;
	int ret;

	stop_allocating(si);
	ret = vml_try_to_unuse(si->type);
	if (ret) {
		restart_allocating(si);
		*why = ret == -ENOMEM ? "not enough memory to bring every page back" :
		       ret == -EIO ? "a page could not be read back" :
		       "slots still in use";
		return ret;
	}
	spin_lock(&vml_swap_lock);
	if (si->inuse) {
		spin_unlock(&vml_swap_lock);
		restart_allocating(si);
		*why = "slots still in use";
		return -EBUSY;
	}
	vml_swap_info[si->type] = NULL;
	if (si->prio < 0) {
		list_for_each_entry(pos, &vml_swap_active, list)
			if (pos->prio < si->prio)
				pos->prio++;
		least_priority++;
	}
	spin_unlock(&vml_swap_lock);
	return 0;
}

int vml_swapoff(const char *spec, const char **why)
{
	struct vml_swap_area *si;
	int ret;

	*why = "";
	mutex_lock(&swapon_mutex);
	si = find_area(spec);
	if (!si) {
		*why = "no such swap area";
		ret = -EINVAL;
	} else {
		ret = disable_area(si, why);
	}
	mutex_unlock(&swapon_mutex);
	if (ret)
		return ret;
	vml_swap_wait_unpinned(si);
	free_area(si);
	return 0;
}

void vml_swap_totals(struct vml_swap_totals *t)
{
	struct vml_swap_area *si;

	memset(t, 0, sizeof(*t));
	spin_lock(&vml_swap_lock);
	list_for_each_entry(si, &vml_swap_active, list) {
		t->areas++;
		t->pages += si->pages;
		t->inuse += si->inuse;
		t->cont += si->nr_cont;
	}
	spin_unlock(&vml_swap_lock);
}

/* swap_show(): the same columns, widths and escapes. */
static void show_area(struct seq_file *m, struct vml_swap_area *si)
{
	unsigned long bytes = si->pages << (PAGE_SHIFT - 10);
	unsigned long inuse = READ_ONCE(si->inuse) << (PAGE_SHIFT - 10);
	const char *kind = "ram\t";
	int len;

	if (si->file) {
		len = seq_file_path(m, si->file, " \t\n\\");
		kind = vml_swap_is_bdev(si) ? "partition" : "file\t";
	} else {
		seq_puts(m, si->spec);
		len = strlen(si->spec);
	}
	seq_printf(m, "%*s%s\t%lu\t%s%lu\t%s%d\n", len < 40 ? 40 - len : 1, " ",
		   kind, bytes, bytes < 10000000 ? "\t" : "", inuse,
		   inuse < 10000000 ? "\t" : "", si->prio);
}

void vml_swaps_show(struct seq_file *m)
{
	int type;

	seq_puts(m, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	mutex_lock(&swapon_mutex);
	for (type = 0; type < VML_MAX_SWAPFILES; type++)
		if (vml_swap_info[type])
			show_area(m, vml_swap_info[type]);
	mutex_unlock(&swapon_mutex);
}

int vml_swapfile_init(void)
{
	least_priority = -1;
	return 0;
}

/* Every area goes; one with slots in use is a caller's leak. */
void vml_swapfile_exit(void)
{
	const char *why;
	int type;

	for (type = 0; type < VML_MAX_SWAPFILES; type++) {
		struct vml_swap_area *si = vml_swap_info[type];

		if (!si)
			continue;
		if (vml_swapoff(si->spec, &why)) {
			WARN(1, "vmlab: swap area %s: %s\n", si->spec, why);
			spin_lock(&vml_swap_lock);
			si->inuse = 0;	/* the owners are gone with the core */
			spin_unlock(&vml_swap_lock);
			vml_swapoff(si->spec, &why);
		}
	}
}
