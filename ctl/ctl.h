/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: The ctl command file
 *
 * ctl.h - the ctl command file and the helpers every debugfs file uses.
 *
 * /sys/kernel/debug/vmlab/ctl is a transaction file: open, write one
 * command line, read the reply on the same open file. A reply is "ok"
 * followed by " key=value" fields and optional data lines, or
 * "error <ERRNO> <message>"; on an error the write itself fails with that
 * errno as well. Subsystems register tables of commands; the dispatcher
 * splits the line into words and calls the handler. Handlers only parse,
 * call their subsystem's API and format: no VM logic lives here.
 */
#ifndef VMLAB_CTL_H
#define VMLAB_CTL_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>

struct dentry;

#define VML_CTL_MAX_ARGS	16
#define VML_REPLY_SIZE		(64 * 1024)

/**
 * struct vml_reply - a reply being built.
 * @buf: text of the reply.
 * @len: bytes used.
 * @err: negative errno once vml_reply_err() has been called.
 */
struct vml_reply {
	char *buf;
	size_t len;
	int err;
};

/**
 * vml_reply_add() - append formatted text to a reply.
 * @r: the reply.
 * @fmt: printf format.
 *
 * Text that does not fit is cut; the reply is then marked truncated.
 */
__printf(2, 3) void vml_reply_add(struct vml_reply *r, const char *fmt, ...);

/**
 * vml_reply_err() - make the reply an error.
 * @r: the reply; what it held so far is discarded.
 * @err: negative errno.
 * @fmt: the message, printf format.
 * Return: @err, so handlers can `return vml_reply_err(...)`.
 */
__printf(3, 4) int vml_reply_err(struct vml_reply *r, int err,
				 const char *fmt, ...);

/**
 * vml_reply_err_add() - append text to an error reply (more lines of a
 * multi-line error, as `check` prints); ignored unless @r is an error.
 * @r: the reply.
 * @fmt: printf format.
 */
__printf(2, 3) void vml_reply_err_add(struct vml_reply *r, const char *fmt, ...);

/**
 * struct vml_ctl_cmd - one ctl command.
 * @name: first word of the command line.
 * @usage: the arguments, as `help` shows them.
 * @min_args: least number of words after the name.
 * @max_args: most number of words after the name.
 * @fn: handler; argv[0] is the command name. Appends fields to @r (the
 *      dispatcher writes the leading "ok") and returns 0, or returns the
 *      result of vml_reply_err().
 * @flags: VML_CTL_* below, 0 for an ordinary command.
 */
struct vml_ctl_cmd {
	const char *name;
	const char *usage;
	int min_args, max_args;
	int (*fn)(int argc, char **argv, struct vml_reply *r);
	unsigned int flags;
};

/*
 * The command runs alone: the dispatcher waits (killably) until every
 * running command has finished and holds off new ones until it is done.
 * For the invariant checker, which must see no state change under it.
 */
#define VML_CTL_EXCLUSIVE	0x1u

/**
 * struct vml_ctl_group - a subsystem's table of commands.
 * @cmds: the commands.
 * @nr: how many.
 * @lock: NULL, or the mutex every command of the group runs under (the
 *	dispatcher takes it around the handler), for a group whose commands
 *	must not interleave: one lookup by name followed by a use, say.
 * @node: on the dispatcher's list; owned by ctl.
 */
struct vml_ctl_group {
	const struct vml_ctl_cmd *cmds;
	unsigned int nr;
	struct mutex *lock;	/* the group's commands run under it */
	struct list_head node;
};

/**
 * vml_ctl_register() - make a group of commands available.
 * @group: the group; must stay valid until unregistered.
 */
void vml_ctl_register(struct vml_ctl_group *group);

/**
 * vml_ctl_exclusive_begin() - wait until no ctl command runs and hold
 * new ones off, as for a VML_CTL_EXCLUSIVE command: for a debugfs file
 * that must see a still picture (the framemap snapshot).
 * Context: process context, sleeps; killable.
 * Return: 0, or -EINTR when a fatal signal came first (nothing held).
 */
int vml_ctl_exclusive_begin(void);

/** vml_ctl_exclusive_end() - let ctl commands run again. */
void vml_ctl_exclusive_end(void);

/**
 * vml_ctl_unregister() - remove a group; waits for running commands.
 * @group: a registered group.
 */
void vml_ctl_unregister(struct vml_ctl_group *group);

/**
 * vml_ctl_exec() - run one command line, as a write to ctl would.
 * @line: the command (modified in place).
 * @r: the reply, with a buffer of VML_REPLY_SIZE bytes.
 * Context: process context, may sleep; not from inside a command.
 * Return: 0 or the negative errno of the error reply (-EINTR when a
 * fatal signal came while an exclusive command waited for the others).
 */
int vml_ctl_exec(char *line, struct vml_reply *r);

int vml_ctl_init(struct dentry *root);
void vml_ctl_exit(void);

/* parse.c: the argument parsers every handler uses. */

/**
 * vml_parse_u64() - a number in decimal or 0x hex.
 * @s: the text.
 * @v: the value.
 * Return: 0 or -EINVAL.
 */
int vml_parse_u64(const char *s, u64 *v);

/**
 * vml_parse_size() - a number with an optional K, M or G suffix.
 * @s: the text.
 * @v: the value in bytes.
 * Return: 0, -EINVAL, or -ERANGE on overflow.
 */
int vml_parse_size(const char *s, u64 *v);

/**
 * vml_parse_arg_u64() - parse a number argument or make the error reply.
 * @r: the reply.
 * @what: the argument's name for the message.
 * @s: the text.
 * @max: largest accepted value.
 * @v: the value.
 * Return: 0 or -EINVAL/-ERANGE with the reply set.
 */
int vml_parse_arg_u64(struct vml_reply *r, const char *what, const char *s,
		      u64 max, u64 *v);

/**
 * vml_parse_arg_size() - as vml_parse_arg_u64() with K/M/G suffixes.
 * @r: the reply.
 * @what: the argument's name for the message.
 * @s: the text.
 * @max: largest accepted value.
 * @v: the value.
 * Return: 0 or -EINVAL/-ERANGE with the reply set.
 */
int vml_parse_arg_size(struct vml_reply *r, const char *what, const char *s,
		       u64 max, u64 *v);

/**
 * struct vml_flag_name - one word of a comma-separated flag list.
 * @name: the word.
 * @flag: the bits it stands for.
 */
struct vml_flag_name {
	const char *name;
	unsigned long flag;
};

/**
 * vml_parse_flag_list() - parse "a,b,c" into the OR of the words' bits,
 * or make the error reply.
 * @r: the reply.
 * @what: what a word is, for the message ("flag", "map flag").
 * @s: the list; cut up in place.
 * @names: the known words.
 * @n: how many.
 * @flags: out: the bits.
 * Return: 0, or -EINVAL with the reply naming the unknown word.
 */
int vml_parse_flag_list(struct vml_reply *r, const char *what, char *s,
			const struct vml_flag_name *names, unsigned int n,
			unsigned long *flags);

/**
 * vml_errname() - "EINVAL" for -EINVAL.
 * @err: negative errno.
 * Return: the name, or "E?" for one not in the table.
 */
const char *vml_errname(int err);

#endif /* VMLAB_CTL_H */
