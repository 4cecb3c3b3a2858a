// SPDX-License-Identifier: GPL-2.0
/* parse.c - argument parsing shared by every ctl command. */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include "ctl/ctl.h"

int vml_parse_u64(const char *s, u64 *v)
{
	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	/* Base 0 would take a leading 0 as octal, which nobody means here. */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return kstrtou64(s + 2, 16, v) ? -EINVAL : 0;
	return kstrtou64(s, 10, v) ? -EINVAL : 0;
}

int vml_parse_size(const char *s, u64 *v)
{
	static const char suffixes[] = "KMG";
	char num[24];
	const char *p;
	size_t len;
	int shift = 0;

	len = s ? strlen(s) : 0;
	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len + 1);
	/* K/M/G are not hex digits, so a suffix is never part of the number. */
	p = strchr(suffixes, num[len - 1] & ~0x20);
	if (p && len > 1) {
		shift = 10 * (p - suffixes + 1);
		num[len - 1] = '\0';
	}
	if (vml_parse_u64(num, v))
		return -EINVAL;
	if (shift && *v > (U64_MAX >> shift))
		return -ERANGE;
	*v <<= shift;
	return 0;
}

static int arg_check(struct vml_reply *r, const char *what, const char *s,
		     int ret, u64 max, u64 v)
{
	if (ret == -ERANGE || (!ret && v > max))
		return vml_reply_err(r, -ERANGE, "%s '%s' out of range (max %llu)",
				     what, s, max);
	if (ret)
		return vml_reply_err(r, -EINVAL, "bad %s '%s'", what, s);
	return 0;
}

int vml_parse_arg_u64(struct vml_reply *r, const char *what, const char *s,
		      u64 max, u64 *v)
{
	int ret = vml_parse_u64(s, v);

	return arg_check(r, what, s, ret, max, *v);
}

int vml_parse_arg_size(struct vml_reply *r, const char *what, const char *s,
		       u64 max, u64 *v)
{
	int ret = vml_parse_size(s, v);

	return arg_check(r, what, s, ret, max, *v);
}

int vml_parse_flag_list(struct vml_reply *r, const char *what, char *s,
			const struct vml_flag_name *names, unsigned int n,
			unsigned long *flags)
{
	unsigned int i;
	char *w;

	*flags = 0;
	while ((w = strsep(&s, ",")) != NULL) {
		for (i = 0; i < n; i++)
			if (!strcmp(w, names[i].name))
				break;
		if (i == n)
			return vml_reply_err(r, -EINVAL, "unknown %s '%s'", what, w);
		*flags |= names[i].flag;
	}
	return 0;
}

static const char * const errnames[] = {
	[EPERM] = "EPERM",
	[ENOENT] = "ENOENT",
	[ESRCH] = "ESRCH",
	[EINTR] = "EINTR",
	[EIO] = "EIO",
	[ENXIO] = "ENXIO",
	[E2BIG] = "E2BIG",
	[ENOEXEC] = "ENOEXEC",
	[EBADF] = "EBADF",
	[EAGAIN] = "EAGAIN",
	[ENOMEM] = "ENOMEM",
	[EACCES] = "EACCES",
	[EFAULT] = "EFAULT",
	[EBUSY] = "EBUSY",
	[EEXIST] = "EEXIST",
	[EXDEV] = "EXDEV",
	[ENODEV] = "ENODEV",
	[ENOTDIR] = "ENOTDIR",
	[EISDIR] = "EISDIR",
	[EINVAL] = "EINVAL",
	[ENFILE] = "ENFILE",
	[EMFILE] = "EMFILE",
	[EFBIG] = "EFBIG",
	[ENOSPC] = "ENOSPC",
	[ESPIPE] = "ESPIPE",
	[EROFS] = "EROFS",
	[EMLINK] = "EMLINK",
	[ERANGE] = "ERANGE",
	[EDEADLK] = "EDEADLK",
	[ENAMETOOLONG] = "ENAMETOOLONG",
	[ENOTEMPTY] = "ENOTEMPTY",
	[ELOOP] = "ELOOP",
	[ENODATA] = "ENODATA",
	[EOVERFLOW] = "EOVERFLOW",
	[EUCLEAN] = "EUCLEAN",
	[EOPNOTSUPP] = "EOPNOTSUPP",
	[ETIMEDOUT] = "ETIMEDOUT",
};

const char *vml_errname(int err)
{
	err = -err;
	if (err > 0 && err < ARRAY_SIZE(errnames) && errnames[err])
		return errnames[err];
	return "E?";
}
