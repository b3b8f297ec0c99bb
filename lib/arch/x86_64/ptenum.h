/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Enumeration of the kernel's own page tables (the kernel half of
 * init_top_pgt): which virtual ranges are mapped, and to where. */
#ifndef VMMAP_ARCH_X86_64_PTENUM_H
#define VMMAP_ARCH_X86_64_PTENUM_H

#include <stdbool.h>
#include <stdint.h>

#include "pgtable.h"

struct va_range {
	uint64_t start, last;	/* inclusive */
};

struct pt_leaf {
	uint64_t va, pa, size;
	bool exec;		/* no NX bit on the way down: code */
};

struct ptenum {
	struct va_range *mapped;	/* merged, ascending */
	size_t nmapped;
	struct pt_leaf *leaves;		/* those want_leaf() chose, merged */
	size_t nleaves;
	uint64_t tables;		/* tables read */
	uint64_t unreadable;		/* tables the dump does not hold */
	bool truncated;			/* the entry budget ran out */
	size_t cap_mapped, cap_leaves;
};

/* Walk every present entry of the kernel half. want_leaf(arg, va)
 * says which leaf mappings to keep in leaves (all mapped ranges are
 * always kept in mapped). */
struct vmmap_error *ptenum_kernel(const struct x86_64_page_tables *pt,
				  bool (*want_leaf)(void *arg, uint64_t va),
				  void *arg, struct ptenum *out);
void ptenum_fini(struct ptenum *pe);

#endif
