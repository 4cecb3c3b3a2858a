// SPDX-License-Identifier: GPL-2.0
/*
 * fault_debugfs.c - ctl commands and debugfs files of the fault layer.
 * Parsing and printing only.
 *
 *   fork <mm>                   -> ok mm=N
 *   msync <mm> <addr> <len>     -> ok written=N
 *   drop_caches                 -> ok freed=N
 *   rmap <mm> <addr>            -> ok pfn=.. kind=anon|file|shmem|zero
 *                                  mapcount=N refcount=N mappings=N mms=a,b
 *   page_unmap <mm> <addr>      -> ok unmapped=N   (page-cache pages only)
 *   smaps_rollup <mm>           -> ok rss=.. pss=.. ... (in kB)
 *   pagecache (file)            the page cache's totals
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/seq_file.h>
#include "ctl/ctl.h"
#include "fault/fault-internal.h"

static struct dentry *cache_file;

static struct vml_mm *get_mm(struct vml_reply *r, const char *arg)
{
	struct vml_mm *mm;
	u64 id;

	if (vml_parse_arg_u64(r, "mm", arg, INT_MAX, &id))
		return NULL;
	mm = vml_mm_find(id);
	if (!mm) {
		vml_reply_err(r, -ESRCH, "no mm %llu", id);
	} else if (mm->kernel) {
		vml_mm_put(mm);
		vml_reply_err(r, -EPERM, "mm 0 is the kernel mm");
		mm = NULL;
	}
	return mm;
}

static int cmd_fork(int argc, char **argv, struct vml_reply *r)
{
	struct vml_mm *mm = get_mm(r, argv[1]), *child;

	if (!mm)
		return r->err;
	child = vml_fork(mm);
	vml_mm_put(mm);
	if (IS_ERR(child))
		return vml_reply_err(r, PTR_ERR(child), "fork failed");
	vml_mm_debugfs_publish(child);
	vml_reply_add(r, " mm=%d", child->id);
	vml_mm_put(child);	/* fork's own; from here mm_destroy may free it */
	return 0;
}

static int cmd_msync(int argc, char **argv, struct vml_reply *r)
{
	u64 addr, len;
	struct vml_mm *mm;
	long ret;

	if (vml_parse_arg_u64(r, "addr", argv[2], ULONG_MAX, &addr) ||
	    vml_parse_arg_size(r, "len", argv[3], ULONG_MAX, &len))
		return r->err;
	mm = get_mm(r, argv[1]);
	if (!mm)
		return r->err;
	ret = vml_msync(mm, addr, len);
	vml_mm_put(mm);
	if (ret < 0)
		return vml_reply_err(r, ret, "msync failed");
	vml_reply_add(r, " written=%ld", ret);
	return 0;
}

static int cmd_drop_caches(int argc, char **argv, struct vml_reply *r)
{
	vml_reply_add(r, " freed=%lu", vml_drop_caches());
	return 0;
}

/* The page mapped at @addr of @mm, with a reference, or NULL. */
static struct vml_page *page_at(struct vml_mm *mm, unsigned long addr)
{
	struct vml_page *page = NULL;
	pte_t *ptep;

	down_read(&mm->mmap_lock);
	ptep = addr < mm->task_size ? vml_pte_lookup(&mm->pgt, addr) : NULL;
	if (ptep) {
		spin_lock(&mm->pgt.lock);
		page = vml_pte_page(*ptep);
		if (page)
			vml_get_page(page);
		spin_unlock(&mm->pgt.lock);
	}
	up_read(&mm->mmap_lock);
	return page;
}

static struct vml_page *parse_page(struct vml_reply *r, char **argv)
{
	struct vml_page *page;
	struct vml_mm *mm;
	u64 addr;

	if (vml_parse_arg_u64(r, "addr", argv[2], ULONG_MAX, &addr))
		return NULL;
	mm = get_mm(r, argv[1]);
	if (!mm)
		return NULL;
	page = page_at(mm, addr);
	vml_mm_put(mm);
	if (!page)
		vml_reply_err(r, -ENOENT, "no page mapped at %#llx", addr);
	return page;
}

struct rmap_print {
	struct vml_reply *r;
	int nr;
};

static int print_one(struct vml_vma *vma, unsigned long addr, pte_t *ptep,
		     void *arg)
{
	struct rmap_print *p = arg;

	vml_reply_add(p->r, "%s%d:%#lx", p->nr++ ? "," : " at=", vma->vm_mm->id, addr);
	return 0;
}

