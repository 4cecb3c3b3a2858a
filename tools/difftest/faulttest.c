// SPDX-License-Identifier: GPL-2.0
/*
 * faulttest - the fault layer's differential test: one script of mmap,
 * fork, read, write, msync and file checks run against the real kernel
 * (this process and a forked child) or against vmlab (a sandbox mm and
 * its `fork` child through /sys/kernel/debug/vmlab/ctl). It prints one
 * line per step: the bytes read, "ok", or how the access failed
 * (SEGV_MAPERR, SEGV_ACCERR, SIGBUS). The two transcripts must match:
 * same values, same faults, same sharing after fork.
 *
 *   faulttest kernel FILE    the host kernel (FILE: a scratch file path)
 *   faulttest vmlab FILE     vmlab
 *
 * Script words: "P" is the parent, "C" the child; offsets are into a
 * 64 MiB window (vmlab: at 0x100000000; kernel: a free range found at
 * start). The child in kernel mode runs the same interpreter on commands
 * sent through a pipe, so steps of both processes interleave exactly as
 * written. Nothing allocates while the script runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "dtlib.h"

#define WINDOW		(64ul << 20)
#define VMLAB_BASE	0x100000000ul
#define CTL		"/sys/kernel/debug/vmlab/ctl"
#define LINE		512

static const char script[] =
	"P mmap 0x100000 64K rw private,anon\n"
	"P read 0x100000 4\n"		/* zero page */
	"P write 0x100000 11223344\n"
	"P write 0x101000 55667788\n"
	"P mmap 0x200000 16K rw shared,anon\n"
	"P write 0x200000 a1a2a3a4\n"
	"P mmap 0x300000 8K r private,anon\n"
	"P mmap 0x302000 4K none private,anon\n"
	"P mmap 0x400000 12K rw private file\n"
	"P mmap 0x500000 8K rw shared file\n"
	"P read 0x400000 4\n"
	"fork\n"
	"C read 0x100000 4\n"		/* inherited */
	"C write 0x100000 deadbeef\n"	/* COW in the child */
	"P read 0x100000 4\n"		/* parent keeps its value */
	"C read 0x100000 4\n"
	"P write 0x101000 cafef00d\n"	/* COW in the parent */
	"C read 0x101000 4\n"
	"C read 0x100800 4\n"
	"C write 0x200000 b1b2b3b4\n"	/* shared stays shared */
	"P read 0x200000 4\n"
	"P write 0x203000 c1c2c3c4\n"	/* untouched before fork */
	"C read 0x203000 4\n"
	"C write 0x400000 46464646\n"	/* private file: never to the file */
	"P read 0x400000 4\n"
	"C write 0x500000 47474747\n"	/* shared file */
	"P read 0x500000 4\n"
	"C msync 0x500000 8K\n"
	"file 0 4\n"
	"C write 0x500004 48484848\n"	/* msync syncs the file range: */
	"P msync 0x500000 8K\n"		/* the child's write goes too */
	"file 4 4\n"
	"P read 0x300000 1\n"
	"P write 0x300000 00\n"		/* SEGV_ACCERR */
	"P read 0x302000 1\n"		/* SEGV_ACCERR */
	"P read 0x380000 1\n"		/* SEGV_MAPERR */
	"C read 0x402000 1\n"		/* past EOF: SIGBUS */
	"P read 0x401000 8\n"		/* the tail of the file */
	"C read 0x5ff000 1\n"		/* SEGV_MAPERR in the child */
	"exit\n"
	"P read 0x100000 4\n"
	"P mmap 0x600000 8K rw shared,anon\n"	/* a shmem object of 8K */
	"P mremap 0x600000 8K 16K\n"
	"P write 0x601000 bb\n"
	"P write 0x603000 aa\n"		/* past the object: SIGBUS */
	"P mmap 0x700000 8K r shared file\n"	/* split, fault, merge */
	"P mprotect 0x701000 4K rw\n"
	"P read 0x700000 1\n"
	"P mprotect 0x700000 4K rw\n"
	"P write 0x700000 aabbccdd\n"
	"P msync 0x700000 8K\n"
	"file 0 4\n"
	"P mmap 0x710000 4K rw shared file\n"	/* two mappings of a page */
	"P mmap 0x720000 4K rw shared file\n"
	"P write 0x710010 11111111\n"
	"P msync 0x720000 4K\n"
	"file 16 4\n"
	"P mprotect 0x720000 4K none\n"
	"P write 0x710020 22222222\n"
	"P msync 0x720000 4K\n"
	"file 32 4\n";

static int vmlab;
static unsigned long base;
static int mm_id[2];
static const char *path;
static int filefd = -1;
static int to_child[2], from_child[2];
static char out[64 * 1024];
static size_t outlen;

static void emit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	outlen += vsnprintf(out + outlen, sizeof(out) - outlen, fmt, ap);
	va_end(ap);
}

/* ---- vmlab backend ---- */

