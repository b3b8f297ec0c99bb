/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* VMCOREINFO searched for in the dump's memory (source/vmcoreinfo_scan.c),
 * when the dump carries no VMCOREINFO note. */
#ifndef VMMAP_VMCOREINFO_SCAN_H
#define VMMAP_VMCOREINFO_SCAN_H

#include <stdbool.h>
#include <stdint.h>

struct vmmap_source;

struct vmcoreinfo_found {
	char *text;	/* the first usable text (malloc'd), NUL-terminated */
	uint64_t pa;	/* where it was */
	unsigned count;	/* usable copies seen */
	bool differ;	/* some copy differs from the first */
};

/* Read every page the dump holds for a usable VMCOREINFO text.
 * VMMAP_ERROR_VMCOREINFO if there is none. */
struct vmmap_error *vmcoreinfo_scan(struct vmmap_source *src, struct vmcoreinfo_found *found);

#endif
