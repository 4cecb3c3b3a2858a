// SPDX-License-Identifier: GPL-2.0
/*
 * vmalloc.c - virtually contiguous memory from physically scattered arena
 * frames (Gorman ch. 7: vmalloc(), get_vm_area(), vfree(); mm/vmalloc.c).
 *
 * The areas live in the kernel mm (id 0), between VML_VMALLOC_START and
 * VML_VMALLOC_END in the lower half of its page tables: the upper half of
 * every sandbox PGD is the host kernel's, which vmlab must not change.
 * Their PTEs are supervisor-only (no _PAGE_USER) and never global, so a
 * window on the kernel mm reads them (`read 0 <addr> <len>`) while no user
 * mapping could. Each area is followed by one unmapped guard page.
 *
 * Areas are kept on an address-ordered list searched first-fit, as the
 * 2.4 vmlist Gorman describes (7.2.1); today's Linux keeps free ranges in
 * an augmented rbtree (vmap_area) for speed with many areas. The list and
 * the kernel mm's page tables change under the kernel mm's mmap_lock held
 * for writing, which also excludes windows running on the kernel mm.
 */
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "arena/check.h"
#include "slab/slab.h"
#include "vma/vma-internal.h"

/**
 * struct vml_vm_struct - one vmalloc area (Gorman 7.1, vm_struct).
 * @list: on vmlist, by address.
 * @addr: start.
 * @size: bytes including the guard page.
 * @nr_pages: frames mapped.
 * @caller: who asked, for vmallocinfo.
 * @pages: the frames.
 */
struct vml_vm_struct {
	struct list_head list;
	unsigned long addr;
	unsigned long size;
	unsigned int nr_pages;
	const void *caller;
	struct vml_page *pages[];
};

static LIST_HEAD(vmlist);

/* Present, writable, accessed, dirty, not executable: no USER, no GLOBAL. */
static pgprot_t vmalloc_prot(void)
{
	return __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
			_PAGE_DIRTY | _PAGE_NX);
}

/* First fit for @size bytes (guard included) (get_vm_area()). */
static unsigned long find_area(unsigned long size, struct list_head **after)
{
	unsigned long addr = VML_VMALLOC_START;
	struct vml_vm_struct *v;

	*after = &vmlist;
	list_for_each_entry(v, &vmlist, list) {
		if (addr + size <= v->addr)
			break;
		addr = v->addr + v->size;
		*after = &v->list;
	}
	return addr <= VML_VMALLOC_END - size ? addr : 0;
}

static int unmap_one(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
		     void *arg)
{
	vml_ptep_get_and_clear(pt, addr, ptep);
	return 0;
}

/* Unmap an area, free its frames and tables (vunmap + __vfree). */
static void free_area(struct vml_mm *kmm, struct vml_vm_struct *v)
{
	unsigned int i;

	vml_walk_range(&kmm->pgt, v->addr, v->addr + v->size, unmap_one, NULL);
	vml_free_pgtables(&kmm->pgt, v->addr, v->addr + v->size);
	for (i = 0; i < v->nr_pages; i++)
		vml_put_page(v->pages[i]);
	list_del(&v->list);
	vml_kfree(v);
}

/* Allocate one frame per page and map them (__vmalloc_area_node()). */
static int map_area(struct vml_mm *kmm, struct vml_vm_struct *v,
		    unsigned int nr)
{
	unsigned long addr;
	pte_t *ptep;

	for (; v->nr_pages < nr; v->nr_pages++) {
		addr = v->addr + ((unsigned long)v->nr_pages << PAGE_SHIFT);
		v->pages[v->nr_pages] = vml_alloc_pages(VML_GFP_KERNEL | VML___GFP_HIGHMEM |
							VML___GFP_NOWARN, 0);
		if (!v->pages[v->nr_pages])
			return -ENOMEM;
		ptep = vml_pte_alloc(&kmm->pgt, addr, VML_GFP_KERNEL);
		if (!ptep) {
			vml_put_page(v->pages[v->nr_pages]);
			return -ENOMEM;
		}
		spin_lock(&kmm->pgt.lock);
		vml_set_pte(&kmm->pgt, addr, ptep,
			    pfn_pte(vml_page_to_pfn(v->pages[v->nr_pages]), vmalloc_prot()));
		spin_unlock(&kmm->pgt.lock);
		cond_resched();
	}
	return 0;
}

