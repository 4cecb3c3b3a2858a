// SPDX-License-Identifier: GPL-2.0
/*
 * jsoncheck - validate JSON on stdin (RFC 8259, strictly) and optionally
 * print one value, for tests in a guest that has no jq.
 *
 *   jsoncheck                 exit 0 if stdin is one valid JSON value
 *   jsoncheck -g PATH         also print the value at PATH: keys and array
 *                             indices joined by '.', e.g. fields.pfn or
 *                             rows.0.name; strings print unquoted, other
 *                             values as written; exit 3 if PATH is absent
 *   jsoncheck -k PATH         print the keys of the object at PATH (""
 *                             for the top), one a line
 *
 * Exit status: 0 valid, 1 invalid (with the byte offset and why on
 * stderr), 2 usage, 3 PATH not found.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *buf;
static size_t pos, len;
static const char *why;

/* What to print: the value at want (its path as a '.'-joined string). */
static const char *want;
static int want_keys;
static int found;
static char path[4096];

static void ws(void)
{
	while (pos < len && strchr(" \t\r\n", buf[pos]))
		pos++;
}

static int fail(const char *msg)
{
	if (!why)
		why = msg;
	return -1;
}

static int value(void);

static int parse_string(char *out, size_t outsz)
{
	size_t n = 0;

	if (buf[pos] != '"')
		return fail("expected a string");
	pos++;
	while (pos < len && buf[pos] != '"') {
		unsigned char c = buf[pos];

		if (c < 0x20)
			return fail("control character in a string");
		if (c == '\\') {
			pos++;
			if (pos >= len)
				break;
			c = buf[pos];
			if (c == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (pos + i >= len ||
					    !isxdigit((unsigned char)buf[pos + i]))
						return fail("bad \\u escape");
				pos += 4;
				c = '?';
			} else {
				if (!strchr("\"\\/bfnrt", c))
					return fail("bad escape");
				c = strchr("\"\\/", c) ? c : ' ';
			}
		}
		if (out && n + 1 < outsz)
			out[n++] = c;
		pos++;
	}
	if (pos >= len)
		return fail("unterminated string");
	pos++;
	if (out)
		out[n] = '\0';
	return 0;
}

static int parse_number(void)
{
	size_t start = pos;

	if (buf[pos] == '-')
		pos++;
	if (pos < len && buf[pos] == '0') {
		pos++;
	} else if (pos < len && buf[pos] >= '1' && buf[pos] <= '9') {
		while (pos < len && buf[pos] >= '0' && buf[pos] <= '9')
			pos++;
	} else {
		return fail("bad number");
	}
	if (pos < len && buf[pos] == '.') {
		pos++;
		if (pos >= len || buf[pos] < '0' || buf[pos] > '9')
			return fail("bad fraction");
		while (pos < len && buf[pos] >= '0' && buf[pos] <= '9')
			pos++;
	}
	if (pos < len && (buf[pos] == 'e' || buf[pos] == 'E')) {
		pos++;
		if (pos < len && (buf[pos] == '+' || buf[pos] == '-'))
			pos++;
		if (pos >= len || buf[pos] < '0' || buf[pos] > '9')
			return fail("bad exponent");
		while (pos < len && buf[pos] >= '0' && buf[pos] <= '9')
			pos++;
	}
	return pos > start ? 0 : fail("bad number");
}

static int parse_literal(const char *word)
{
	size_t n = strlen(word);

	if (len - pos < n || strncmp(buf + pos, word, n))
		return fail("unknown literal");
	pos += n;
	return 0;
}

/* Parse one member or element whose path is path + "." + key. */
static int child(const char *key)
{
	size_t old = strlen(path);
	int ret;

	if (old + strlen(key) + 2 >= sizeof(path))
		return fail("nesting too deep");
	if (old)
		strcat(path, ".");
	strcat(path, key);
	ret = value();
	path[old] = '\0';
	return ret;
}

static int parse_object(void)
{
	char key[1024];
	int here = want && !strcmp(path, want);

	pos++;
	ws();
	if (pos < len && buf[pos] == '}') {
		pos++;
		if (here && want_keys)
			found = 1;
		return 0;
	}
	for (;;) {
		ws();
		if (pos >= len || parse_string(key, sizeof(key)))
			return fail("expected a key");
		if (here && want_keys) {
			puts(key);
			found = 1;
		}
		ws();
		if (pos >= len || buf[pos] != ':')
			return fail("expected ':'");
		pos++;
		if (child(key))
			return -1;
		ws();
		if (pos < len && buf[pos] == ',') {
			pos++;
			continue;
		}
		if (pos < len && buf[pos] == '}') {
			pos++;
			return 0;
		}
		return fail("expected ',' or '}'");
	}
}

static int parse_array(void)
{
	char idx[24];
	int i = 0;

	pos++;
	ws();
	if (pos < len && buf[pos] == ']') {
		pos++;
		return 0;
	}
	for (;; i++) {
		snprintf(idx, sizeof(idx), "%d", i);
		if (child(idx))
			return -1;
		ws();
		if (pos < len && buf[pos] == ',') {
			pos++;
			continue;
		}
		if (pos < len && buf[pos] == ']') {
			pos++;
			return 0;
		}
		return fail("expected ',' or ']'");
	}
}

static int value(void)
{
	size_t start;
	int ret;

	ws();
	if (pos >= len)
		return fail("unexpected end");
	start = pos;
	switch (buf[pos]) {
	case '{':
		ret = parse_object();
		break;
	case '[':
		ret = parse_array();
		break;
	case '"':
		ret = parse_string(NULL, 0);
		break;
	case 't':
		ret = parse_literal("true");
		break;
	case 'f':
		ret = parse_literal("false");
		break;
	case 'n':
		ret = parse_literal("null");
		break;
	default:
		ret = parse_number();
	}
	if (!ret && want && !want_keys && !strcmp(path, want)) {
		if (buf[start] == '"')
			printf("%.*s\n", (int)(pos - start - 2), buf + start + 1);
		else
			printf("%.*s\n", (int)(pos - start), buf + start);
		found = 1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	static char in[16 << 20];
	size_t n;

	if (argc == 3 && (!strcmp(argv[1], "-g") || !strcmp(argv[1], "-k"))) {
		want = argv[2];
		want_keys = argv[1][1] == 'k';
	} else if (argc != 1) {
		fprintf(stderr, "usage: jsoncheck [-g PATH | -k PATH] < file.json\n");
		return 2;
	}
	n = fread(in, 1, sizeof(in) - 1, stdin);
	buf = in;
	len = n;
	if (value() == 0) {
		ws();
		if (pos != len)
			fail("trailing characters");
	}
	if (why) {
		fprintf(stderr, "jsoncheck: invalid JSON at byte %zu: %s\n", pos, why);
		return 1;
	}
	if (want && !found) {
		fprintf(stderr, "jsoncheck: no value at '%s'\n", want);
		return 3;
	}
	return 0;
}