static int ctl(const char *cmd, char *reply, size_t len)
{
	int fd = open(CTL, O_RDWR);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, cmd, strlen(cmd));	/* a refused command still replies */
	n = read(fd, reply, len - 1);
	close(fd);
	reply[n > 0 ? n : 0] = 0;
	if (n > 0 && reply[n - 1] == '\n')
		reply[n - 1] = 0;
	return 0;
}

static const char *field(const char *reply, const char *key, char *buf, size_t len)
{
	const char *p = strstr(reply, key);
	size_t i = 0;

	buf[0] = 0;
	if (!p)
		return buf;
	p += strlen(key);
	while (p[i] && p[i] != ' ' && i < len - 1) {
		buf[i] = p[i];
		i++;
	}
	buf[i] = 0;
	return buf;
}

/* A vmlab reply as a transcript result. */
static void vmlab_result(const char *reply, int is_read)
{
	char v[LINE];

	if (!strncmp(reply, "ok", 2)) {
		if (is_read)
			emit("%s\n", field(reply, "data=", v, sizeof(v)));
		else
			emit("ok\n");
	} else if (strstr(reply, "code=maperr")) {
		emit("SEGV_MAPERR\n");
	} else if (strstr(reply, "code=accerr")) {
		emit("SEGV_ACCERR\n");
	} else if (strstr(reply, "sigbus")) {
		emit("SIGBUS\n");
	} else {
		emit("error %s\n", reply);
	}
}

static void vmlab_step(int who, char *op, char **a)
{
	char cmd[LINE], reply[LINE * 4];
	unsigned long addr = base + strtoul(a[0], NULL, 0);

	if (!strcmp(op, "mmap"))
		snprintf(cmd, sizeof(cmd), "mmap %d %#lx %s %s %s,fixed%s%s", mm_id[who],
			 addr, a[1], a[2], a[3], a[4] ? " file=" : ",anon",
			 a[4] ? path : "");
	else
		snprintf(cmd, sizeof(cmd), "%s %d %#lx %s %s", op, mm_id[who], addr, a[1],
			 a[2] ? a[2] : "");
	ctl(cmd, reply, sizeof(reply));
	vmlab_result(reply, !strcmp(op, "read"));
}

/* ---- kernel backend ---- */

static sigjmp_buf jb;
static int sigcode;	/* set by the handler just before siglongjmp() */

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	sigcode = sig == SIGBUS ? -1 : si->si_code;
	siglongjmp(jb, 1);
}

/* One access in this process, the result as a transcript line in @res. */
static void kernel_access(unsigned char *p, const char *arg, int is_read,
			  char *res, size_t len)
{
	size_t i, n = is_read ? strtoul(arg, NULL, 0) : strlen(arg) / 2;
	unsigned char buf[64];

	if (n > sizeof(buf))
		n = sizeof(buf);
	if (sigsetjmp(jb, 1)) {
		snprintf(res, len, "%s\n", sigcode == -1 ? "SIGBUS" :
			 sigcode == SEGV_MAPERR ? "SEGV_MAPERR" : "SEGV_ACCERR");
		return;
	}
	/* The copy touches the mapping, and may fault, right here. */
	if (is_read) {
		memcpy(buf, p, n);
	} else {
		for (i = 0; i < n; i++)
			buf[i] = hexval(arg[2 * i]) << 4 | hexval(arg[2 * i + 1]);
		memcpy(p, buf, n);
	}
	if (!is_read) {
		snprintf(res, len, "ok\n");
		return;
	}
	for (i = 0; i < n; i++)
		snprintf(res + 2 * i, len - 2 * i, "%02x", buf[i]);
	snprintf(res + 2 * n, len - 2 * n, "\n");
}

static void kernel_do(char *op, char **a, char *res, size_t len)
{
	unsigned char *p = (unsigned char *)(base + strtoul(a[0], NULL, 0));
	int flags = MAP_FIXED;
	void *r;

	if (!strcmp(op, "mmap")) {
		flags |= strstr(a[3], "shared") ? MAP_SHARED : MAP_PRIVATE;
		if (!a[4])
			flags |= MAP_ANONYMOUS;
		r = mmap(p, num(a[1]), prot_bits(a[2]), flags, a[4] ? filefd : -1, 0);
		snprintf(res, len, "%s\n", r == MAP_FAILED ? strerror(errno) : "ok");
	} else if (!strcmp(op, "read") || !strcmp(op, "write")) {
		kernel_access(p, a[1], !strcmp(op, "read"), res, len);
	} else if (!strcmp(op, "mprotect")) {
		snprintf(res, len, "%s\n", mprotect(p, num(a[1]), prot_bits(a[2])) ?
			 "error" : "ok");
	} else if (!strcmp(op, "mremap")) {
		r = mremap(p, num(a[1]), num(a[2]), 0);
		snprintf(res, len, "%s\n", r == MAP_FAILED ? "error" : "ok");
	} else {
		snprintf(res, len, "%s\n", msync(p, num(a[1]), MS_SYNC) ? "error" : "ok");
	}
}

/* Split "op a0 a1 a2 a3" in place; missing words are NULL. */
static char *split(char *line, char **a)
{
	char *sp, *op = strtok_r(line, " ", &sp);
	int i;

	for (i = 0; i < 6; i++)
		a[i] = strtok_r(NULL, " ", &sp);
	return op;
}

