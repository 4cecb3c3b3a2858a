// SPDX-License-Identifier: GPL-2.0
/*
 * The fork + COW curve: fork an mm with 1, 2, 4 ... 64 MiB written, then
 * write every page in the child (each write a COW fault), then end the
 * child; one op = that whole sequence.
 *
 * vmlab side: vml_fork() of a parent whose region was written once in
 * setup, vml_access_touch() of every page of the child through the CR3
 * window, vml_mm_destroy() of the child.
 * Host side: a real process, because a module cannot fork one. The bench
 * init starts tools/bench-forkcow in the background before insmod; it
 * opens the debugfs file <debugfs>/vmlab_bench/forkcow and serves the
 * requests this file posts there ("setup <MiB>", "run <n>", "teardown",
 * "quit"): setup maps and writes the region, each run is fork(), the child
 * writing one byte per page, _exit(0), waitpid(). The runner times the
 * request from here, so the host figure also holds creating and reaping a
 * process and the wake-ups of the hand-off (a few thousand instructions),
 * which vmlab does not pay: the per-page slope is the comparable figure.
 * Without the helper (it is not running, or failed to connect within
 * two seconds) the rows report -ENOTCONN. The file takes one opener
 * (-EBUSY for a second) and only an answer ("0" or -errno) to a request
 * read (-EINVAL otherwise); the helper checks both before serving.
 *
 * Module parameter fork_mb=<n>: the largest size measured (default 64; the
 * make check gate uses 2 to stay within its guest-time budget).
 */
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include "access/access.h"
#include "fault/fault.h"
#include "bench.h"

#define FC_BASE		0x10000000ul
#define FC_REQ_LEN	32
#define FC_CONNECT_WAIT	(2 * HZ)
#define FC_REPLY_WAIT	(300 * HZ)

static unsigned int fork_mb = 64;
module_param(fork_mb, uint, 0444);
MODULE_PARM_DESC(fork_mb, "Largest fork+COW size in MiB (default 64)");

/* The hand-off with the user-space helper. */
static struct {
	spinlock_t lock;	/* guards every field */
	wait_queue_head_t req_wq, reply_wq;
	char req[FC_REQ_LEN];
	bool connected, pending, inflight, replied, quitting;
	int result;
	struct dentry *dir;
} fc = {
	.lock = __SPIN_LOCK_UNLOCKED(fc.lock),
	.req_wq = __WAIT_QUEUE_HEAD_INITIALIZER(fc.req_wq),
	.reply_wq = __WAIT_QUEUE_HEAD_INITIALIZER(fc.reply_wq),
};

static struct vml_mm *parent;
static unsigned long region_len;

static bool fc_flag(bool *flag)
{
	bool v;

	spin_lock(&fc.lock);
	v = *flag;
	spin_unlock(&fc.lock);
	return v;
}

/* Post @req to the helper and wait for its answer: 0 or -errno. */
static int fc_request(const char *req)
{
	int ret;

	spin_lock(&fc.lock);
	if (!fc.connected) {
		spin_unlock(&fc.lock);
		return -ENOTCONN;
	}
	strscpy(fc.req, req, sizeof(fc.req));
	fc.pending = true;
	fc.replied = false;
	spin_unlock(&fc.lock);
	wake_up(&fc.req_wq);
	if (!wait_event_timeout(fc.reply_wq, fc_flag(&fc.replied) || !fc_flag(&fc.connected),
				FC_REPLY_WAIT))
		return -ETIMEDOUT;
	spin_lock(&fc.lock);
	ret = fc.replied ? fc.result : -ENOTCONN;
	spin_unlock(&fc.lock);
	return ret;
}

static int fc_open(struct inode *inode, struct file *file)
{
	int ret = 0;

	spin_lock(&fc.lock);
	if (fc.connected)
		ret = -EBUSY;
	else
		fc.connected = true;
	spin_unlock(&fc.lock);
	return ret;
}

static int fc_release(struct inode *inode, struct file *file)
{
	spin_lock(&fc.lock);
	fc.connected = false;
	fc.pending = false;
	fc.inflight = false;
	spin_unlock(&fc.lock);
	wake_up(&fc.reply_wq);
	return 0;
}

/* The helper's read blocks until a request is posted (or the bench ends). */
static ssize_t fc_read(struct file *file, char __user *buf, size_t len, loff_t *ppos)
{
	char req[FC_REQ_LEN];
	size_t n;
	int ret;

	ret = wait_event_interruptible(fc.req_wq, fc_flag(&fc.pending) || fc_flag(&fc.quitting));
	if (ret)
		return ret;
	spin_lock(&fc.lock);
	strscpy(req, fc.pending ? fc.req : "quit", sizeof(req));
	fc.inflight = fc.pending;
	fc.pending = false;
	spin_unlock(&fc.lock);
	n = strlen(req);
	if (len < n)
		return -EINVAL;
	return copy_to_user(buf, req, n) ? -EFAULT : n;
}

