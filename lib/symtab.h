/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* A kernel symbol table: names and runtime addresses, from whichever
 * source had them (kallsyms in the dump, a vmlinux, a System.map). */
#ifndef VMMAP_SYMTAB_H
#define VMMAP_SYMTAB_H

#include <stdint.h>
#include <vmmap/vmmap.h>

struct symtab_entry {		/* 16 bytes: there are ~100,000 */
	uint64_t addr;
	uint32_t name;		/* offset in the table's string pool */
	char type;		/* nm-style type letter, '?' if unknown */
};

struct symtab {
	struct symtab_entry *entries;
	size_t n, cap;
	char *pool;
	size_t pool_len, pool_cap;
	enum vmmap_provenance source;
	bool sorted;
	uint32_t *by_name;	/* hash of names: entry index + 1, 0 free */
	size_t by_name_cap;	/* a power of two, or 0 */
	/* by_addr[k]: the first entry at or above index_base + k pages,
	 * for k < index_n: narrows the search by address in the image. */
	uint32_t *by_addr;
	uint64_t index_base;
	size_t index_n;
};

void symtab_init(struct symtab *st, enum vmmap_provenance source);
void symtab_fini(struct symtab *st);
/* Room for this many entries and name bytes (an estimate is fine). */
struct vmmap_error *symtab_reserve(struct symtab *st, size_t entries, size_t pool_bytes);
struct vmmap_error *symtab_add(struct symtab *st, uint64_t addr, char type,
			       const char *name, size_t namelen);
/* Sort by address; call once after the last symtab_add(). */
void symtab_finish(struct symtab *st);
static inline const char *
symtab_name(const struct symtab *st, const struct symtab_entry *e)
{
	return st->pool + e->name;
}

/* The first symbol with this name, or NULL. */
const struct symtab_entry *symtab_by_name(const struct symtab *st,
					  const char *name);
/* The last text/data symbol at or below addr, or NULL. */
const struct symtab_entry *symtab_by_addr(const struct symtab *st,
					  uint64_t addr);
/* The first symbol at or above addr, or NULL. */
const struct symtab_entry *symtab_at_or_above(const struct symtab *st, uint64_t addr);
/* Index [base, base + size) by address (after symtab_finish); without
 * memory for it, lookups only stay slower. */
void symtab_index_range(struct symtab *st, uint64_t base, uint64_t size);
/* Add offset to every symbol in [lo, hi] (KASLR relocation). */
void symtab_relocate(struct symtab *st, uint64_t lo, uint64_t hi,
		     uint64_t offset);

#endif
