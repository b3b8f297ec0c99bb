/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Decoding the kernel's kallsyms tables from the dump (their addresses
 * are in VMCOREINFO since 6.0, kernel/crash_core.c). */
#ifndef VMMAP_KALLSYMS_H
#define VMMAP_KALLSYMS_H

#include "symtab.h"

typedef struct vmmap_error *kallsyms_read_fn(void *arg, uint64_t vaddr,
					     void *buf, size_t len);

struct kallsyms_location {
	uint64_t num_syms;
	uint64_t names;
	uint64_t token_table;
	uint64_t token_index;
	uint64_t offsets;	/* base-relative tables ... */
	uint64_t relative_base;
	uint64_t addresses;	/* ... or absolute addresses (0 if none) */
	uint64_t stext;		/* expected address of _stext, 0 if unknown */
	uint64_t image_start;	/* else: _stext is at or above this address */
};

/* Decode every symbol into out (which the caller initialised). */
struct vmmap_error *kallsyms_decode(const struct kallsyms_location *loc,
				    kallsyms_read_fn *read, void *arg,
				    struct symtab *out);

#endif
