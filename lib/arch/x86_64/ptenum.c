/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Enumerating the kernel page tables.
 *
 * libaddrxlat translates one address at a time and has no way to list
 * what a page table maps, which a census of the whole dump needs (is a
 * pointer's target mapped at all? which pages belong to vmalloc
 * areas?). So this file reads the tables itself, 512 entries at a time,
 * in ascending virtual order.
 *
 * Shared tables are the catch: KASAN maps its whole early shadow (16 TB
 * on 4-level) through one PUD, PMD and PTE table repeated thousands of
 * times (mm/kasan/init.c, kasan_early_shadow_*). Each table's outcome
 * (nothing mapped, everything mapped, or a mix) is remembered, so a
 * repeat of a full or empty table costs one step, and only repeats of
 * mixed tables are walked again, within a fixed budget of entries.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../../error.h"
#include "ptenum.h"

#define ENTRIES X86_64_PT_ENTRIES
/* Entries visited at most: a real kernel needs a few million; garbage
 * tables are cut short here and the result says so. */
#define ENTRY_BUDGET (64ULL << 20)

enum table_kind { TABLE_EMPTY, TABLE_FULL, TABLE_MIXED };

struct memo_slot {
	uint64_t key;		/* table physical address | level, 0: free */
	enum table_kind kind;
};

struct walk {
	const struct x86_64_page_tables *pt;
	struct ptenum *out;
	bool (*want_leaf)(void *, uint64_t);
	void *arg;
	bool record;		/* first visit: keep leaves */
	uint64_t budget;
	struct memo_slot *memo;
	size_t memo_cap, memo_n;
	struct vmmap_error *err;	/* out of memory */
};

static bool
grow(void **array, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 256;
	void *a = realloc(*array, c * size);
	if (!a)
		return false;
	*array = a;
	*cap = c;
	return true;
}

static void
add_mapped(struct walk *w, uint64_t va, uint64_t size)
{
	struct ptenum *pe = w->out;
	if (pe->nmapped && pe->mapped[pe->nmapped - 1].last + 1 == va) {
		pe->mapped[pe->nmapped - 1].last = va + size - 1;
		return;
	}
	if (!grow((void **)&pe->mapped, &pe->cap_mapped, pe->nmapped, sizeof(*pe->mapped))) {
		w->err = &vmmap_enomem;
		return;
	}
	pe->mapped[pe->nmapped++] = (struct va_range){ va, va + size - 1 };
}

static void
add_leaf(struct walk *w, uint64_t va, uint64_t pa, uint64_t size, bool exec)
{
	struct ptenum *pe = w->out;
	if (!w->record || !w->want_leaf(w->arg, va))
		return;
	struct pt_leaf *last = pe->nleaves ? &pe->leaves[pe->nleaves - 1] : NULL;
	if (last && last->va + last->size == va && last->pa + last->size == pa &&
	    last->exec == exec) {
		last->size += size;
		return;
	}
	if (!grow((void **)&pe->leaves, &pe->cap_leaves, pe->nleaves, sizeof(*pe->leaves))) {
		w->err = &vmmap_enomem;
		return;
	}
	pe->leaves[pe->nleaves++] = (struct pt_leaf){ va, pa, size, exec };
}

/* Open addressing on (table, level); the memo only grows. */
static struct memo_slot *
memo_find(struct walk *w, uint64_t key)
{
	if (!w->memo_cap)
		return NULL;
	size_t mask = w->memo_cap - 1;
	for (size_t i = (size_t)(key * 0x9e3779b97f4a7c15ULL >> 20) & mask;; i = (i + 1) & mask) {
		if (w->memo[i].key == key || w->memo[i].key == 0)
			return &w->memo[i];
	}
}

static void
memo_put(struct walk *w, uint64_t key, enum table_kind kind)
{
	if ((w->memo_n + 1) * 2 > w->memo_cap) {
		size_t cap = w->memo_cap ? w->memo_cap * 2 : 1024;
		struct memo_slot *old = w->memo;
		size_t old_cap = w->memo_cap;
		w->memo = calloc(cap, sizeof(*w->memo));
		if (!w->memo) {
			w->memo = old;
			return;	/* no memo: only slower */
		}
		w->memo_cap = cap;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].key)
				*memo_find(w, old[i].key) = old[i];
		free(old);
	}
	struct memo_slot *s = memo_find(w, key);
	if (s->key == 0)
		w->memo_n++;
	*s = (struct memo_slot){ key, kind };
}

