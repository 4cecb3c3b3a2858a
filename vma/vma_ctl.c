// SPDX-License-Identifier: GPL-2.0
/*
 * vma_ctl.c - ctl commands for the address-space system calls: mmap,
 * munmap, mprotect, mremap, mlock, munlock, brk, madvise, mm_setlimit,
 * vmalloc and vfree. Parsing and printing only; the errno of a failed call
 * is the one the vma/ API returned (Linux's).
 */
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/string.h>
#include "ctl/ctl.h"
#include "vma/vma-internal.h"

/*
 * "<id>" -> the mm with a reference held, or NULL with the reply set. An
 * mm the OOM killer chose is a dead id: only mm_destroy (@dead_ok) takes it.
 */
struct vml_mm *vml_ctl_find_mm(struct vml_reply *r, const char *arg, bool dead_ok)
{
	struct vml_mm *mm;
	u64 id;

	if (vml_parse_arg_u64(r, "mm", arg, INT_MAX, &id))
		return NULL;
	mm = vml_mm_find(id);
	if (!mm) {
		vml_reply_err(r, -ESRCH, "no mm %llu", id);
	} else if (!dead_ok && vml_mm_oom_victim(mm)) {
		vml_reply_err(r, -ESRCH, "mm %llu was killed by the OOM killer (mm_destroy removes it)",
			      id);
		vml_mm_put(mm);
		mm = NULL;
	}
	return mm;
}

struct vml_mm *vml_ctl_get_mm(struct vml_reply *r, const char *arg)
{
	return vml_ctl_find_mm(r, arg, false);
}

int vml_ctl_parse_addr(struct vml_reply *r, const char *what, const char *s,
		       unsigned long *v)
{
	u64 x;
	int ret = vml_parse_arg_u64(r, what, s, ULONG_MAX, &x);

	*v = x;
	return ret;
}

int vml_ctl_parse_len(struct vml_reply *r, const char *s, unsigned long *v)
{
	u64 x;
	int ret = vml_parse_arg_size(r, "len", s, ULONG_MAX, &x);

	*v = x;
	return ret;
}

/* "r", "rw", "rwx", "x", ... or "none". */
static int parse_prot(struct vml_reply *r, const char *s, unsigned long *prot)
{
	*prot = 0;
	if (!strcmp(s, "none"))
		return 0;
	for (; *s; s++) {
		unsigned long bit = *s == 'r' ? PROT_READ : *s == 'w' ? PROT_WRITE :
				    *s == 'x' ? PROT_EXEC : *s == 'g' ? PROT_GROWSDOWN :
				    *s == 'u' ? PROT_GROWSUP : 0;

		if (!bit || (*prot & bit))
			return vml_reply_err(r, -EINVAL, "bad prot: use r, w, x, g, u or none");
		*prot |= bit;
	}
	return *prot ? 0 : vml_reply_err(r, -EINVAL, "bad prot: use r, w, x, g, u or none");
}

static const struct vml_flag_name map_flags[] = {
	{ "private", MAP_PRIVATE }, { "shared", MAP_SHARED },
	{ "anon", MAP_ANONYMOUS }, { "fixed", MAP_FIXED },
	{ "fixed_noreplace", MAP_FIXED_NOREPLACE }, { "growsdown", MAP_GROWSDOWN },
	{ "locked", MAP_LOCKED }, { "populate", MAP_POPULATE },
	{ "noreserve", MAP_NORESERVE },
};

/*
 * Is @inode's data kept by a file system (its page cache reads or writes
 * through the address space)? Files of /proc, /sys, debugfs and the like
 * are regular too, but have no address-space operations: their "data"
 * is the kernel's state, and msync would write into it (sysrq-trigger,
 * drop_caches...). Linux refuses to mmap them; so does vmlab.
 */
static bool stored_file(struct inode *inode)
{
	const struct address_space_operations *a_ops = inode->i_mapping->a_ops;

	return a_ops && (a_ops->read_folio || a_ops->write_begin);
}

/*
 * Open file=<path> for mmap, read-write if allowed, but only a regular
 * file: opening is not harmless (opening /dev/watchdog arms the host's
 * watchdog, a tty may become a controlling terminal), so the type is
 * checked on the looked-up path first, and then that very dentry is
 * opened (dentry_open()), never the name again, which a rename could
 * have pointed elsewhere meanwhile. dentry_open() skips may_open(): an
 * append-only or immutable file is opened read-only, as its flags ask.
 */