/*
 * The helper's answer to the request it read: "0" or a negative errno.
 * Anything else, or an answer with no request read, is -EINVAL.
 */
static ssize_t fc_write(struct file *file, const char __user *buf, size_t len, loff_t *ppos)
{
	int ret, result;

	ret = kstrtoint_from_user(buf, len, 10, &result);
	if (ret)
		return ret;
	if (result > 0 || result < -MAX_ERRNO)
		return -EINVAL;
	spin_lock(&fc.lock);
	if (!fc.inflight) {
		spin_unlock(&fc.lock);
		return -EINVAL;
	}
	fc.inflight = false;
	fc.result = result;
	fc.replied = true;
	spin_unlock(&fc.lock);
	wake_up(&fc.reply_wq);
	return len;
}

static const struct file_operations fc_fops = {
	.owner = THIS_MODULE,
	.open = fc_open,
	.release = fc_release,
	.read = fc_read,
	.write = fc_write,
};

/**
 * vml_bench_fork_start() - create the helper's debugfs file.
 *
 * Called by the runner before the first row, so the helper (polling for
 * the file since before insmod) is connected and blocked long before the
 * fork rows, and its polling does not fall into other rows' batches.
 */
void vml_bench_fork_start(void)
{
	fc.dir = debugfs_create_dir("vmlab_bench", NULL);
	debugfs_create_file("forkcow", 0600, fc.dir, NULL, &fc_fops);
}

/**
 * vml_bench_fork_stop() - tell the helper to quit and remove its file.
 *
 * The quit flag wakes a blocked read first: debugfs_remove() waits for
 * operations in progress.
 */
void vml_bench_fork_stop(void)
{
	spin_lock(&fc.lock);
	fc.quitting = true;
	spin_unlock(&fc.lock);
	wake_up(&fc.req_wq);
	debugfs_remove(fc.dir);
	fc.dir = NULL;
}

static int fc_wait_connected(void)
{
	wait_event_timeout(fc.reply_wq, fc_flag(&fc.connected), FC_CONNECT_WAIT);
	return fc_flag(&fc.connected) ? 0 : -ENOTCONN;
}

static void touch(struct vml_mm *mm, unsigned long len)
{
	struct vml_access_result res;

	vml_access_touch(mm, FC_BASE, len, true, PAGE_SIZE, &res);
}

static void fork_teardown(void)
{
	if (parent)
		vml_mm_destroy(parent);
	parent = NULL;
	fc_request("teardown");
}

static int fork_setup(unsigned int mb)
{
	char req[FC_REQ_LEN];
	unsigned long a;
	int ret;

	if (mb > fork_mb)
		return VML_BENCH_SKIP;
	ret = fc_wait_connected();
	if (ret)
		return ret;
	snprintf(req, sizeof(req), "setup %u", mb);
	ret = fc_request(req);
	if (ret)
		return ret;
	region_len = (unsigned long)mb << 20;
	parent = vml_mm_create();
	if (IS_ERR(parent)) {
		ret = PTR_ERR(parent);
		parent = NULL;
		goto fail;
	}
	a = vml_mmap(parent, FC_BASE, region_len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	if (IS_ERR_VALUE(a)) {
		ret = (int)a;
		goto fail;
	}
	touch(parent, region_len);
	return 0;
fail:
	fork_teardown();
	return ret;
}

static void fork_vmlab(unsigned int iters)
{
	struct vml_mm *child;

	while (iters--) {
		child = vml_fork(parent);
		if (IS_ERR(child))
			return;
		vml_mm_publish(child);
		vml_mm_put(child);	/* fork's own; the id keeps it */
		touch(child, region_len);
		vml_mm_destroy(child);
	}
}

static void fork_host(unsigned int iters)
{
	char req[FC_REQ_LEN];

	snprintf(req, sizeof(req), "run %u", iters);
	fc_request(req);
}

#define FORK_ROW(mib)							\
static int fork_setup_##mib(void)					\
{									\
	return fork_setup(mib);						\
}									\
const struct vml_bench vml_bench_fork_##mib = {				\
	.name = "fork+COW " #mib " MiB written, child writes all",	\
	.setup = fork_setup_##mib,					\
	.vmlab = fork_vmlab,						\
	.host = fork_host,						\
	.teardown = fork_teardown,					\
	.iters = 1,							\
}

FORK_ROW(1);
FORK_ROW(2);
FORK_ROW(4);
FORK_ROW(8);
FORK_ROW(16);
FORK_ROW(32);
FORK_ROW(64);
