/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Batch mode: one command over many dumps, each in its own process.
 *
 * A dump that makes libkdumpfile (or vmmap) crash, hang past the
 * timeout or print garbage must not stop the batch, so every dump runs
 * in a forked child whose stdout and stderr come back through pipes.
 * Results are written in the order the dumps were given, whatever
 * order the children finish in.
 */
#ifndef VMMAP_CLI_BATCH_H
#define VMMAP_CLI_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct batch_options {
	unsigned jobs;		/* children at once, >= 1 */
	bool jsonl;		/* each result is one JSON line */
	bool progress;		/* a progress line on stderr */
	bool headers;		/* "==> DUMP <==" before each text result */
	unsigned timeout;	/* seconds per dump, 0 for none */
};

/* Runs in the child: do the work for one dump, write the result to
 * stdout (in jsonl mode: exactly one line, an error line included) and
 * return the exit status (0 ok, 1 bad input). */
typedef int batch_fn(const char *dump, void *arg);

/* Run fn over dumps; return 0 if every dump succeeded, else 1. */
int batch_run(char *const *dumps, size_t n, const struct batch_options *o,
	      batch_fn *fn, void *arg);

/* One JSON line for a dump that failed: {"dump","ok":false,"error",
 * "error_code"}. */
void batch_print_error_line(FILE *f, const char *dump, const char *code,
			    const char *message);

#endif
