/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * x86_64 page-table entries: their bits, and the one way vmmap steps
 * through a table (arch/x86/include/asm/pgtable_types.h). The probes of
 * the kernel reader and the facts, and the enumeration of ptenum.c, all
 * decode entries here; libaddrxlat stays the translator of single
 * addresses (kernel.c).
 */
#ifndef VMMAP_ARCH_X86_64_PGTABLE_H
#define VMMAP_ARCH_X86_64_PGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X86_64_PTE_PRESENT	(1ULL << 0)	/* _PAGE_BIT_PRESENT */
#define X86_64_PTE_RW		(1ULL << 1)
#define X86_64_PTE_PSE		(1ULL << 7)	/* a 2 MiB or 1 GiB page */
#define X86_64_PTE_GLOBAL	(1ULL << 8)
#define X86_64_PTE_NX		(1ULL << 63)
#define X86_64_PTE_ADDR_MASK	0x000ffffffffff000ULL	/* PTE_PFN_MASK */
#define X86_64_PT_ENTRIES	512

/* Reads physical memory for the walkers: a source's read_phys. */
typedef struct vmmap_error *x86_64_read_phys_fn(void *arg, uint64_t pa,
						 void *buf, size_t len);

/* The page tables of one address space, and how to read them. */
struct x86_64_page_tables {
	x86_64_read_phys_fn *read;
	void *arg;
	uint64_t root;		/* physical address of the top table */
	int levels;		/* 4 or 5 */
	uint64_t sme_mask;	/* AMD SME's C-bit, stripped from entries */
};

/* One entry, decoded. */
struct x86_64_pte {
	bool present;
	bool leaf;		/* maps a page: level 1, or PSE at level 2 or 3 */
	bool garbage;		/* PSE where no large page can be (level 4, 5) */
	bool nx;
	uint64_t addr;		/* the next table, or the page's first byte */
	uint64_t size;		/* the span of the entry: 4 KiB, 2 MiB, 1 GiB, ... */
};

/* log2 of the span of one entry at level (1: PTE ... 5: PGD of 5-level). */
unsigned x86_64_level_shift(int level);
/* The index of vaddr's entry in a table of this level. */
unsigned x86_64_pt_index(uint64_t vaddr, int level);
void x86_64_pte_decode(uint64_t e, int level, uint64_t sme_mask,
		       struct x86_64_pte *out);
/* Read entry idx of the table at physical address table. */
bool x86_64_pt_read_entry(const struct x86_64_page_tables *pt, uint64_t table,
			  unsigned idx, uint64_t *e);
/* How an address is mapped: where, by how large a page, with what
 * access (the strictest along the walk; global from the leaf). */
struct x86_64_mapping {
	uint64_t paddr;
	uint64_t page_size;
	bool rw, nx, global;
};
bool x86_64_pt_lookup(const struct x86_64_page_tables *pt, int levels, uint64_t vaddr,
		      struct x86_64_mapping *out);
/* If vaddr is unmapped for want of an entry: the span that entry
 * would map (the whole span is unmapped); else 0. */
uint64_t x86_64_pt_hole(const struct x86_64_page_tables *pt, int levels, uint64_t vaddr);
/* Walk vaddr from the root with this many levels, one entry a level:
 * the physical address it maps to, or false. */
bool x86_64_pt_walk(const struct x86_64_page_tables *pt, int levels,
		    uint64_t vaddr, uint64_t *paddr);

#endif
