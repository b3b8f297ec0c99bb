/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Single-address translation through libaddrxlat, for sources that can
 * only read physical memory (a debugger's session, a Python reader,
 * drgn): libaddrxlat walks the tables of struct x86_64_page_tables
 * through a get-page callback that reads via pt->read.
 */
#ifndef VMMAP_ARCH_X86_64_PGWALK_H
#define VMMAP_ARCH_X86_64_PGWALK_H

#include "pgtable.h"

struct pgwalk;

/* pt is copied; what pt->arg points to must outlive the walker. */
struct vmmap_error *pgwalk_create(const struct x86_64_page_tables *pt,
				  struct pgwalk **ret);
/* VMMAP_ERROR_FAULT for an unmapped address. Thread-safe. */
struct vmmap_error *pgwalk_translate(struct pgwalk *pw, uint64_t vaddr, uint64_t *paddr);
void pgwalk_destroy(struct pgwalk *pw);

#endif
