// SPDX-License-Identifier: GPL-2.0
/*
 * guest-exit - end the QEMU guest with an exit status.
 *
 *   guest-exit <code>
 *
 * Writes <code> to the isa-debug-exit device at I/O port 0xf4
 * (-device isa-debug-exit,iobase=0xf4,iosize=0x04); QEMU then exits with
 * status (code << 1) | 1.  Returns 1 if the guest is still running afterwards
 * (no such device), 2 on usage errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

#define DEBUG_EXIT_PORT	0xf4

int main(int argc, char **argv)
{
	unsigned long code;
	char *end;

	if (argc != 2) {
		fprintf(stderr, "usage: guest-exit <code 0..127>\n");
		return 2;
	}
	code = strtoul(argv[1], &end, 0);
	if (*argv[1] == '\0' || *end != '\0' || code > 127) {
		fprintf(stderr, "guest-exit: bad code '%s'\n", argv[1]);
		return 2;
	}
	if (ioperm(DEBUG_EXIT_PORT, 4, 1)) {
		perror("guest-exit: ioperm");
		return 1;
	}
	fflush(NULL);
	outb((unsigned char)code, DEBUG_EXIT_PORT);
	fprintf(stderr, "guest-exit: still running; no isa-debug-exit device?\n");
	return 1;
}