static const char *page_kind(struct vml_page *page)
{
	if (vml_page_test(page, VML_PG_zero))
		return "zero";
	if (vml_page_test(page, VML_PG_anon))
		return "anon";
	if (!page->private)
		return "other";
	return ((struct vml_mapping *)page->private)->host ? "file" : "shmem";
}

static int cmd_rmap(int argc, char **argv, struct vml_reply *r)
{
	struct vml_page *page = parse_page(r, argv);
	struct rmap_print p = { .r = r };
	int busy;

	if (!page)
		return r->err;
	if (vml_get_lru_hooks()->drain)
		vml_get_lru_hooks()->drain();	/* no batch reference in the count */
	/* The walk's mmap trylocks fail against our own ctl caller: none held. */
	vml_reply_add(r, " pfn=%#lx kind=%s mapcount=%d refcount=%d",
		      vml_page_to_pfn(page), page_kind(page),
		      vml_page_mapcount(page), vml_page_count(page) - 1);
	busy = vml_rmap_walk(page, print_one, &p);
	vml_reply_add(r, " mappings=%d busy=%d", p.nr, max(busy, 0));
	vml_put_page(page);
	return 0;
}

static int cmd_page_unmap(int argc, char **argv, struct vml_reply *r)
{
	struct vml_page *page = parse_page(r, argv);
	int nr;

	if (!page)
		return r->err;
	if (vml_page_test(page, VML_PG_anon) || vml_page_test(page, VML_PG_zero)) {
		vml_put_page(page);
		return vml_reply_err(r, -EINVAL,
				     "only page-cache pages can be unmapped without swap");
	}
	nr = vml_try_to_unmap(page, __pte(0));
	vml_reply_add(r, " unmapped=%d mapcount=%d", nr, vml_page_mapcount(page));
	vml_put_page(page);
	return 0;
}

static int cmd_smaps(int argc, char **argv, struct vml_reply *r)
{
	struct vml_mm *mm = get_mm(r, argv[1]);
	struct vml_smaps s;
	int k = PAGE_SIZE / 1024;

	if (!mm)
		return r->err;
	vml_smaps_rollup(mm, &s);
	vml_reply_add(r, " rss=%lu pss=%lu anon=%lu file=%lu shmem=%lu",
		      s.rss * k, s.pss * k, s.anon * k,
		      vml_mm_counter(mm, VML_MM_FILEPAGES) * k,
		      vml_mm_counter(mm, VML_MM_SHMEMPAGES) * k);
	vml_reply_add(r, " shared_clean=%lu shared_dirty=%lu private_clean=%lu private_dirty=%lu",
		      s.shared_clean * k, s.shared_dirty * k, s.private_clean * k,
		      s.private_dirty * k);
	vml_reply_add(r, " referenced=%lu zero=%lu swap=%lu swap_pss=%lu", s.referenced * k,
		      s.zero * k, s.swap * k, s.swap_pss * k);
	vml_mm_put(mm);
	return 0;
}

static const struct vml_ctl_cmd fault_cmds[] = {
	{ "fork", "<mm>", 1, 1, cmd_fork },
	{ "msync", "<mm> <addr> <len>", 3, 3, cmd_msync },
	{ "drop_caches", "", 0, 0, cmd_drop_caches },
	{ "rmap", "<mm> <addr>", 2, 2, cmd_rmap },
	{ "page_unmap", "<mm> <addr>", 2, 2, cmd_page_unmap },
	{ "smaps_rollup", "<mm>", 1, 1, cmd_smaps },
};

static struct vml_ctl_group fault_group = {
	.cmds = fault_cmds,
	.nr = ARRAY_SIZE(fault_cmds),
};

static int pagecache_show(struct seq_file *m, void *v)
{
	struct vml_cache_stats s;

	vml_cache_get_stats(&s);
	seq_printf(m, "mappings %lu\npages %lu\ndirty %lu\nmapped %lu\nshmem %lu\nshmem_swapped %lu\n",
		   s.mappings, s.pages, s.dirty, s.mapped, s.shmem, s.swapped);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pagecache);

int vml_fault_debugfs_init(struct dentry *root)
{
	cache_file = debugfs_create_file("pagecache", 0400, root, NULL, &pagecache_fops);
	vml_ctl_register(&fault_group);
	return 0;
}

void vml_fault_debugfs_exit(void)
{
	vml_ctl_unregister(&fault_group);
	cache_file = NULL;
}