static enum table_kind walk_table(struct walk *w, uint64_t table, int level,
				  uint64_t va_base, unsigned first, bool nx);

/* One present entry: a leaf (a page, or a 2 MiB / 1 GiB PSE page) or
 * the next table. NX set at any level makes the pages non-executable. */
static enum table_kind
walk_entry(struct walk *w, uint64_t e, int level, uint64_t va, bool nx)
{
	struct x86_64_pte d;
	x86_64_pte_decode(e, level, w->pt->sme_mask, &d);
	nx = nx || d.nx;
	if (d.leaf) {
		add_mapped(w, va, d.size);
		add_leaf(w, va, d.addr, d.size, !nx);
		return TABLE_FULL;
	}
	if (d.garbage)
		return TABLE_EMPTY;	/* no PSE above 1 GiB */
	return walk_table(w, d.addr, level - 1, va, 0, nx);
}

static enum table_kind
walk_table(struct walk *w, uint64_t table, int level, uint64_t va_base,
	   unsigned first, bool nx)
{
	uint64_t key = table | (uint64_t)level;
	struct memo_slot *seen = first == 0 ? memo_find(w, key) : NULL;
	if (seen && seen->key) {
		if (seen->kind == TABLE_FULL)
			add_mapped(w, va_base, (uint64_t)ENTRIES << x86_64_level_shift(level));
		if (seen->kind != TABLE_MIXED)
			return seen->kind;
	}
	uint64_t entries[ENTRIES];
	struct vmmap_error *err = w->pt->read(w->pt->arg, table, entries, sizeof(entries));
	w->out->tables++;
	if (err) {
		vmmap_error_destroy(err);
		w->out->unreadable++;
		return TABLE_EMPTY;
	}
	bool record = w->record;
	w->record = record && !(seen && seen->key);
	bool any = false, all = first == 0;
	for (unsigned i = first; i < ENTRIES && !w->err; i++) {
		if (w->budget == 0) {
			w->out->truncated = true;
			all = false;
			break;
		}
		w->budget--;
		uint64_t va = va_base + ((uint64_t)i << x86_64_level_shift(level));
		enum table_kind k = entries[i] & X86_64_PTE_PRESENT
					    ? walk_entry(w, entries[i], level, va, nx) : TABLE_EMPTY;
		any |= k != TABLE_EMPTY;
		all &= k == TABLE_FULL;
	}
	w->record = record;
	enum table_kind kind = all ? TABLE_FULL : any ? TABLE_MIXED : TABLE_EMPTY;
	if (first == 0 && !w->out->truncated)
		memo_put(w, key, kind);
	return kind;
}

struct vmmap_error *
ptenum_kernel(const struct x86_64_page_tables *pt, bool (*want_leaf)(void *, uint64_t),
	      void *arg, struct ptenum *out)
{
	memset(out, 0, sizeof(*out));
	int levels = pt->levels;
	uint64_t root = pt->root;
	struct walk w = {
		.pt = pt, .out = out, .want_leaf = want_leaf, .arg = arg,
		.record = true, .budget = ENTRY_BUDGET,
	};
	/* The kernel half: top-level entries 256..511, whose addresses
	 * are sign-extended from bit 47 (4-level) or 56 (5-level). */
	uint64_t half = ~0ULL << (x86_64_level_shift(levels) + 8);
	walk_table(&w, root, levels, half - (256ULL << x86_64_level_shift(levels)), 256, false);
	free(w.memo);
	if (w.err) {
		ptenum_fini(out);
		return w.err;
	}
	return NULL;
}

void
ptenum_fini(struct ptenum *pe)
{
	free(pe->mapped);
	free(pe->leaves);
	memset(pe, 0, sizeof(*pe));
}
