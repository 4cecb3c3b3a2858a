// SPDX-License-Identifier: GPL-2.0
/*
 * vmlabctl - the command-line client of vmlab's debugfs interface.
 *
 *   vmlabctl [-t|-r|-j] <ctl command> [args...]   one ctl command
 *   vmlabctl [-t|-r|-j] show [file]               a debugfs file, parsed
 *   vmlabctl top [-b] [-n N] [-d SECONDS]         zones, free pages, slabs,
 *                                                 mms and fault rates
 *   vmlabctl <command> --help                     the command's syntax
 *
 * A ctl command's words are joined by single spaces and written with one
 * write(); the reply is read back from the same open file (the kernel side
 * is a transaction file, Documentation/debugfs.rst). Sizes may be written
 * 64K, 2M, 1G (also 64k, 64KiB): they are passed on as 64K, which ctl
 * parses.
 *
 * Output: -t a table (the default on a terminal), -r the reply exactly as
 * ctl gives it (the default when stdout is not a terminal, so scripts see
 * what they always saw), -j JSON; VMLABCTL_FORMAT=table|raw|json sets the
 * default. JSON of a reply: {"status": "ok"|"error", "errno", "message",
 * "fields": {key: value}, "data": [line objects or strings]}; of a file:
 * see show_json(). Decimal numbers are JSON numbers, anything else a
 * string.
 *
 * Exit status: 0 reply starts with "ok", 1 error reply or failed write,
 * 2 usage error. VMLAB_DEBUGFS overrides /sys/kernel/debug/vmlab,
 * VMLAB_CTL the control file.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <stdarg.h>
#include <curses.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define DEFAULT_DIR	"/sys/kernel/debug/vmlab"
#define REPLY_MAX	(1024 * 1024)
#define MAX_TOK		256

enum format { FMT_TABLE, FMT_RAW, FMT_JSON };

static enum format fmt;
static char dbgdir[512];

static const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "EUNKNOWN";
}

/* ---- talking to ctl ---------------------------------------------------- */

/* Read the whole reply; returns its length or -errno. */
static ssize_t read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (len)
				break;
			return -errno;
		}
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	return len;
}

/*
 * Send @cmd; the reply (always ending in a newline) is put in @reply.
 * Returns 0 for an "ok" reply, 1 otherwise; an error of our own (cannot
 * open, empty reply) is made into an error reply.
 */
