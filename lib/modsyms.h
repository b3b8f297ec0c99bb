/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Module symbols: each loaded module's own kallsyms (the symtab and
 * strtab its struct module points at, include/linux/module.h struct
 * mod_kallsyms), located with the kernel's BTF.
 */
#ifndef VMMAP_MODSYMS_H
#define VMMAP_MODSYMS_H

#include <stdint.h>

#include "kernel.h"
#include "modules.h"
#include "types.h"

struct module_symbols;

/* Every module's symbols; NULL with the reason in why. Modules whose
 * tables are unreadable are left out. */
struct module_symbols *modsyms_load(struct kernel *kr, const struct kernel_types *types,
				    const struct module_list *ml, char *why, size_t why_len);
void modsyms_destroy(struct module_symbols *ms);
/* The symbol of module `module` (an index into ml) at or below addr,
 * and addr's offset from it; NULL if none. */
const char *modsyms_find(const struct module_symbols *ms, size_t module, uint64_t addr,
			 uint64_t *offset);

#endif