unsigned long vml_vmalloc(unsigned long size)
{
	struct vml_mm *kmm = vml_kernel_mm();
	unsigned long nr = PAGE_ALIGN(size) >> PAGE_SHIFT, addr = 0;
	struct vml_vm_struct *v;
	struct list_head *after;

	if (!size || !kmm || nr > (VML_VMALLOC_END - VML_VMALLOC_START) >> PAGE_SHIFT)
		return 0;
	v = vml_kzalloc(struct_size(v, pages, nr), VML_GFP_KERNEL);
	if (!v)
		return 0;
	v->size = (nr + 1) << PAGE_SHIFT;
	v->caller = __builtin_return_address(0);
	down_write(&kmm->mmap_lock);
	v->addr = find_area(v->size, &after);
	if (v->addr) {
		list_add(&v->list, after);
		if (map_area(kmm, v, nr))
			free_area(kmm, v);
		else
			addr = v->addr;
	} else {
		vml_kfree(v);
	}
	up_write(&kmm->mmap_lock);
	return addr;
}

int vml_vfree(unsigned long addr)
{
	struct vml_mm *kmm = vml_kernel_mm();
	struct vml_vm_struct *v;
	int ret = -EINVAL;

	if (!kmm)
		return -EINVAL;
	down_write(&kmm->mmap_lock);
	list_for_each_entry(v, &vmlist, list) {
		if (v->addr == addr) {
			free_area(kmm, v);
			ret = 0;
			break;
		}
	}
	up_write(&kmm->mmap_lock);
	if (ret)
		pr_warn_ratelimited("vmlab: vfree of %#lx refused: not the start of a vmalloc area\n",
				    addr);
	return ret;
}

/* N<node>=<pages> for each node holding some (show_numa_info()). */
static void show_numa(struct seq_file *m, struct vml_vm_struct *v)
{
	unsigned int counters[VML_MAX_NODES] = { 0 };
	unsigned int i;

	for (i = 0; i < v->nr_pages; i++)
		counters[vml_page_nid(v->pages[i])]++;
	for (i = 0; i < VML_MAX_NODES; i++)
		if (counters[i])
			seq_printf(m, " N%u=%u", i, counters[i]);
}

void vml_vmallocinfo_show(struct seq_file *m)
{
	struct vml_mm *kmm = vml_kernel_mm();
	struct vml_vm_struct *v;

	if (!kmm)
		return;
	down_read(&kmm->mmap_lock);
	list_for_each_entry(v, &vmlist, list) {
		seq_printf(m, "0x%016lx-0x%016lx %7ld %pS pages=%u vmalloc",
			   v->addr, v->addr + v->size, (long)v->size, v->caller,
			   v->nr_pages);
		show_numa(m, v);
		seq_putc(m, '\n');
	}
	up_read(&kmm->mmap_lock);
}

/* The kernel mm @kmm is going away: free every area left. */
void vml_vmalloc_exit(struct vml_mm *kmm)
{
	struct vml_vm_struct *v, *tmp;

	list_for_each_entry_safe(v, tmp, &vmlist, list)
		free_area(kmm, v);
}

static int count_present(struct vml_pgtable *pt, unsigned long addr, pte_t *ptep,
			 void *arg)
{
	(*(unsigned long *)arg)++;
	return 0;
}

/*
 * The checker's view of the vmalloc area: each area's frames are claimed
 * and mapped at their place, and the kernel mm maps nothing else.
 * Caller holds kmm->mmap_lock for reading. Return: PTEs looked at.
 */
unsigned long vml_vmalloc_check(struct vml_check *chk, struct vml_mm *kmm)
{
	unsigned long addr, ptes = 0, pages = 0;
	struct vml_vm_struct *v;
	unsigned int i;
	pte_t *ptep;

	list_for_each_entry(v, &vmlist, list) {
		for (i = 0; i < v->nr_pages; i++, pages++) {
			addr = v->addr + ((unsigned long)i << PAGE_SHIFT);
			if (!vml_page_in_arena(v->pages[i])) {
				vml_check_fail(chk, "vmalloc %#lx: frame %p is not in the arena",
					       addr, v->pages[i]);
				continue;
			}
			vml_check_claim(chk, vml_page_idx(v->pages[i]), 1,
					VML_FRAME_VMALLOC, "vmalloc");
			ptep = vml_pte_lookup(&kmm->pgt, addr);
			if (!ptep || vml_pte_state(*ptep) != VML_PTE_PRESENT ||
			    vml_pte_page(*ptep) != v->pages[i])
				vml_check_fail(chk, "vmalloc %#lx: not mapped to pfn %#lx",
					       addr, vml_page_to_pfn(v->pages[i]));
		}
	}
	vml_walk_range(&kmm->pgt, 0, ULONG_MAX, count_present, &ptes);
	if (ptes != pages)
		vml_check_fail(chk, "the kernel mm has %lu PTEs, vmalloc areas %lu pages",
			       ptes, pages);
	return ptes;
}
