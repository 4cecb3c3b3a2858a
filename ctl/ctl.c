// SPDX-License-Identifier: GPL-2.0
/*
 * ctl.c - the ctl transaction file and the command dispatcher.
 *
 * Like libfs's simple_transaction, but with a 64 KiB reply so that data
 * replies (page dumps, reads) fit: an open file carries one transaction at
 * a time, a write runs the command, reads return its reply. Once the reply
 * has been read to its end, a write at offset 0 (pwrite(), as seq_file
 * restarts at 0) starts the next transaction on the same file: a fuzzer or
 * a monitor pays two system calls a command instead of four, and a second
 * write() (at the offset the reads left) is refused as before. Commands run
 * concurrently (the registry is read-locked); each subsystem's API does
 * its own locking, and a group whose commands must not interleave names
 * the mutex they run under (&struct vml_ctl_group.lock). A
 * VML_CTL_EXCLUSIVE command (check) takes the registry lock for writing
 * instead, so it runs with no other command under way.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include "ctl/ctl.h"

#define VML_CTL_MAX_LINE	4096
#define VMLAB_VERSION		"0.1.0"

static LIST_HEAD(ctl_groups);
static DECLARE_RWSEM(ctl_rwsem);

static __printf(2, 0) void reply_vadd(struct vml_reply *r, const char *fmt, va_list ap)
{
	size_t room = VML_REPLY_SIZE - r->len;
	int n;

	if (room <= 1)
		return;
	n = vsnprintf(r->buf + r->len, room, fmt, ap);
	r->len += min_t(size_t, n, room - 1);
}

void vml_reply_add(struct vml_reply *r, const char *fmt, ...)
{
	va_list ap;

	if (r->err)
		return;
	va_start(ap, fmt);
	reply_vadd(r, fmt, ap);
	va_end(ap);
}

void vml_reply_err_add(struct vml_reply *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->err)
		return;
	va_start(ap, fmt);
	reply_vadd(r, fmt, ap);
	va_end(ap);
}

int vml_reply_err(struct vml_reply *r, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	r->len = 0;
	r->err = 0;
	vml_reply_add(r, "error %s ", vml_errname(err));
	va_start(ap, fmt);
	n = vsnprintf(r->buf + r->len, VML_REPLY_SIZE - r->len, fmt, ap);
	va_end(ap);
	r->len += min_t(size_t, n, VML_REPLY_SIZE - r->len - 1);
	r->err = err;
	return err;
}

void vml_ctl_register(struct vml_ctl_group *group)
{
	down_write(&ctl_rwsem);
	list_add_tail(&group->node, &ctl_groups);
	up_write(&ctl_rwsem);
}

void vml_ctl_unregister(struct vml_ctl_group *group)
{
	down_write(&ctl_rwsem);
	list_del(&group->node);
	up_write(&ctl_rwsem);
}

int vml_ctl_exclusive_begin(void)
{
	return down_write_killable(&ctl_rwsem);
}

void vml_ctl_exclusive_end(void)
{
	up_write(&ctl_rwsem);
}

static const struct vml_ctl_cmd *find_cmd(const char *name,
					  struct vml_ctl_group **group)
{
	struct vml_ctl_group *g;
	unsigned int i;

	list_for_each_entry(g, &ctl_groups, node)
		for (i = 0; i < g->nr; i++)
			if (!strcmp(g->cmds[i].name, name)) {
				*group = g;
				return &g->cmds[i];
			}
	return NULL;
}

/* Run a handler under the lock its group declares. */
static int run_cmd(const struct vml_ctl_group *g, const struct vml_ctl_cmd *cmd,
		   int argc, char **argv, struct vml_reply *r)
{
	int ret;

	if (g->lock)
		mutex_lock(g->lock);
	ret = cmd->fn(argc, argv, r);
	if (g->lock)
		mutex_unlock(g->lock);
	return ret;
}

static int split_words(char *line, char **argv)
{
	int argc = 0;
	char *w;

	while ((w = strsep(&line, " \t\n")) != NULL) {
		if (!*w)
			continue;
		if (argc == VML_CTL_MAX_ARGS)
			return -E2BIG;
		argv[argc++] = w;
	}
	return argc;
}

int vml_ctl_exec(char *line, struct vml_reply *r)
{
	char *argv[VML_CTL_MAX_ARGS];
	const struct vml_ctl_cmd *cmd;
	struct vml_ctl_group *g;
	bool exclusive = false;
	int argc, ret;

	r->len = 0;
	r->err = 0;
	argc = split_words(line, argv);
	if (argc == -E2BIG)
		return vml_reply_err(r, -E2BIG, "more than %d words",
				     VML_CTL_MAX_ARGS);
	if (!argc)
		return vml_reply_err(r, -EINVAL, "empty command");
	down_read(&ctl_rwsem);
	cmd = find_cmd(argv[0], &g);
	if (cmd && (cmd->flags & VML_CTL_EXCLUSIVE)) {
		up_read(&ctl_rwsem);
		if (down_write_killable(&ctl_rwsem))
			return vml_reply_err(r, -EINTR, "interrupted waiting for other commands");
		exclusive = true;
		cmd = find_cmd(argv[0], &g);	/* the registry may have changed */
	}
	if (!cmd) {
		ret = vml_reply_err(r, -EINVAL, "unknown command '%s' (try help)",
				    argv[0]);
	} else if (argc - 1 < cmd->min_args || argc - 1 > cmd->max_args) {
		ret = vml_reply_err(r, -EINVAL, "usage: %s %s", cmd->name,
				    cmd->usage);
	} else {
		vml_reply_add(r, "ok");
		ret = run_cmd(g, cmd, argc, argv, r);
		if (ret && !r->err)
			vml_reply_err(r, ret, "%s failed", cmd->name);
		if (ret > 0)
			ret = 0;
	}
	if (exclusive)
		up_write(&ctl_rwsem);
	else
		up_read(&ctl_rwsem);
	return r->err ?: ret;
}