static struct file *open_backing(struct vml_reply *r, const char *name)
{
	struct file *f = ERR_PTR(-ENODEV);
	struct inode *inode;
	struct path path;
	int err;

	err = kern_path(name, LOOKUP_FOLLOW, &path);
	if (err) {
		vml_reply_err(r, err, "cannot find %s", name);
		return ERR_PTR(err);
	}
	inode = d_inode(path.dentry);
	if (!d_is_reg(path.dentry)) {
		vml_reply_err(r, -ENODEV, "%s is not a regular file", name);
		goto out;
	}
	if (!stored_file(inode)) {
		vml_reply_err(r, -ENODEV, "%s is not stored in a file system (a /proc, /sys or debugfs file?)",
			      name);
		goto out;
	}
	if (!IS_APPEND(inode) && !IS_IMMUTABLE(inode))
		f = dentry_open(&path, O_RDWR | O_LARGEFILE, current_cred());
	if (IS_ERR(f))
		f = dentry_open(&path, O_RDONLY | O_LARGEFILE, current_cred());
	if (IS_ERR(f))
		vml_reply_err(r, PTR_ERR(f), "cannot open %s", name);
out:
	path_put(&path);
	return f;
}

/* The optional file=<path> and offset=<n> words of mmap. */
static int parse_mmap_opts(struct vml_reply *r, int argc, char **argv,
			   struct file **file, u64 *off)
{
	int i;

	for (i = 6; i < argc; i++) {
		if (!strncmp(argv[i], "offset=", 7)) {
			if (vml_parse_arg_size(r, "offset", argv[i] + 7, ULONG_MAX, off))
				return -EINVAL;
		} else if (!strncmp(argv[i], "file=", 5) && !*file) {
			*file = open_backing(r, argv[i] + 5);
			if (IS_ERR(*file)) {
				int err = PTR_ERR(*file);

				*file = NULL;
				return err;
			}
		} else {
			return vml_reply_err(r, -EINVAL, "unknown option '%s'", argv[i]);
		}
	}
	return 0;
}

static int reply_addr(struct vml_reply *r, const char *what, unsigned long ret)
{
	if (IS_ERR_VALUE(ret))
		return vml_reply_err(r, (long)ret, "%s failed", what);
	vml_reply_add(r, " addr=%#lx", ret);
	return 0;
}

static int reply_ret(struct vml_reply *r, const char *what, int ret)
{
	return ret ? vml_reply_err(r, ret, "%s failed", what) : 0;
}

/* mmap <mm> <addr> <len> <prot> <flags> [file=<path>] [offset=N] */
static int cmd_mmap(int argc, char **argv, struct vml_reply *r)
{
	unsigned long addr, len, prot, flags;
	struct file *file = NULL;
	struct vml_mm *mm;
	u64 off = 0;
	int ret;

	ret = vml_ctl_parse_addr(r, "addr", argv[2], &addr) ?:
	      vml_ctl_parse_len(r, argv[3], &len) ?:
	      parse_prot(r, argv[4], &prot) ?:
	      vml_parse_flag_list(r, "map flag", argv[5], map_flags,
				  ARRAY_SIZE(map_flags), &flags) ?:
	      parse_mmap_opts(r, argc, argv, &file, &off);
	if (!ret && file && (flags & MAP_ANONYMOUS))
		ret = vml_reply_err(r, -EINVAL, "anon and file= exclude each other");
	if (!ret) {
		mm = vml_ctl_get_mm(r, argv[1]);
		if (mm) {
			ret = reply_addr(r, "mmap",
					 vml_mmap(mm, addr, len, prot, flags, file, off));
			vml_mm_put(mm);
		} else {
			ret = r->err;
		}
	}
	if (file)
		fput(file);
	return ret;
}

/* Commands of the form "<cmd> <mm> <addr> <len>". */
static int cmd_range(int argc, char **argv, struct vml_reply *r)
{
	unsigned long addr, len;
	struct vml_mm *mm;
	int ret;

	if (vml_ctl_parse_addr(r, "addr", argv[2], &addr) ||
	    vml_ctl_parse_len(r, argv[3], &len))
		return r->err;
	mm = vml_ctl_get_mm(r, argv[1]);
	if (!mm)
		return r->err;
	if (!strcmp(argv[0], "munmap"))
		ret = vml_munmap(mm, addr, len);
	else if (!strcmp(argv[0], "mlock"))
		ret = vml_mlock(mm, addr, len);
	else
		ret = vml_munlock(mm, addr, len);
	vml_mm_put(mm);
	return reply_ret(r, argv[0], ret);
}