/* The child: run commands from the pipe until "exit". */
static void child_loop(void)
{
	char cmd[LINE], res[LINE], *op, *a[6];
	ssize_t n;

	for (;;) {
		n = read(to_child[0], cmd, sizeof(cmd) - 1);
		if (n <= 0)
			_exit(0);
		cmd[n] = 0;
		if (!strcmp(cmd, "exit"))
			_exit(0);
		op = split(cmd, a);
		kernel_do(op, a, res, sizeof(res));
		if (write(from_child[1], res, strlen(res)) < 0)
			_exit(1);
	}
}

static void kernel_step(int who, char *line)
{
	char res[LINE], copy[LINE], *op, *a[6];
	ssize_t n;

	if (who) {
		if (write(to_child[1], line, strlen(line)) < 0)
			return;
		n = read(from_child[0], res, sizeof(res) - 1);
		res[n > 0 ? n : 0] = 0;
		emit("%s", res);
		return;
	}
	snprintf(copy, sizeof(copy), "%s", line);
	op = split(copy, a);
	kernel_do(op, a, res, sizeof(res));
	emit("%s", res);
}

/* ---- both ---- */

static void do_fork(void)
{
	char reply[LINE], v[32];
	pid_t pid;

	if (vmlab) {
		snprintf(reply, sizeof(reply), "fork %d", mm_id[0]);
		ctl(reply, reply, sizeof(reply));
		mm_id[1] = atoi(field(reply, "mm=", v, sizeof(v)));
		emit("%s\n", mm_id[1] > 0 ? "ok" : reply);
		return;
	}
	if (pipe(to_child) || pipe(from_child))
		exit(1);
	pid = fork();
	if (pid == 0)
		child_loop();
	emit("%s\n", pid > 0 ? "ok" : "fork failed");
}

static void do_exit(void)
{
	char reply[LINE];

	if (vmlab) {
		snprintf(reply, sizeof(reply), "mm_destroy %d", mm_id[1]);
		ctl(reply, reply, sizeof(reply));
	} else {
		if (write(to_child[1], "exit", 4) < 0)
			return;
		wait(NULL);
	}
	emit("ok\n");
}

/* The backing file's bytes as a hex string (both modes read the file). */
static void do_file(unsigned long off, unsigned long n)
{
	unsigned char buf[64];
	ssize_t got = pread(filefd, buf, n > sizeof(buf) ? sizeof(buf) : n, off);
	ssize_t i;

	for (i = 0; i < got; i++)
		emit("%02x", buf[i]);
	emit("\n");
}

static void run(void)
{
	char line[LINE], copy[LINE], *l, *next, *who, *a[6];

	for (l = (char *)script; *l; l = next) {
		next = strchr(l, '\n') + 1;
		snprintf(line, sizeof(line), "%.*s", (int)(next - l - 1), l);
		emit("%s -> ", line);
		snprintf(copy, sizeof(copy), "%s", line);
		who = split(copy, a);
		if (!strcmp(who, "fork"))
			do_fork();
		else if (!strcmp(who, "exit"))
			do_exit();
		else if (!strcmp(who, "file"))
			do_file(strtoul(a[0], NULL, 0), strtoul(a[1], NULL, 0));
		else if (vmlab)
			vmlab_step(*who == 'C', a[0], a + 1);
		else
			kernel_step(*who == 'C', line + 2);
	}
}

int main(int argc, char **argv)
{
	static const char data[] = "faulttest file: one page and a bit";
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | SA_NODEFER };
	char reply[LINE], v[32];
	unsigned long i;
	void *w;

	if (argc != 3 || (strcmp(argv[1], "kernel") && strcmp(argv[1], "vmlab"))) {
		fprintf(stderr, "usage: faulttest kernel|vmlab FILE\n");
		return 2;
	}
	vmlab = !strcmp(argv[1], "vmlab");
	path = argv[2];
	/* A file of one page and 34 bytes: page 1 is the EOF page, 2 is past it. */
	filefd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (filefd < 0)
		return 1;
	for (i = 0; i < 4096; i++)
		if (write(filefd, "f", 1) != 1)
			return 1;
	if (write(filefd, data, sizeof(data) - 1) != sizeof(data) - 1)
		return 1;
	if (vmlab) {
		base = VMLAB_BASE;
		ctl("mm_create", reply, sizeof(reply));
		mm_id[0] = atoi(field(reply, "mm=", v, sizeof(v)));
		if (mm_id[0] <= 0)
			return 1;
	} else {
		w = mmap(NULL, WINDOW, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (w == MAP_FAILED)
			return 1;
		munmap(w, WINDOW);
		base = (unsigned long)w;
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
	}
	run();
	if (vmlab) {
		snprintf(reply, sizeof(reply), "mm_destroy %d", mm_id[0]);
		ctl(reply, reply, sizeof(reply));
	}
	if (write(1, out, outlen) != (ssize_t)outlen)
		return 1;
	close(filefd);
	return 0;
}
