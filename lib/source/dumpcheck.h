/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Checks of a dump file's headers before libkdumpfile sees them:
 * libkdumpfile trusts the fields it reads and crashes on some hostile
 * ones (a 32-bit class on a 64-bit body, ELF section tables outside the
 * file, garbage compressed-kdump sub-headers).
 */
#ifndef VMMAP_SOURCE_DUMPCHECK_H
#define VMMAP_SOURCE_DUMPCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../notes.h"

/* Physical memory the headers promise and the file does not hold. */
struct missing_range {
	uint64_t start, end;	/* [start, end) */
};

struct dumpcheck_result {
	struct notes notes;	/* what only degrades the answer */
	struct missing_range *missing;	/* load segments cut by the end of the file */
	size_t nmissing;
	bool kcore;		/* shaped like /proc/kcore (fs/proc/kcore.c) */
};

/* An error for what must be refused; else what was found in out
 * (released with dumpcheck_fini). size is the file's, or UINT64_MAX
 * when it is not known (a file of /proc says 0). */
struct vmmap_error *dumpcheck(int fd, const char *path, uint64_t size,
			      struct dumpcheck_result *out);
void dumpcheck_fini(struct dumpcheck_result *r);
/* Does [start, start + len) touch memory the file does not hold? */
bool dumpcheck_missing(const struct dumpcheck_result *r, uint64_t start, uint64_t len);

#endif