static int transact(const char *cmd, char *reply)
{
	const char *path = getenv("VMLAB_CTL");
	char def[600];
	int write_err = 0, fd;
	ssize_t n, len;

	if (!path || !*path) {
		snprintf(def, sizeof(def), "%s/ctl", dbgdir);
		path = def;
	}
	fd = open(path, O_RDWR);
	if (fd < 0) {
		int err = errno;

		snprintf(reply, REPLY_MAX, "error %s cannot open %s: %s\n",
			 errno_name(err), path, strerror(err));
		return 1;
	}
	do {
		n = write(fd, cmd, strlen(cmd));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		write_err = errno;
	else if ((size_t)n != strlen(cmd))
		write_err = EIO;
	len = read_all(fd, reply, REPLY_MAX - 1);
	close(fd);

	if (len > 0) {
		if (reply[len - 1] != '\n')
			strcpy(reply + len, "\n");
		return !write_err && !strncmp(reply, "ok", 2) &&
		       (reply[2] == ' ' || reply[2] == '\n') ? 0 : 1;
	}
	if (write_err)
		snprintf(reply, REPLY_MAX, "error %s %s\n", errno_name(write_err),
			 strerror(write_err));
	else if (len < 0)
		snprintf(reply, REPLY_MAX, "error %s reading reply: %s\n",
			 errno_name(-len), strerror(-len));
	else
		snprintf(reply, REPLY_MAX, "error ENODATA empty reply\n");
	return 1;
}

/* ---- small string helpers ---------------------------------------------- */

/* Split @s in place at blanks; returns the number of tokens. */
static int split(char *s, char **tok, int max)
{
	int n = 0;

	while (n < max) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		tok[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
	return n;
}

/* The next line of *@p (NUL-terminated in place), or NULL at the end. */
static char *next_line(char **p)
{
	char *s = *p, *nl;

	if (!s || !*s)
		return NULL;
	nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = s + strlen(s);
	}
	return s;
}

static int is_decimal(const char *s)
{
	if (*s == '-')
		s++;
	if (!isdigit((unsigned char)*s))
		return 0;
	if (*s == '0' && s[1])
		return 0;
	while (isdigit((unsigned char)*s))
		s++;
	return !*s;
}

static int is_kv(const char *tok)
{
	const char *eq = strchr(tok, '=');

	return eq && eq != tok;
}

/* ---- JSON output ------------------------------------------------------- */

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* A value: a JSON number when decimal, else a string. */
static void json_val(const char *s)
{
	if (is_decimal(s) && strlen(s) < 19)
		fputs(s, stdout);
	else
		json_str(s);
}

static void json_kv(int *first, const char *key, const char *val)
{
	printf("%s", *first ? "" : ", ");
	*first = 0;
	json_str(key);
	fputs(": ", stdout);
	json_val(val);
}

/* Always a string (hex fields of maps lines). */
static void json_kv_str(int *first, const char *key, const char *val)
{
	printf("%s", *first ? "" : ", ");
	*first = 0;
	json_str(key);
	fputs(": ", stdout);
	json_str(val);
}

/* A line of key=value tokens as an object, else the line as a string. */
static void json_line(const char *line)
{
	char copy[4096], *tok[MAX_TOK];
	int n, i, first = 1;

	snprintf(copy, sizeof(copy), "%s", line);
	n = split(copy, tok, MAX_TOK);
	for (i = n > 1 && !is_kv(tok[0]); i < n; i++)
		if (!is_kv(tok[i]))
			break;
	if (n == 0 || i < n) {
		json_str(line);
		return;
	}
	putchar('{');
	i = 0;
	if (!is_kv(tok[0]))
		json_kv(&first, "type", tok[i++]);
	for (; i < n; i++) {
		char *eq = strchr(tok[i], '=');

		*eq = '\0';
		json_kv(&first, tok[i], eq + 1);
	}
	putchar('}');
}

/* ---- tables ------------------------------------------------------------ */

/* Print rows of cells aligned in columns; numbers right-aligned. */
#define TBL_ROWS	4096
#define TBL_COLS	32
struct table {
	int rows, cols;
	char *cell[TBL_ROWS][TBL_COLS];
};

static void tbl_add(struct table *t, char **cells, int n)
{
	int i;

	if (t->rows >= TBL_ROWS)
		return;
	if (n > TBL_COLS)
		n = TBL_COLS;
	for (i = 0; i < n; i++)
		t->cell[t->rows][i] = strdup(cells[i]);
	for (; i < TBL_COLS; i++)
		t->cell[t->rows][i] = NULL;
	if (n > t->cols)
		t->cols = n;
	t->rows++;
}

static void tbl_print(struct table *t, int header)
{
	int w[TBL_COLS] = { 0 }, r, c, num[TBL_COLS];

	for (c = 0; c < t->cols; c++) {
		num[c] = 1;
		for (r = 0; r < t->rows; r++) {
			const char *s = t->cell[r][c];

			if (!s)
				continue;
			if ((int)strlen(s) > w[c])
				w[c] = strlen(s);
			if (r >= header && !is_decimal(s))
				num[c] = 0;
		}
	}
	for (r = 0; r < t->rows; r++) {
		for (c = 0; c < t->cols; c++) {
			const char *s = t->cell[r][c] ? t->cell[r][c] : "";
			int last = c == t->cols - 1 || !t->cell[r][c + 1];

			if (num[c] && c > 0)
				printf("%*s", w[c], s);
			else if (last)
				printf("%s", s);
			else
				printf("%-*s", w[c], s);
			if (last)
				break;
			fputs("  ", stdout);
		}
		putchar('\n');
		for (c = 0; c < t->cols; c++)
			free(t->cell[r][c]);
	}
	t->rows = 0;
	t->cols = 0;
}

static struct table tbl;

/* ---- ctl replies ------------------------------------------------------- */

/* help's lines are "name usage...": split them into two cells. */
static void help_cells(char *line, char **cells)
{
	char *sp = strchr(line, ' ');

	cells[0] = line;
	cells[1] = "";
	if (sp) {
		*sp = '\0';
		cells[1] = sp + 1;
	}
}

static void print_reply_json(char *reply, int is_help)
{
	char *p = reply, *line = next_line(&p), *tok[MAX_TOK];
	int n, i, first = 1;

	n = split(line, tok, MAX_TOK);
	if (n && !strcmp(tok[0], "ok")) {
		fputs("{\"status\": \"ok\", \"fields\": {", stdout);
		for (i = 1; i < n; i++) {
			char *eq = strchr(tok[i], '=');

			if (eq && eq != tok[i]) {
				*eq = '\0';
				json_kv(&first, tok[i], eq + 1);
			} else {
				json_kv(&first, tok[i], "");
			}
		}
		putchar('}');
	} else {
		char msg[4096];
		size_t off = 0;

		msg[0] = '\0';
		for (i = 2; i < n && off < sizeof(msg); i++)
			off += snprintf(msg + off, sizeof(msg) - off, "%s%s",
					i > 2 ? " " : "", tok[i]);
		fputs("{\"status\": \"error\", \"errno\": ", stdout);
		json_str(n > 1 ? tok[1] : "EUNKNOWN");
		fputs(", \"message\": ", stdout);
		json_str(msg);
	}
	fputs(", \"data\": [", stdout);
	first = 1;
	while ((line = next_line(&p))) {
		printf("%s", first ? "" : ", ");
		first = 0;
		if (is_help) {
			char *cells[2];

			help_cells(line, cells);
			fputs("{\"command\": ", stdout);
			json_str(cells[0]);
			fputs(", \"usage\": ", stdout);
			json_str(cells[1]);
			putchar('}');
		} else {
			json_line(line);
		}
	}
	fputs("]}\n", stdout);
}

/* Data lines: a table when they are all key=value with the same keys. */
static void print_data_table(char *data)
{
	char copy[4096], *tok[MAX_TOK], *keys[MAX_TOK], *cells[MAX_TOK];
	char first_line[4096], *p = data, *line;
	int nk = -1, n, i, same = 1, any = 0;

	/* First pass: the same key=value tokens on every line? */
	while ((line = next_line(&p))) {
		snprintf(copy, sizeof(copy), "%s", line);
		n = split(copy, tok, MAX_TOK);
		if (nk < 0) {
			snprintf(first_line, sizeof(first_line), "%s", line);
			nk = n;
		}
		if (n != nk || n == 0)
			same = 0;
		for (i = 0; i < n && same; i++)
			if (!is_kv(tok[i]))
				same = 0;
		line[strlen(line)] = '\n';	/* undo next_line() */
		any = 1;
	}
	if (!any)
		return;
	if (!same) {
		fputs(data, stdout);
		return;
	}
	n = split(first_line, keys, MAX_TOK);
	for (i = 0; i < n; i++) {
		*strchr(keys[i], '=') = '\0';
		cells[i] = keys[i];
	}
	tbl_add(&tbl, cells, n);
	p = data;
	while ((line = next_line(&p))) {
		n = split(line, tok, MAX_TOK);
		for (i = 0; i < n; i++)
			cells[i] = strchr(tok[i], '=') + 1;
		tbl_add(&tbl, cells, n);
	}
	tbl_print(&tbl, 1);
}

static void print_reply_table(char *reply, int is_help)
{
	char *p = reply, *line = next_line(&p), *tok[MAX_TOK], *cells[2];
	int n, i;

	if (strncmp(line, "ok", 2)) {
		/* Errors as ctl words them. */
		printf("%s\n%s", line, p);
		return;
	}
	n = split(line, tok, MAX_TOK);
	for (i = 1; i < n; i++) {
		char *eq = strchr(tok[i], '=');

		cells[0] = tok[i];
		cells[1] = "";
		if (eq && eq != tok[i]) {
			*eq = '\0';
			cells[1] = eq + 1;
		}
		tbl_add(&tbl, cells, 2);
	}
	if (n == 1 && !*p)
		puts("ok");
	tbl_print(&tbl, 0);
	if (!*p)
		return;
	if (is_help) {
		cells[0] = "COMMAND";
		cells[1] = "ARGUMENTS";
		tbl_add(&tbl, cells, 2);
		while ((line = next_line(&p))) {
			help_cells(line, cells);
			tbl_add(&tbl, cells, 2);
		}
		tbl_print(&tbl, 1);
		return;
	}
	if (n > 1)
		putchar('\n');
	print_data_table(p);
}

/* ---- per-command --help ------------------------------------------------ */

static int command_help(const char *cmd)
{
	static char reply[REPLY_MAX];
	char *p = reply, *line;
	size_t l = strlen(cmd);

	if (transact("help", reply)) {
		fputs(reply, stdout);
		return 1;
	}
	next_line(&p);
	while ((line = next_line(&p))) {
		if (!strncmp(line, cmd, l) && (line[l] == ' ' || !line[l])) {
			printf("usage: vmlabctl [-t|-r|-j] %s\n", line);
			printf("Sends \"%s\" to %s/ctl. Syntax, reply fields and errors:\n"
			       "Documentation/debugfs.rst, \"ctl commands\".\n", line, dbgdir);
			return 0;
		}
	}
	fprintf(stderr, "vmlabctl: no command '%s' (vmlabctl help lists them)\n", cmd);
	return 2;
}

/* ---- sizes ------------------------------------------------------------- */

/* 64k, 64KiB, 64KB -> 64K (ctl takes K, M and G). */
static void norm_size(char *arg)
{
	char *s = arg;

	while (isdigit((unsigned char)*s))
		s++;
	if (s == arg || !*s || !strchr("kKmMgG", *s))
		return;
	if (s[1] && strcasecmp(s + 1, "iB") && strcasecmp(s + 1, "B"))
		return;
	*s = toupper((unsigned char)*s);
	s[1] = '\0';
}

static int run_ctl(int argc, char **argv)
{
	static char reply[REPLY_MAX];
	char *cmd;
	size_t len = 0, off = 0;
	int i, rc, is_help;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return command_help(argv[0]);
		len += strlen(argv[i]) + 1;
	}
	cmd = malloc(len + 1);
	if (!cmd) {
		printf("error ENOMEM out of memory\n");
		return 1;
	}
	for (i = 0; i < argc; i++) {
		if (i)
			norm_size(argv[i]);
		off += sprintf(cmd + off, "%s%s", i ? " " : "", argv[i]);
	}
	rc = transact(cmd, reply);
	is_help = !strcmp(argv[0], "help") && argc == 1;
	if (fmt == FMT_RAW)
		fputs(reply, stdout);
	else if (fmt == FMT_JSON)
		print_reply_json(reply, is_help);
	else
		print_reply_table(reply, is_help);
	free(cmd);
	return rc;
}