/* ---- the transaction file ---- */

struct ctl_txn {
	struct mutex lock;	/* one write per open file at a time */
	bool done;		/* a command ran: its reply is in @reply */
	bool drained;		/* and it has been read to its end */
	struct vml_reply reply;	/* its buffer lives as long as the file */
};

static int ctl_open(struct inode *inode, struct file *file)
{
	struct ctl_txn *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	mutex_init(&t->lock);
	file->private_data = t;
	/*
	 * Not nonseekable_open(): pread() and pwrite() give the offset the
	 * next-transaction rule needs. lseek() is still refused (no .llseek).
	 */
	return 0;
}

static ssize_t ctl_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	struct ctl_txn *t = file->private_data;
	char *line = NULL;
	int ret;

	mutex_lock(&t->lock);
	/*
	 * One command per transaction, like simple_transaction: a second
	 * write is refused, and the reply kept, unless that reply was read
	 * to its end and this write starts again at offset 0. A new
	 * transaction replaces the old reply, even when its line is refused.
	 */
	ret = -EBUSY;
	if (t->done && (*ppos || !t->drained))
		goto out;
	t->done = false;
	t->drained = false;
	ret = -ENOMEM;
	if (!t->reply.buf)
		t->reply.buf = kvmalloc(VML_REPLY_SIZE, GFP_KERNEL);
	if (!t->reply.buf)
		goto out;
	/* A line refused unread still gets a reply that says why. */
	if (len >= VML_CTL_MAX_LINE) {
		ret = vml_reply_err(&t->reply, -EFBIG,
				    "line of %zu bytes: ctl takes at most %d",
				    len, VML_CTL_MAX_LINE - 1);
	} else {
		line = memdup_user_nul(ubuf, len);
		if (IS_ERR(line)) {
			ret = vml_reply_err(&t->reply, PTR_ERR(line),
					    "cannot read the line");
			line = NULL;
		} else {
			ret = vml_ctl_exec(line, &t->reply);
		}
	}
	vml_reply_add(&t->reply, "\n");
	/* vml_reply_add() ignores an error reply; end it with a newline too. */
	if (t->reply.err && t->reply.len < VML_REPLY_SIZE - 1) {
		t->reply.buf[t->reply.len++] = '\n';
		t->reply.buf[t->reply.len] = '\0';
	}
	t->done = true;
out:
	mutex_unlock(&t->lock);
	kfree(line);
	return ret ?: len;
}

static ssize_t ctl_read(struct file *file, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	struct ctl_txn *t = file->private_data;
	ssize_t ret = 0;

	mutex_lock(&t->lock);
	if (t->done) {
		ret = simple_read_from_buffer(ubuf, len, ppos, t->reply.buf,
					      t->reply.len);
		if (ret >= 0 && *ppos >= t->reply.len)
			t->drained = true;
	}
	mutex_unlock(&t->lock);
	return ret;
}

static int ctl_release(struct inode *inode, struct file *file)
{
	struct ctl_txn *t = file->private_data;

	kvfree(t->reply.buf);
	kfree(t);
	return 0;
}

static const struct file_operations ctl_fops = {
	.owner = THIS_MODULE,
	.open = ctl_open,
	.write = ctl_write,
	.read = ctl_read,
	.release = ctl_release,
};

/* ---- help and version ---- */

static int cmd_help(int argc, char **argv, struct vml_reply *r)
{
	struct vml_ctl_group *g;
	unsigned int i, n = 0;

	list_for_each_entry(g, &ctl_groups, node)
		n += g->nr;
	vml_reply_add(r, " commands=%u", n);
	list_for_each_entry(g, &ctl_groups, node)
		for (i = 0; i < g->nr; i++)
			vml_reply_add(r, "\n%s %s", g->cmds[i].name,
				      g->cmds[i].usage);
	return 0;
}

static int cmd_version(int argc, char **argv, struct vml_reply *r)
{
	vml_reply_add(r, " version=%s kernel=%s paging=%d-level pti=%s",
		      VMLAB_VERSION, utsname()->release,
		      pgtable_l5_enabled() ? 5 : 4,
		      boot_cpu_has(X86_FEATURE_PTI) ? "on" : "off");
	return 0;
}

static const struct vml_ctl_cmd ctl_cmds[] = {
	{ "help", "", 0, 0, cmd_help },
	{ "version", "", 0, 0, cmd_version },
};

static struct vml_ctl_group ctl_group = {
	.cmds = ctl_cmds,
	.nr = ARRAY_SIZE(ctl_cmds),
};

int vml_ctl_init(struct dentry *root)
{
	vml_ctl_register(&ctl_group);
	debugfs_create_file("ctl", 0600, root, NULL, &ctl_fops);
	return 0;
}

void vml_ctl_exit(void)
{
	vml_ctl_unregister(&ctl_group);
}
