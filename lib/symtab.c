/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
#include "config.h"

#include "symtab.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

#define INDEX_SHIFT 12	/* one bucket per page in the index by address */

void
symtab_init(struct symtab *st, enum vmmap_provenance source)
{
	memset(st, 0, sizeof(*st));
	st->source = source;
}

void
symtab_fini(struct symtab *st)
{
	free(st->entries);
	free(st->pool);
	free(st->by_name);
	free(st->by_addr);
	memset(st, 0, sizeof(*st));
}

struct vmmap_error *
symtab_reserve(struct symtab *st, size_t entries, size_t pool_bytes)
{
	if (entries > st->cap) {
		struct symtab_entry *e = realloc(st->entries, entries * sizeof(*e));
		if (!e)
			return &vmmap_enomem;
		st->entries = e;
		st->cap = entries;
	}
	if (pool_bytes > st->pool_cap) {
		char *p = realloc(st->pool, pool_bytes);
		if (!p)
			return &vmmap_enomem;
		st->pool = p;
		st->pool_cap = pool_bytes;
	}
	return NULL;
}

/* Names are offsets into the pool, which may move as it grows. Growth is by half, not double: the
 * tables of a distribution kernel hold ~100,000 names. */
struct vmmap_error *
symtab_add(struct symtab *st, uint64_t addr, char type, const char *name,
	   size_t namelen)
{
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap + st->cap / 2 : 64;
		struct symtab_entry *e = realloc(st->entries, cap * sizeof(*e));
		if (!e)
			return &vmmap_enomem;
		st->entries = e;
		st->cap = cap;
	}
	if (st->pool_len + namelen + 1 > st->pool_cap) {
		size_t cap = st->pool_cap ? st->pool_cap + st->pool_cap / 2 : 4096;
		while (cap < st->pool_len + namelen + 1)
			cap += cap / 2;
		char *p = realloc(st->pool, cap);
		if (!p)
			return &vmmap_enomem;
		st->pool = p;
		st->pool_cap = cap;
	}
	if (st->pool_len + namelen + 1 > UINT32_MAX)
		return vmmap_error_create(VMMAP_ERROR_FORMAT, "symbol names over 4 GiB");
	memcpy(st->pool + st->pool_len, name, namelen);
	st->pool[st->pool_len + namelen] = '\0';
	st->entries[st->n].addr = addr;
	st->entries[st->n].type = type;
	st->entries[st->n].name = (uint32_t)st->pool_len;
	st->pool_len += namelen + 1;
	st->n++;
	return NULL;
}

static int
compare_addr(const void *a, const void *b)
{
	const struct symtab_entry *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Stable enough: prefer the earlier-added name. */
	return x->name < y->name ? -1 : x->name > y->name;
}

static void index_names(struct symtab *st);

static bool
is_sorted(const struct symtab *st)
{
	for (size_t i = 1; i < st->n; i++)
		if (compare_addr(&st->entries[i - 1], &st->entries[i]) > 0)
			return false;
	return true;
}

void
symtab_finish(struct symtab *st)
{
	/* kallsyms comes sorted (scripts/kallsyms.c); glibc's qsort would
	 * allocate a copy of the whole table to merge-sort it. */
	if (!is_sorted(st))
		qsort(st->entries, st->n, sizeof(*st->entries), compare_addr);
	st->sorted = true;
	index_names(st);
}

static size_t
name_hash(const char *name)
{
	size_t h = 14695981039346656037ULL;	/* FNV-1a */
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	return h;
}

/* An index by name, so that the few dozen lookups of a map build do not
 * each compare ~100,000 names. The first symbol of a name wins, as in
 * a linear search. Without memory for it, lookups stay linear. */
static void
index_names(struct symtab *st)
{
	size_t cap = 2;
	while (cap <= st->n + st->n / 4)	/* load below 0.8: a free slot always */
		cap *= 2;
	if (st->n == 0 || st->n >= UINT32_MAX || !(st->by_name = calloc(cap, sizeof(uint32_t))))
		return;
	st->by_name_cap = cap;
	for (size_t i = 0; i < st->n; i++) {
		const char *name = symtab_name(st, &st->entries[i]);
		size_t h = name_hash(name) & (cap - 1);
		while (st->by_name[h] &&
		       strcmp(symtab_name(st, &st->entries[st->by_name[h] - 1]), name) != 0)
			h = (h + 1) & (cap - 1);
		if (!st->by_name[h])
			st->by_name[h] = (uint32_t)i + 1;
	}
}

const struct symtab_entry *
symtab_by_name(const struct symtab *st, const char *name)
{
	if (st->by_name_cap) {
		size_t h = name_hash(name) & (st->by_name_cap - 1);
		/* bounded, though a free slot ends every probe */
		for (size_t k = 0; k < st->by_name_cap && st->by_name[h]; k++) {
			if (strcmp(symtab_name(st, &st->entries[st->by_name[h] - 1]), name) == 0)
				return &st->entries[st->by_name[h] - 1];
			h = (h + 1) & (st->by_name_cap - 1);
		}
		return NULL;
	}
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(symtab_name(st, &st->entries[i]), name) == 0)
			return &st->entries[i];
	return NULL;
}

/* Symbols that name a place in the image: text, data, rodata, bss. */
static bool
is_location_type(char type)
{
	switch (type) {
	case 'T': case 't': case 'D': case 'd': case 'R': case 'r':
	case 'B': case 'b': case 'W': case 'w': case 'V': case 'v':
	case '?':
		return true;
	default:
		return false;
	}
}

const struct symtab_entry *
symtab_by_addr(const struct symtab *st, uint64_t addr)
{
	size_t lo = 0, hi = st->n;
	uint64_t k = (addr - st->index_base) >> INDEX_SHIFT;
	if (st->by_addr && addr >= st->index_base && k + 1 < st->index_n) {
		lo = st->by_addr[k];
		hi = st->by_addr[k + 1];
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (st->entries[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0) {
		const struct symtab_entry *e = &st->entries[--lo];
		if (is_location_type(e->type))
			return e;
	}
	return NULL;
}

const struct symtab_entry *
symtab_at_or_above(const struct symtab *st, uint64_t addr)
{
	size_t lo = 0, hi = st->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (st->entries[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < st->n ? &st->entries[lo] : NULL;
}

void
symtab_index_range(struct symtab *st, uint64_t base, uint64_t size)
{
	size_t n = (size_t)(size >> INDEX_SHIFT) + 2;
	if (st->by_addr || st->n >= UINT32_MAX || n > (1u << 20) ||
	    !(st->by_addr = malloc(n * sizeof(*st->by_addr))))
		return;
	size_t e = 0;
	for (size_t k = 0; k < n; k++) {
		uint64_t at = base + ((uint64_t)k << INDEX_SHIFT);
		while (e < st->n && st->entries[e].addr < at)
			e++;
		st->by_addr[k] = (uint32_t)e;
	}
	st->index_base = base;
	st->index_n = n;
}

void
symtab_relocate(struct symtab *st, uint64_t lo, uint64_t hi, uint64_t offset)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->entries[i].addr >= lo && st->entries[i].addr <= hi)
			st->entries[i].addr += offset;
}
