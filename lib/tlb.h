/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Translations remembered by leaf page, as a CPU's TLB does: annotating
 * many addresses walks the same kernel page tables again and again (two
 * walks each, libaddrxlat's for the address and vmmap's own for the
 * page's size and access), and a dump's page tables never change. One
 * table per page size (4 KiB, 2 MiB, 1 GiB), each slot keyed by the
 * page's number; a new page evicts the slot's old one. Thread-safe.
 */
#ifndef VMMAP_TLB_H
#define VMMAP_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/pgtable.h"

struct tlb;

/* NULL without memory. */
struct tlb *tlb_new(void);
void tlb_destroy(struct tlb *t);
/* The mapping of vaddr (paddr is vaddr's own) if its page is kept. */
bool tlb_lookup(struct tlb *t, uint64_t vaddr, struct x86_64_mapping *out);
/* Keep the mapping m of vaddr (a page of 4 KiB, 2 MiB or 1 GiB; other
 * sizes are not kept). */
void tlb_insert(struct tlb *t, uint64_t vaddr, const struct x86_64_mapping *m);

#endif