/* mprotect <mm> <addr> <len> <prot> */
static int cmd_mprotect(int argc, char **argv, struct vml_reply *r)
{
	unsigned long addr, len, prot;
	struct vml_mm *mm;
	int ret;

	if (vml_ctl_parse_addr(r, "addr", argv[2], &addr) ||
	    vml_ctl_parse_len(r, argv[3], &len) || parse_prot(r, argv[4], &prot))
		return r->err;
	mm = vml_ctl_get_mm(r, argv[1]);
	if (!mm)
		return r->err;
	ret = vml_mprotect(mm, addr, len, prot);
	vml_mm_put(mm);
	return reply_ret(r, "mprotect", ret);
}

/*
 * mremap <mm> <addr> <oldlen> <newlen> [maymove] [dontunmap]
 *        [fixed=<addr>|hint=<addr>]
 * hint= passes new_addr without MREMAP_FIXED (only MREMAP_DONTUNMAP reads
 * it). Both name the one new_addr: a second is refused, not let override
 * the first (fixed=A hint=B moved the range to B).
 */
static int cmd_mremap(int argc, char **argv, struct vml_reply *r)
{
	unsigned long addr, old_len, new_len, flags = 0, new_addr = 0;
	const char *where = NULL;
	struct vml_mm *mm;
	u64 x;
	int i;

	if (vml_ctl_parse_addr(r, "addr", argv[2], &addr) ||
	    vml_parse_arg_size(r, "oldlen", argv[3], ULONG_MAX, &x))
		return r->err;
	old_len = x;
	if (vml_parse_arg_size(r, "newlen", argv[4], ULONG_MAX, &x))
		return r->err;
	new_len = x;
	for (i = 5; i < argc; i++) {
		if (!strcmp(argv[i], "maymove")) {
			flags |= MREMAP_MAYMOVE;
		} else if (!strcmp(argv[i], "dontunmap")) {
			flags |= MREMAP_DONTUNMAP;
		} else if (!strncmp(argv[i], "fixed=", 6) || !strncmp(argv[i], "hint=", 5)) {
			if (where)
				return vml_reply_err(r, -EINVAL,
						     "'%s' after '%s': give one of fixed= and hint=",
						     argv[i], where);
			where = argv[i];
			if (*where == 'f') {
				if (vml_ctl_parse_addr(r, "fixed", where + 6, &new_addr))
					return r->err;
				flags |= MREMAP_FIXED;
			} else if (vml_ctl_parse_addr(r, "hint", where + 5, &new_addr)) {
				return r->err;
			}
		} else {
			return vml_reply_err(r, -EINVAL, "unknown option '%s'", argv[i]);
		}
	}
	mm = vml_ctl_get_mm(r, argv[1]);
	if (!mm)
		return r->err;
	x = vml_mremap(mm, addr, old_len, new_len, flags, new_addr);
	vml_mm_put(mm);
	return reply_addr(r, "mremap", x);
}

/* brk <mm> <addr> */
static int cmd_brk(int argc, char **argv, struct vml_reply *r)
{
	unsigned long brk;
	struct vml_mm *mm;

	if (vml_ctl_parse_addr(r, "addr", argv[2], &brk))
		return r->err;
	mm = vml_ctl_get_mm(r, argv[1]);
	if (!mm)
		return r->err;
	if (mm->kernel) {
		vml_mm_put(mm);
		return vml_reply_err(r, -EPERM, "mm 0 is the kernel mm");
	}
	vml_reply_add(r, " brk=%#lx", vml_brk(mm, brk));
	vml_mm_put(mm);
	return 0;
}

static const struct {
	const char *name;
	int advice;
} advices[] = {
	{ "normal", MADV_NORMAL }, { "dontneed", MADV_DONTNEED },
	{ "willneed", MADV_WILLNEED }, { "cold", MADV_COLD },
	{ "pageout", MADV_PAGEOUT },
};