/* ---- debugfs files ----------------------------------------------------- */

static char *read_file(const char *name)
{
	char path[1024];
	char *buf = malloc(REPLY_MAX);
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dbgdir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	n = read_all(fd, buf, REPLY_MAX);
	close(fd);
	if (n < 0) {
		free(buf);
		errno = -n;
		return NULL;
	}
	return buf;
}

/*
 * How a file's lines become JSON:
 *   KV      "name value [value...]" lines -> {name: value or [values]}
 *           ("Name:  value kB" too: the colon and the unit are dropped)
 *   COLUMNS a header line names the columns -> {"rows": [{col: value}]}
 *   ZONES   "Node N, zone NAME" starts an object; the lines after it are
 *           KV lines of that zone (buddyinfo: the counts per order)
 *   MAPS    /proc/PID/maps lines -> {"rows": [{start, end, perms, ...}]}
 *   SMAPS   a maps line starts each VMA's object, KV lines fill it
 * A KV key that repeats ("zone DMA ...", "zone Normal ...") is made of its
 * first two words; zoneinfo's per-CPU lines become cpuN_count etc.
 *   LINES   anything else -> {"lines": [strings]}
 */
enum kind { K_KV, K_COLUMNS, K_ZONES, K_BUDDY, K_MAPS, K_SMAPS, K_LINES };

