/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Loaded modules: names and memory ranges, from the kernel's `modules`
 * list, without debug info. */
#ifndef VMMAP_MODULES_H
#define VMMAP_MODULES_H

#include <stddef.h>
#include <stdint.h>

#include "kernel.h"

#define MODULE_NAME_LEN 56	/* include/linux/module.h */

struct module_range {
	uint64_t start, end;	/* inclusive */
	size_t module;		/* index into names */
};

struct module_list {
	char (*names)[MODULE_NAME_LEN];
	uint64_t *structs;	/* each module's struct module */
	size_t n;
	struct module_range *ranges;
	size_t nranges;
};

/* Modules that live in [lo, hi) (the modules region). An unreadable
 * or implausible list leaves out empty, with a note in kr. */
struct vmmap_error *modules_load(struct kernel *kr, uint64_t lo, uint64_t hi,
				 struct module_list *out);
void modules_fini(struct module_list *ml);
const struct module_range *modules_range_of(const struct module_list *ml, uint64_t addr);
/* The module holding addr and the offset from its block, or NULL. */
const char *modules_find(const struct module_list *ml, uint64_t addr, uint64_t *offset);

#endif