/* madvise <mm> <addr> <len> <advice> */
static int cmd_madvise(int argc, char **argv, struct vml_reply *r)
{
	unsigned long addr, len;
	struct vml_mm *mm;
	int i, ret;

	if (vml_ctl_parse_addr(r, "addr", argv[2], &addr) ||
	    vml_ctl_parse_len(r, argv[3], &len))
		return r->err;
	for (i = 0; i < ARRAY_SIZE(advices); i++)
		if (!strcmp(argv[4], advices[i].name))
			break;
	if (i == ARRAY_SIZE(advices))
		return vml_reply_err(r, -EINVAL, "unknown advice '%s'", argv[4]);
	mm = vml_ctl_get_mm(r, argv[1]);
	if (!mm)
		return r->err;
	ret = vml_madvise(mm, addr, len, advices[i].advice);
	vml_mm_put(mm);
	return reply_ret(r, "madvise", ret);
}

/* mm_setlimit <mm> <map_count|as|data|memlock|stack> <value|unlimited> */
static int cmd_setlimit(int argc, char **argv, struct vml_reply *r)
{
	static const struct {
		const char *name;
		size_t off;
	} names[] = {
		{ "map_count", offsetof(struct vml_mm_limits, max_map_count) },
		{ "as", offsetof(struct vml_mm_limits, as) },
		{ "data", offsetof(struct vml_mm_limits, data) },
		{ "memlock", offsetof(struct vml_mm_limits, memlock) },
		{ "stack", offsetof(struct vml_mm_limits, stack) },
	};
	unsigned long *field;
	struct vml_mm *mm;
	u64 v = ULONG_MAX;
	int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(argv[2], names[i].name))
			break;
	if (i == ARRAY_SIZE(names))
		return vml_reply_err(r, -EINVAL, "unknown limit '%s'", argv[2]);
	if (strcmp(argv[3], "unlimited") &&
	    vml_parse_arg_size(r, "value", argv[3], ULONG_MAX, &v))
		return r->err;
	mm = vml_ctl_get_mm(r, argv[1]);
	if (!mm)
		return r->err;
	field = (void *)&mm->limits + names[i].off;
	down_write(&mm->mmap_lock);
	WRITE_ONCE(*field, v);
	up_write(&mm->mmap_lock);
	vml_mm_put(mm);
	return 0;
}

/* vmalloc <size> */
static int cmd_vmalloc(int argc, char **argv, struct vml_reply *r)
{
	unsigned long addr;
	u64 size;

	if (vml_parse_arg_size(r, "size", argv[1], VML_VMALLOC_END - VML_VMALLOC_START,
			       &size))
		return r->err;
	if (!size)
		return vml_reply_err(r, -EINVAL, "size must not be 0");
	addr = vml_vmalloc(size);
	if (!addr)
		return vml_reply_err(r, -ENOMEM, "no room for %llu bytes", size);
	vml_reply_add(r, " addr=%#lx", addr);
	return 0;
}

/* vfree <addr> */
static int cmd_vfree(int argc, char **argv, struct vml_reply *r)
{
	unsigned long addr;

	if (vml_ctl_parse_addr(r, "addr", argv[1], &addr))
		return r->err;
	if (vml_vfree(addr))
		return vml_reply_err(r, -EINVAL, "%#lx is not a vmalloc area", addr);
	return 0;
}

static const struct vml_ctl_cmd vma_cmds[] = {
	{ "mmap", "<mm> <addr> <len> <prot> <flags> [file=<path>] [offset=N]", 5, 7, cmd_mmap },
	{ "munmap", "<mm> <addr> <len>", 3, 3, cmd_range },
	{ "mprotect", "<mm> <addr> <len> <prot>", 4, 4, cmd_mprotect },
	{ "mremap",
	  "<mm> <addr> <oldlen> <newlen> [maymove] [dontunmap] [fixed=<addr>|hint=<addr>]",
	  4, 7, cmd_mremap },
	{ "mlock", "<mm> <addr> <len>", 3, 3, cmd_range },
	{ "munlock", "<mm> <addr> <len>", 3, 3, cmd_range },
	{ "brk", "<mm> <addr>", 2, 2, cmd_brk },
	{ "madvise", "<mm> <addr> <len> <normal|dontneed|willneed|cold|pageout>", 4, 4,
	  cmd_madvise },
	{ "mm_setlimit", "<mm> <map_count|as|data|memlock|stack> <value|unlimited>", 3, 3,
	  cmd_setlimit },
	{ "vmalloc", "<size>", 1, 1, cmd_vmalloc },
	{ "vfree", "<addr>", 1, 1, cmd_vfree },
};

struct vml_ctl_group vml_vma_ctl_group = {
	.cmds = vma_cmds,
	.nr = ARRAY_SIZE(vma_cmds),
};