static const struct {
	const char *name;	/* path under the debugfs dir; '*' = any mm */
	enum kind kind;
} files[] = {
	{ "arena", K_KV },
	{ "buddyinfo", K_BUDDY },
	{ "zoneinfo", K_ZONES },
	{ "vmstat", K_KV },
	{ "extfrag/unusable_index", K_BUDDY },
	{ "extfrag/extfrag_index", K_BUDDY },
	{ "slabinfo", K_COLUMNS },
	{ "mmu", K_KV },
	{ "pagecache", K_KV },
	{ "vmallocinfo", K_LINES },
	{ "lru", K_KV },
	{ "swaps", K_COLUMNS },
	{ "mm/*/maps", K_MAPS },
	{ "mm/*/smaps", K_SMAPS },
	{ "mm/*/status", K_KV },
	{ "mm/*/pagetable", K_LINES },
	{ "slab/*/info", K_KV },
	{ "slab/*/slabs", K_LINES },
};

static enum kind file_kind(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		const char *pat = files[i].name, *star = strchr(pat, '*');

		if (!star) {
			if (!strcmp(pat, name))
				return files[i].kind;
			continue;
		}
		if (!strncmp(name, pat, star - pat)) {
			const char *rest = strchr(name + (star - pat), '/');

			if (rest && !strcmp(rest, star + 1))
				return files[i].kind;
		}
	}
	return K_LINES;
}

/* "Name:" -> "Name"; a trailing "kB" token dropped. */
static int kv_tokens(char *line, char **tok)
{
	int n = split(line, tok, MAX_TOK);
	size_t l = n ? strlen(tok[0]) : 0;

	if (l > 1 && tok[0][l - 1] == ':')
		tok[0][l - 1] = '\0';
	if (n > 2 && !strcmp(tok[n - 1], "kB"))
		n--;
	return n;
}

static void json_kv_line(int *first, char **tok, int n)
{
	int i;

	printf("%s", *first ? "" : ", ");
	*first = 0;
	json_str(tok[0]);
	fputs(": ", stdout);
	if (n == 1) {
		fputs("null", stdout);
	} else if (n == 2) {
		json_val(tok[1]);
	} else {
		putchar('[');
		for (i = 1; i < n; i++) {
			printf("%s", i > 1 ? ", " : "");
			json_val(tok[i]);
		}
		putchar(']');
	}
}

/* "Node 0, zone   Normal": fills node and zone; 1 if the line is one. */
static int zone_header(const char *line, int *node, char *zone)
{
	return sscanf(line, "Node %d, zone %63s", node, zone) == 2;
}

/* Column names from a header line ("# name <active_objs> ... : tunables"). */
static int header_cols(char *hdr, char **cols)
{
	char *tok[MAX_TOK];
	int n = split(hdr, tok, MAX_TOK), i, ncol = 0;

	for (i = 0; i < n; i++) {
		char *t = tok[i];

		if (!strcmp(t, "#") || !strcmp(t, ":") ||
		    !strcmp(t, "tunables") || !strcmp(t, "slabdata"))
			continue;
		if (*t == '#')
			t++;
		if (*t == '<')
			t++;
		if (*t && t[strlen(t) - 1] == '>')
			t[strlen(t) - 1] = '\0';
		cols[ncol++] = t;
	}
	return ncol;
}

/* The fields of a maps line split into @tok, @dash ending its start. */
static void maps_fields(char **tok, int n, char *dash)
{
	int f = 1;

	*dash = '\0';
	json_kv_str(&f, "start", tok[0]);
	json_kv_str(&f, "end", dash + 1);
	json_kv(&f, "perms", tok[1]);
	json_kv_str(&f, "offset", tok[2]);
	json_kv(&f, "dev", tok[3]);
	json_kv(&f, "inode", tok[4]);
	json_kv(&f, "path", n > 5 ? tok[5] : "");
}

/* Does @key start more than one line of @text? */
static int key_repeats(const char *text, const char *key)
{
	size_t l = strlen(key);
	const char *p = text;
	int seen = 0;

	while (p && *p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, key, l) && (p[l] == ' ' || p[l] == '\t' || p[l] == ':'))
			seen++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return seen > 1;
}

