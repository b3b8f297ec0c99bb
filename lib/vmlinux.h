/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Symbols and DWARF facts from a vmlinux, or symbols from a System.map. */
#ifndef VMMAP_VMLINUX_H
#define VMMAP_VMLINUX_H

#include "symtab.h"

struct vmlinux_facts {
	bool have_build_id;		/* NT_GNU_BUILD_ID of an ELF vmlinux */
	char build_id[41];		/* lowercase hex, as VMCOREINFO's BUILD-ID */
	bool have_fixmap_pages;		/* enum fixed_addresses */
	uint64_t fixmap_pages;		/* __end_of_fixed_addresses */
	bool have_struct_page_size;
	uint64_t struct_page_size;
};

/* Fill out (initialised by the caller) with link-time addresses. */
struct vmmap_error *vmlinux_load(const char *path, struct symtab *out,
				 struct vmlinux_facts *facts);

#endif
