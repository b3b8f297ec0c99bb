/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Decoding the kernel's kallsyms tables from the dump (their addresses
 * are in VMCOREINFO since 6.0, kernel/crash_core.c). */
#ifndef VMMAP_KALLSYMS_H
#define VMMAP_KALLSYMS_H

#include <stdbool.h>

#include "symtab.h"

typedef struct vmmap_error *kallsyms_read_fn(void *arg, uint64_t vaddr,
					     void *buf, size_t len);

struct kallsyms_location {
	uint64_t num_syms;
	uint64_t names;
	uint64_t token_table;
	uint64_t token_index;
	uint64_t offsets;	/* base-relative tables ... */
	uint64_t relative_base;	/* 0: offsets relative to themselves (6.15+) */
	uint64_t addresses;	/* ... or absolute addresses (0 if none) */
	uint64_t stext;		/* expected address of _stext, 0 if unknown */
	uint64_t image_start;	/* else: _stext is at or above this address */
};

/* Find the tables in the kernel image [start, start + size) when
 * VMCOREINFO does not name them (kernels before 6.0): fills in
 * everything but stext and image_start, which the caller sets for
 * kallsyms_decode() to check. VMMAP_ERROR_NOT_FOUND if nothing fits. */
struct vmmap_error *kallsyms_find(kallsyms_read_fn *read, void *arg, uint64_t start,
				  uint64_t size, struct kallsyms_location *loc);

/* The tables opened: the names table read once and checked, and the
 * offset rule decided by _stext. read and arg must stay valid until
 * kallsyms_close(). */
struct kallsyms;
struct vmmap_error *kallsyms_open(const struct kallsyms_location *loc, kallsyms_read_fn *read,
				  void *arg, struct kallsyms **ret);
void kallsyms_close(struct kallsyms *ks);

/* The addresses of n names (without their type letter) in one pass,
 * decoding only the names of a wanted length: found[j] says whether
 * names[j] is a symbol, addrs[j] its lowest address. */
struct vmmap_error *kallsyms_lookup(const struct kallsyms *ks, const char *const *names,
				   size_t n, uint64_t *addrs, bool *found);

/* Every symbol into out (which the caller initialised). */
struct vmmap_error *kallsyms_decode_all(const struct kallsyms *ks, struct symtab *out);

/* kallsyms_open(), kallsyms_decode_all() and kallsyms_close() in one. */
struct vmmap_error *kallsyms_decode(const struct kallsyms_location *loc,
				    kallsyms_read_fn *read, void *arg,
				    struct symtab *out);

#endif