static void show_json(const char *name, char *text)
{
	char *text_copy = strdup(text);
	char *p = text, *line, *tok[MAX_TOK], *cols[MAX_TOK];
	int first = 1, n, ncol = 0, i, node, in_zone = 0, cpu = -1;
	enum kind kind = file_kind(name);
	char zone[64], hdr[4096] = "";

	printf("{\"file\": ");
	json_str(name);
	switch (kind) {
	case K_KV:
		fputs(", \"values\": {", stdout);
		while ((line = next_line(&p))) {
			char key[256];

			n = kv_tokens(line, tok);
			if (!n)
				continue;
			if (n > 2 && key_repeats(text_copy, tok[0])) {
				snprintf(key, sizeof(key), "%s %s", tok[0], tok[1]);
				tok[1] = key;
				json_kv_line(&first, tok + 1, n - 1);
				continue;
			}
			json_kv_line(&first, tok, n);
		}
		fputs("}}\n", stdout);
		free(text_copy);
		return;
	case K_BUDDY:
	case K_ZONES:
		fputs(", \"zones\": [", stdout);
		while ((line = next_line(&p))) {
			if (zone_header(line, &node, zone)) {
				cpu = -1;
				printf("%s{\"node\": %d, \"zone\": ", in_zone ? "}, " : "", node);
				json_str(zone);
				in_zone = 1;
				first = 0;
				if (kind == K_BUDDY) {
					/* The counts follow the zone name. */
					char *z = strstr(line, zone) + strlen(zone);

					n = split(z, tok, MAX_TOK);
					fputs(", \"orders\": [", stdout);
					for (i = 0; i < n; i++) {
						printf("%s", i ? ", " : "");
						json_val(tok[i]);
					}
					putchar(']');
				}
				continue;
			}
			n = in_zone ? kv_tokens(line, tok) : 0;
			if (!n)
				continue;
			if (n == 1 && !strcmp(tok[0], "pagesets"))
				continue;
			if (n == 2 && !strcmp(tok[0], "cpu")) {
				cpu = atoi(tok[1]);
				continue;
			}
			if (cpu >= 0 && n == 2 &&
			    (!strcmp(tok[0], "count") || !strcmp(tok[0], "high") ||
			     !strcmp(tok[0], "batch"))) {
				char key[64];

				snprintf(key, sizeof(key), "cpu%d_%s", cpu, tok[0]);
				tok[0] = key;
				json_kv_line(&first, tok, n);
				continue;
			}
			cpu = -1;
			/* "pages free 5" -> "pages_free": 5 */
			if (n == 3 && !strcmp(tok[0], "pages")) {
				char key[128];

				snprintf(key, sizeof(key), "pages_%s", tok[1]);
				tok[1] = key;
				json_kv_line(&first, tok + 1, 2);
				continue;
			}
			json_kv_line(&first, tok, n);
		}
		fputs(in_zone ? "}]}\n" : "]}\n", stdout);
		free(text_copy);
		return;
	case K_COLUMNS:
		fputs(", \"rows\": [", stdout);
		while ((line = next_line(&p))) {
			if (!strncmp(line, "slabinfo - version", 18))
				continue;
			if (!ncol) {
				snprintf(hdr, sizeof(hdr), "%s", line);
				ncol = header_cols(hdr, cols);
				continue;
			}
			n = split(line, tok, MAX_TOK);
			printf("%s{", first ? "" : ", ");
			first = 0;
			{
				int f = 1, c = 0;

				for (i = 0; i < n && c < ncol; i++) {
					if (!strcmp(tok[i], ":") || !strcmp(tok[i], "tunables") ||
					    !strcmp(tok[i], "slabdata"))
						continue;
					json_kv(&f, cols[c++], tok[i]);
				}
			}
			putchar('}');
		}
		fputs("]}\n", stdout);
		free(text_copy);
		return;
	case K_MAPS:
		fputs(", \"rows\": [", stdout);
		while ((line = next_line(&p))) {
			char *dash;

			n = split(line, tok, 6);
			dash = n >= 5 ? strchr(tok[0], '-') : NULL;
			if (!dash)
				continue;
			printf("%s{", first ? "" : ", ");
			first = 0;
			maps_fields(tok, n, dash);
			putchar('}');
		}
		fputs("]}\n", stdout);
		free(text_copy);
		return;
	case K_SMAPS:
		fputs(", \"vmas\": [", stdout);
		while ((line = next_line(&p))) {
			char copy[4096], *dash;

			snprintf(copy, sizeof(copy), "%s", line);
			n = split(copy, tok, 6);
			dash = n >= 5 ? strchr(tok[0], '-') : NULL;
			if (dash && strlen(tok[1]) == 4 && strchr("ps", tok[1][3])) {
				printf("%s{", in_zone ? "}, " : "");
				in_zone = 1;
				maps_fields(tok, n, dash);
				first = 0;
				continue;
			}
			n = in_zone ? kv_tokens(line, tok) : 0;
			if (n)
				json_kv_line(&first, tok, n);
		}
		fputs(in_zone ? "}]}\n" : "]}\n", stdout);
		free(text_copy);
		return;
	case K_LINES:
		fputs(", \"lines\": [", stdout);
		while ((line = next_line(&p))) {
			printf("%s", first ? "" : ", ");
			first = 0;
			json_line(line);
		}
		fputs("]}\n", stdout);
		free(text_copy);
		return;
	}
}

/*
 * A table: KV files as key and value, zone files (buddyinfo, extfrag) with
 * a header of orders, column files with their header's names; the others
 * as the kernel wrote them.
 */
