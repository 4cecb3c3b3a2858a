// SPDX-License-Identifier: GPL-2.0
/*
 * The hand-off with tools/bench-helper, the user-space process that does
 * the host side of the rows a module cannot do itself: a real fork() and
 * COW faults (bench_fork.c), and the guest kernel's own swap-out, swap-in
 * and disk swap-in fault (bench_swap.c, bench_swapdisk.c). The guest's
 * init starts the helper in the background before insmod; it opens
 * <debugfs>/vmlab_bench/helper and serves the one-line requests posted
 * there, answering each with a negative errno, or 0 or a value the
 * request defines (a time in ns). The runner times most requests from the
 * module, so such a host figure also holds the hand-off's two wake-ups (a
 * few thousand instructions). Without the helper (not running, or not
 * connected within two seconds) its rows report -ENOTCONN. The file
 * takes one opener (-EBUSY for a second) and only an answer (a number,
 * not below -MAX_ERRNO) to a request read (-EINVAL otherwise); the
 * helper checks both before serving.
 */
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include "bench.h"

#define FC_REQ_LEN	VML_BENCH_REQ_LEN
#define FC_CONNECT_WAIT	(2 * HZ)
#define FC_REPLY_WAIT	(300 * HZ)

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

static bool fc_flag(bool *flag)
{
	bool v;

	spin_lock(&fc.lock);
	v = *flag;
	spin_unlock(&fc.lock);
	return v;
}

/**
 * vml_bench_helper_request() - post a request to the user-space helper
 * and wait for its answer.
 * @req: the request line (at most FC_REQ_LEN - 1 characters).
 *
 * Context: process context, sleeps.
 * Return: the helper's answer (-errno, or 0 or the request's value),
 * -ENOTCONN without a helper,
 * -ETIMEDOUT when it did not answer within five minutes.
 */
int vml_bench_helper_request(const char *req)
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
 * The helper's answer to the request it read: a negative errno, or 0 or
 * a value the request defines (a time in ns). Anything else, or an
 * answer with no request read, is -EINVAL.
 */
static ssize_t fc_write(struct file *file, const char __user *buf, size_t len, loff_t *ppos)
{
	int ret, result;

	ret = kstrtoint_from_user(buf, len, 10, &result);
	if (ret)
		return ret;
	if (result < -MAX_ERRNO)
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
 * vml_bench_helper_start() - create the helper's debugfs file.
 *
 * Called by the runner before the first row, so the helper (polling for
 * the file since before insmod) is connected and blocked long before the
 * rows that use it, and its polling does not fall into other rows'
 * batches.
 */
void vml_bench_helper_start(void)
{
	fc.dir = debugfs_create_dir("vmlab_bench", NULL);
	debugfs_create_file("helper", 0600, fc.dir, NULL, &fc_fops);
}

/**
 * vml_bench_helper_stop() - tell the helper to quit and remove its file.
 *
 * The quit flag wakes a blocked read first: debugfs_remove() waits for
 * operations in progress.
 */
void vml_bench_helper_stop(void)
{
	spin_lock(&fc.lock);
	fc.quitting = true;
	spin_unlock(&fc.lock);
	wake_up(&fc.req_wq);
	debugfs_remove(fc.dir);
	fc.dir = NULL;
}

/**
 * vml_bench_helper_batch() - post "<verb> <n>", one timed batch of a
 * row's host side, and fail the row (vml_bench_fail()) if it did not work.
 * @verb: the request, e.g. "run".
 * @n: the batch's operations.
 *
 * Context: process context, sleeps.
 */
void vml_bench_helper_batch(const char *verb, unsigned int n)
{
	char req[FC_REQ_LEN];
	int ret;

	snprintf(req, sizeof(req), "%s %u", verb, n);
	ret = vml_bench_helper_request(req);
	if (ret)
		vml_bench_fail(ret);
}

/**
 * vml_bench_helper_connect() - wait up to two seconds for the helper.
 *
 * Return: 0 once it has the file open, -ENOTCONN if it never opened it.
 */
int vml_bench_helper_connect(void)
{
	wait_event_timeout(fc.reply_wq, fc_flag(&fc.connected), FC_CONNECT_WAIT);
	return fc_flag(&fc.connected) ? 0 : -ENOTCONN;
}