static void show_table(const char *name, char *text)
{
	enum kind kind = file_kind(name);
	char *p = text, *line, *tok[MAX_TOK], *cells[MAX_TOK], hdr[4096];
	int n, i, c, ncol = 0, node, hdr_done = 0;
	char zone[64], nodestr[16], val[4096];

	if (kind == K_LINES || kind == K_ZONES || kind == K_MAPS || kind == K_SMAPS) {
		fputs(text, stdout);
		return;
	}
	while ((line = next_line(&p))) {
		if (!strncmp(line, "slabinfo - version", 18))
			continue;
		if (kind == K_KV) {
			n = split(line, tok, MAX_TOK);
			if (!n)
				continue;
			val[0] = '\0';
			for (i = 1, c = 0; i < n; i++)
				c += snprintf(val + c, sizeof(val) - c, "%s%s", i > 1 ? " " : "",
					      tok[i]);
			cells[0] = tok[0];
			cells[1] = val;
			tbl_add(&tbl, cells, 2);
			continue;
		}
		if (kind == K_BUDDY) {
			char *z;

			if (!zone_header(line, &node, zone))
				continue;
			z = strstr(line, zone) + strlen(zone);
			n = split(z, tok, MAX_TOK - 2);
			if (!hdr_done) {
				static char orders[MAX_TOK][8];

				cells[0] = "node";
				cells[1] = "zone";
				for (i = 0; i < n; i++) {
					snprintf(orders[i], sizeof(orders[i]), "%d", i);
					cells[i + 2] = orders[i];
				}
				tbl_add(&tbl, cells, n + 2);
				hdr_done = 1;
			}
			snprintf(nodestr, sizeof(nodestr), "%d", node);
			cells[0] = nodestr;
			cells[1] = zone;
			for (i = 0; i < n; i++)
				cells[i + 2] = tok[i];
			tbl_add(&tbl, cells, n + 2);
			continue;
		}
		/* K_COLUMNS */
		if (!ncol) {
			snprintf(hdr, sizeof(hdr), "%s", line);
			ncol = header_cols(hdr, cells);
			tbl_add(&tbl, cells, ncol);
			continue;
		}
		n = split(line, tok, MAX_TOK);
		for (i = 0, c = 0; i < n && c < MAX_TOK; i++) {
			if (!strcmp(tok[i], ":") || !strcmp(tok[i], "tunables") ||
			    !strcmp(tok[i], "slabdata"))
				continue;
			cells[c++] = tok[i];
		}
		tbl_add(&tbl, cells, c);
	}
	tbl_print(&tbl, kind == K_KV ? 0 : 1);
}

/* Every file under the debugfs directory, one a line. */
static void list_files(const char *dir, const char *prefix)
{
	char path[2048], sub[1024];
	struct dirent **ents;
	struct stat st;
	int n, i;

	snprintf(path, sizeof(path), "%s/%s", dbgdir, dir);
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0)
		return;
	for (i = 0; i < n; i++) {
		const char *e = ents[i]->d_name;

		if (*e == '.' || !strcmp(e, "ctl")) {
			free(ents[i]);
			continue;
		}
		snprintf(sub, sizeof(sub), "%s%s", prefix, e);
		snprintf(path, sizeof(path), "%s/%s", dbgdir, sub);
		if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
			char pfx[1100];

			snprintf(pfx, sizeof(pfx), "%s/", sub);
			list_files(sub, pfx);
		} else {
			printf("%s\n", sub);
		}
		free(ents[i]);
	}
	free(ents);
}

static int run_show(int argc, char **argv)
{
	char *text;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc >= 2) {
			printf("usage: vmlabctl [-t|-r|-j] show <file>\n"
			       "Shows a file of %s (vmlabctl show lists them):\n"
			       "-t aligned columns, -r as the kernel wrote it, -j parsed into JSON.\n",
			       dbgdir);
			return 0;
		}
		list_files("", "");
		return 0;
	}
	if (strstr(argv[1], "..") || argv[1][0] == '/') {
		fprintf(stderr, "vmlabctl: show: '%s': a path under %s, please\n",
			argv[1], dbgdir);
		return 2;
	}
	text = read_file(argv[1]);
	if (!text) {
		int err = errno;

		printf("error %s cannot read %s/%s: %s\n", errno_name(err), dbgdir,
		       argv[1], strerror(err));
		return 1;
	}
	if (fmt == FMT_RAW)
		fputs(text, stdout);
	else if (fmt == FMT_JSON)
		show_json(argv[1], text);
	else
		show_table(argv[1], text);
	free(text);
	return 0;
}

/* ---- top --------------------------------------------------------------- */

struct sample {
	unsigned long pgfault, pgmajfault, cow, pgalloc, pgfree;
	struct timespec when;
};

static unsigned long vmstat_get(const char *text, const char *key)
{
	size_t l = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, l) && (p[l] == ' ' || p[l] == '\t'))
			return strtoul(p + l + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

static void take_sample(struct sample *s)
{
	char *v = read_file("vmstat");

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_MONOTONIC, &s->when);
	if (!v)
		return;
	s->pgfault = vmstat_get(v, "pgfault");
	s->pgmajfault = vmstat_get(v, "pgmajfault");
	s->cow = vmstat_get(v, "cow_fault");
	s->pgalloc = vmstat_get(v, "pgalloc_normal") + vmstat_get(v, "pgalloc_dma") +
		     vmstat_get(v, "pgalloc_high");
	s->pgfree = vmstat_get(v, "pgfree");
	free(v);
}

/* The screen is built as lines of text; curses or stdout prints them. */
static char screen[256][512];
static int nscreen;

static void out(const char *f, ...)
{
	va_list ap;

	if (nscreen >= 256)
		return;
	va_start(ap, f);
	vsnprintf(screen[nscreen++], sizeof(screen[0]), f, ap);
	va_end(ap);
}

static void build_screen(const struct sample *a, const struct sample *b, int rows)
{
	char *text, *p, *line, *tok[MAX_TOK];
	double dt = (b->when.tv_sec - a->when.tv_sec) +
		    (b->when.tv_nsec - a->when.tv_nsec) / 1e9;
	int n, i, node, shown;
	char zone[64];

	nscreen = 0;
	if (dt <= 0)
		dt = 1;
	out("vmlab top - %s", dbgdir);
	out("faults/s: %.0f  major/s: %.0f  cow/s: %.0f  alloc/s: %.0f  free/s: %.0f",
	    (b->pgfault - a->pgfault) / dt, (b->pgmajfault - a->pgmajfault) / dt,
	    (b->cow - a->cow) / dt, (b->pgalloc - a->pgalloc) / dt,
	    (b->pgfree - a->pgfree) / dt);
	out("%s", "");

	/* Zones: free, watermarks, managed (zoneinfo). */
	out("%-6s %-8s %10s %8s %8s %8s %10s", "NODE", "ZONE", "FREE", "MIN", "LOW",
	    "HIGH", "MANAGED");
	text = read_file("zoneinfo");
	p = text;
	{
		unsigned long v[5] = { 0 };
		char zname[64] = "";
		int znode = -1, pagesets = 0;

		for (;;) {
			line = p ? next_line(&p) : NULL;
			if (!line || zone_header(line, &node, zone)) {
				if (znode >= 0)
					out("%-6d %-8s %10lu %8lu %8lu %8lu %10lu", znode, zname,
					    v[0], v[1], v[2], v[3], v[4]);
				if (!line)
					break;
				memset(v, 0, sizeof(v));
				pagesets = 0;
				znode = node;
				snprintf(zname, sizeof(zname), "%s", zone);
				continue;
			}
			n = kv_tokens(line, tok);
			if (n == 1 && !strcmp(tok[0], "pagesets"))
				pagesets = 1;
			if (pagesets)
				continue;
			if (n == 3 && !strcmp(tok[0], "pages") && !strcmp(tok[1], "free"))
				v[0] = strtoul(tok[2], NULL, 10);
			else if (n == 2 && !strcmp(tok[0], "min"))
				v[1] = strtoul(tok[1], NULL, 10);
			else if (n == 2 && !strcmp(tok[0], "low"))
				v[2] = strtoul(tok[1], NULL, 10);
			else if (n == 2 && !strcmp(tok[0], "high"))
				v[3] = strtoul(tok[1], NULL, 10);
			else if (n == 2 && !strcmp(tok[0], "managed"))
				v[4] = strtoul(tok[1], NULL, 10);
		}
	}
	free(text);
	out("%s", "");

	/* Free blocks by order (buddyinfo). */
	{
		char hdr[512];
		int off = snprintf(hdr, sizeof(hdr), "%-6s %-8s", "NODE", "ZONE");

		for (i = 0; i < 11; i++)
			off += snprintf(hdr + off, sizeof(hdr) - off, " %6d", i);
		out("%s  (free blocks by order)", hdr);
	}
	text = read_file("buddyinfo");
	p = text;
	while (p && (line = next_line(&p))) {
		char row[512], *z;
		int off;

		if (!zone_header(line, &node, zone))
			continue;
		z = strstr(line, zone) + strlen(zone);
		n = split(z, tok, MAX_TOK);
		off = snprintf(row, sizeof(row), "%-6d %-8s", node, zone);
		for (i = 0; i < n && off < (int)sizeof(row); i++)
			off += snprintf(row + off, sizeof(row) - off, " %6s", tok[i]);
		out("%s", row);
	}
	free(text);
	out("%s", "");

	/* Slab caches by memory used (slabinfo). */
	out("%-24s %8s %8s %6s %6s %8s %8s", "CACHE", "ACTIVE", "OBJS", "SIZE", "OBJ/SL",
	    "SLABS", "KiB");
	text = read_file("slabinfo");
	p = text;
	{
		struct { char name[32]; unsigned long act, num, size, per, slabs, pps; } c[256];
		int nc = 0, j;

		while (p && (line = next_line(&p)) && nc < 256) {
			if (*line == '#' || !strncmp(line, "slabinfo", 8))
				continue;
			n = split(line, tok, MAX_TOK);
			if (n < 14)
				continue;
			snprintf(c[nc].name, sizeof(c[nc].name), "%s", tok[0]);
			c[nc].act = strtoul(tok[1], NULL, 10);
			c[nc].num = strtoul(tok[2], NULL, 10);
			c[nc].size = strtoul(tok[3], NULL, 10);
			c[nc].per = strtoul(tok[4], NULL, 10);
			c[nc].pps = strtoul(tok[5], NULL, 10);
			c[nc].slabs = strtoul(tok[n - 2], NULL, 10);
			nc++;
		}
		/* Largest first (pages held), as slabtop -s c. */
		for (i = 0; i < nc; i++)
			for (j = i + 1; j < nc; j++)
				if (c[j].slabs * c[j].pps > c[i].slabs * c[i].pps) {
					typeof(c[0]) t = c[i];

					c[i] = c[j];
					c[j] = t;
				}
		shown = rows > 0 ? rows : nc;
		for (i = 0; i < nc && i < shown; i++)
			out("%-24s %8lu %8lu %6lu %6lu %8lu %8lu", c[i].name, c[i].act, c[i].num,
			    c[i].size, c[i].per, c[i].slabs, c[i].slabs * c[i].pps * 4);
	}
	free(text);
	out("%s", "");

	/* Address spaces (mm/<id>/status). */
	out("%-6s %10s %10s %10s %10s %10s %10s", "MM", "VmSize", "VmRSS", "RssAnon",
	    "RssFile", "minflt", "majflt");
	{
		char path[600];
		struct dirent **ents;
		int ne;

		snprintf(path, sizeof(path), "%s/mm", dbgdir);
		ne = scandir(path, &ents, NULL, versionsort);
		for (i = 0; i < ne; i++) {
			char f[300];
			unsigned long sz, rss, an, fi, mi, ma;

			if (ents[i]->d_name[0] == '.') {
				free(ents[i]);
				continue;
			}
			snprintf(f, sizeof(f), "mm/%s/status", ents[i]->d_name);
			text = read_file(f);
			if (text) {
				sz = vmstat_get(text, "VmSize:");
				rss = vmstat_get(text, "VmRSS:");
				an = vmstat_get(text, "RssAnon:");
				fi = vmstat_get(text, "RssFile:");
				mi = vmstat_get(text, "minflt:");
				ma = vmstat_get(text, "majflt:");
				out("%-6s %8lukB %8lukB %8lukB %8lukB %10lu %10lu", ents[i]->d_name,
				    sz, rss, an, fi, mi, ma);
				free(text);
			}
			free(ents[i]);
		}
		if (ne >= 0)
			free(ents);
	}
}

static int run_top(int argc, char **argv)
{
	int batch = 0, iters = -1, i, k;
	double delay = 2;
	struct sample a, b;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-b")) {
			batch = 1;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			iters = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			delay = atof(argv[++i]);
		} else {
			printf("usage: vmlabctl top [-b] [-n N] [-d SECONDS]\n"
			       "A refreshing view of vmlab: fault and allocation rates, zones,\n"
			       "free blocks by order, slab caches by size, address spaces.\n"
			       "-b batch mode: print each refresh to stdout (no curses);\n"
			       "-n N stop after N refreshes; -d refresh interval (default 2).\n"
			       "Keys: q quits.\n");
			return strcmp(argv[i], "--help") && strcmp(argv[i], "-h") ? 2 : 0;
		}
	}
	if (delay < 0.1 || delay > 3600) {
		fprintf(stderr, "vmlabctl: top: -d between 0.1 and 3600\n");
		return 2;
	}
	if (access(dbgdir, R_OK)) {
		printf("error %s cannot read %s: %s\n", errno_name(errno), dbgdir,
		       strerror(errno));
		return 1;
	}
	take_sample(&a);
	if (batch) {
		/* The first refresh's rates are over a short interval. */
		struct timespec ts = { 0, 200 * 1000 * 1000 };

		for (k = 0; iters < 0 || k < iters; k++) {
			if (k) {
				ts.tv_sec = (time_t)delay;
				ts.tv_nsec = (long)((delay - ts.tv_sec) * 1e9);
			}
			nanosleep(&ts, NULL);
			take_sample(&b);
			build_screen(&a, &b, 0);
			for (i = 0; i < nscreen; i++)
				puts(screen[i]);
			putchar('\n');
			fflush(stdout);
			a = b;
		}
		return 0;
	}
	if (!initscr()) {
		fprintf(stderr, "vmlabctl: top: cannot start curses (TERM?); try -b\n");
		return 1;
	}
	cbreak();
	noecho();
	curs_set(0);
	timeout(0);
	for (k = 0; iters < 0 || k < iters; k++) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		int ch;

		poll(&pfd, 1, k ? (int)(delay * 1000) : 200);
		ch = getch();
		if (ch == 'q' || ch == 'Q')
			break;
		take_sample(&b);
		build_screen(&a, &b, LINES > 30 ? LINES - 30 : 5);
		erase();
		for (i = 0; i < nscreen && i < LINES; i++)
			mvaddnstr(i, 0, screen[i], COLS);
		refresh();
		a = b;
	}
	endwin();
	return 0;
}

/* ---- main -------------------------------------------------------------- */

static int print_usage(FILE *f, int rc)
{
	fprintf(f,
		"usage: vmlabctl [-t|-r|-j] <command> [args...]   a ctl command (vmlabctl help)\n"
		"       vmlabctl [-t|-r|-j] show [file]          a debugfs file (no file: list them)\n"
		"       vmlabctl top [-b] [-n N] [-d SECONDS]    refreshing view (-b: batch)\n"
		"       vmlabctl <command> --help                one command's syntax\n"
		"  -t  a table (default on a terminal)\n"
		"  -r  the reply as ctl gives it (default otherwise)\n"
		"  -j  JSON\n"
		"Sizes: 4096, 64K, 2M, 1G. Exit status: 0 ok, 1 error reply, 2 usage.\n"
		"Environment: VMLABCTL_FORMAT=table|raw|json, VMLAB_DEBUGFS, VMLAB_CTL.\n");
	return rc;
}

int main(int argc, char **argv)
{
	const char *env = getenv("VMLABCTL_FORMAT");
	const char *dir = getenv("VMLAB_DEBUGFS");

	snprintf(dbgdir, sizeof(dbgdir), "%s", dir && *dir ? dir : DEFAULT_DIR);
	fmt = isatty(1) ? FMT_TABLE : FMT_RAW;
	if (env && !strcmp(env, "table"))
		fmt = FMT_TABLE;
	else if (env && !strcmp(env, "raw"))
		fmt = FMT_RAW;
	else if (env && !strcmp(env, "json"))
		fmt = FMT_JSON;

	argc--;
	argv++;
	while (argc && argv[0][0] == '-') {
		if (!strcmp(argv[0], "-j") || !strcmp(argv[0], "--json"))
			fmt = FMT_JSON;
		else if (!strcmp(argv[0], "-r") || !strcmp(argv[0], "--raw"))
			fmt = FMT_RAW;
		else if (!strcmp(argv[0], "-t") || !strcmp(argv[0], "--table"))
			fmt = FMT_TABLE;
		else if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"))
			return print_usage(stdout, 0);
		else
			return print_usage(stderr, 2);
		argc--;
		argv++;
	}
	if (!argc)
		return print_usage(stderr, 2);
	if (!strcmp(argv[0], "show"))
		return run_show(argc, argv);
	if (!strcmp(argv[0], "top"))
		return run_top(argc, argv);
	return run_ctl(argc, argv);
}
