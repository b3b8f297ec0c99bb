/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Unit tests of libvmmap's modules on their own, over a small physical
 * memory built here page by page: the page-table entry decoder and
 * walker, the enumeration of the kernel half, libaddrxlat's walk over
 * the same tables, the symbol table, the kallsyms decoder, the module
 * finder and the page stream. Every expected value is worked out by
 * hand from the tables this file writes. TAP output.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/pgtable.h"
#include "arch/x86_64/pgwalk.h"
#include "arch/x86_64/ptenum.h"
#include "error.h"
#include "kallsyms.h"
#include "kernel.h"
#include "modules.h"
#include "pagestream.h"
#include "symtab.h"

static int n, failed;

static void
ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
ok(int cond, const char *fmt, ...)
{
	va_list ap;
	n++;
	if (!cond)
		failed++;
	printf("%s %d - ", cond ? "ok" : "not ok", n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* ------------------------------------------------------------------ */
/* A sparse physical memory: pages created on first write. */

#define PAGE 4096ULL
#define MAX_PAGES 600

struct phys {
	uint64_t pa[MAX_PAGES];
	uint8_t *page[MAX_PAGES];
	size_t n;
	uint64_t hole;		/* a page that exists but will not read, or 0 */
};

static uint8_t *
page_of(struct phys *m, uint64_t pa, bool create)
{
	pa &= ~(PAGE - 1);
	for (size_t i = 0; i < m->n; i++)
		if (m->pa[i] == pa)
			return m->page[i];
	if (!create || m->n == MAX_PAGES)
		return NULL;
	m->pa[m->n] = pa;
	m->page[m->n] = calloc(1, PAGE);
	return m->page[m->n++];
}

static void
poke(struct phys *m, uint64_t pa, const void *data, size_t len)
{
	const uint8_t *p = data;
	for (size_t i = 0; i < len; i++)
		page_of(m, pa + i, true)[(pa + i) & (PAGE - 1)] = p[i];
}

static void
poke64(struct phys *m, uint64_t pa, uint64_t v)
{
	poke(m, pa, &v, sizeof(v));
}

static struct vmmap_error *
phys_read(void *arg, uint64_t pa, void *buf, size_t len)
{
	struct phys *m = arg;
	uint8_t *out = buf;
	for (size_t i = 0; i < len; i++) {
		const uint8_t *p = page_of(m, pa + i, false);
		if (!p || (m->hole && ((pa + i) & ~(PAGE - 1)) == m->hole))
			return vmmap_error_fault(pa + i, "no page at 0x%" PRIx64, pa + i);
		out[i] = p[(pa + i) & (PAGE - 1)];
	}
	return NULL;
}

static void
phys_free(struct phys *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->page[i]);
	m->n = 0;
}

/* ------------------------------------------------------------------ */
/* Page tables, 4-level, written by hand:
 *   PGD 0x1000: [273] (0xffff888000000000) -> PUD 0x2000
 *               [511] (0xffffff8000000000) -> PUD 0x3000
 *   PUD 0x2000: [0] 1 GiB page at physical 0 (PSE), NX
 *               [1] -> PMD 0x5000,  [2] -> PMD 0x5000 again (shared)
 *   PUD 0x3000: [510] (0xffffffff80000000) -> PMD 0x4000
 *   PMD 0x4000: [8] (0xffffffff81000000) 2 MiB page at 0x1000000,
 *               executable; [9] -> PT 0x6000
 *   PMD 0x5000: [0] -> PT 0x6000
 *   PT  0x6000: [1] 4 KiB page at 0x7000 (NX, with SME's C-bit set),
 *               [2] present bit clear
 */
#define P 0x1ULL
#define RW 0x2ULL
#define PSE 0x80ULL
#define NX (1ULL << 63)
#define SME (1ULL << 47)

static void
write_tables(struct phys *m)
{
	poke64(m, 0x1000 + 273 * 8, 0x2000 | P | RW);
	poke64(m, 0x1000 + 511 * 8, 0x3000 | P | RW);
	poke64(m, 0x2000 + 0 * 8, 0x0 | P | RW | PSE | NX);
	poke64(m, 0x2000 + 1 * 8, 0x5000 | P | RW);
	poke64(m, 0x2000 + 2 * 8, 0x5000 | P | RW);
	poke64(m, 0x3000 + 510 * 8, 0x4000 | P | RW);
	poke64(m, 0x4000 + 8 * 8, 0x1000000 | P | PSE);
	poke64(m, 0x4000 + 9 * 8, 0x6000 | P | RW);
	poke64(m, 0x5000 + 0 * 8, 0x6000 | P | RW);
	poke64(m, 0x6000 + 1 * 8, 0x7000 | SME | P | RW | NX);
	poke64(m, 0x6000 + 2 * 8, 0x8000 | RW);
	poke64(m, 0x7000, 0x1122334455667788ULL);
}

static struct x86_64_page_tables
tables_of(struct phys *m)
{
	return (struct x86_64_page_tables){
		.read = phys_read, .arg = m, .root = 0x1000, .levels = 4, .sme_mask = SME,
	};
}

static void
test_pte_decode(void)
{
	struct x86_64_pte d;
	x86_64_pte_decode(0x40000000ULL | 0x1000 | P | PSE, 3, 0, &d);
	ok(d.present && d.leaf && d.addr == 0x40000000ULL && d.size == 1ULL << 30,
	   "a PSE entry at level 3 is a 1 GiB page; bit 12 (PAT) is no address bit");
	x86_64_pte_decode(0x5000 | P | PSE, 4, 0, &d);
	ok(d.present && !d.leaf && d.garbage, "PSE at level 4 is garbage, not a page");
	x86_64_pte_decode(0x7000 | SME | P | NX, 1, SME, &d);
	ok(d.leaf && d.nx && d.addr == 0x7000, "SME's C-bit is stripped, NX seen");
	ok(x86_64_pt_index(0xffff888000000000ULL, 4) == 273 &&
	   x86_64_pt_index(0xffffffff81000000ULL, 2) == 8, "table indices of known addresses");
}

static void
test_pt_walk(void)
{
	struct phys m = { 0 };
	write_tables(&m);
	struct x86_64_page_tables pt = tables_of(&m);
	uint64_t pa = 0;
	bool walked = x86_64_pt_walk(&pt, 4, 0xffff888012345678ULL, &pa);
	ok(walked && pa == 0x12345678, "walk through a 1 GiB page: 0x%" PRIx64, pa);
	walked = x86_64_pt_walk(&pt, 4, 0xffffffff81034567ULL, &pa);
	ok(walked && pa == 0x1034567, "walk through a 2 MiB page: 0x%" PRIx64, pa);
	walked = x86_64_pt_walk(&pt, 4, 0xffff888040001abcULL, &pa);
	ok(walked && pa == 0x7abc, "walk through a 4 KiB page, C-bit stripped: 0x%" PRIx64, pa);
	ok(!x86_64_pt_walk(&pt, 4, 0xffff888040002000ULL, &pa), "a not-present PTE does not translate");
	ok(!x86_64_pt_walk(&pt, 4, 0xffffc90000000000ULL, &pa), "an empty PGD slot does not translate");
	ok(!x86_64_pt_walk(&pt, 5, 0xffffffff81000000ULL, &pa) || pa != 0x1000000,
	   "a 5-level walk of 4-level tables does not reach the kernel text");

	struct pgwalk *pw = NULL;
	struct vmmap_error *err = pgwalk_create(&pt, &pw);
	ok(!err, "libaddrxlat walker over the same reader");
	const uint64_t probe[] = { 0xffff888012345678ULL, 0xffffffff81034567ULL,
				   0xffff888040001abcULL, 0xffff888080001000ULL };
	int agree = 0;
	for (size_t i = 0; pw && i < sizeof(probe) / sizeof(probe[0]); i++) {
		uint64_t a = 0, b = 0;
		bool mine = x86_64_pt_walk(&pt, 4, probe[i], &a);
		struct vmmap_error *e = pgwalk_translate(pw, probe[i], &b);
		agree += mine == !e && (!mine || a == b);
		vmmap_error_destroy(e);
	}
	ok(agree == 4, "libaddrxlat and the entry walker agree on %d of 4 addresses", agree);
	uint64_t dummy;
	err = pw ? pgwalk_translate(pw, 0xffff888040002000ULL, &dummy) : NULL;
	uint64_t at = 0;
	ok(err && vmmap_error_code(err) == VMMAP_ERROR_FAULT && vmmap_error_fault_address(err, &at) &&
	   at == 0xffff888040002000ULL, "an unmapped address is a FAULT that names it");
	vmmap_error_destroy(err);
	pgwalk_destroy(pw);
	phys_free(&m);
}

static bool
want_all(void *arg, uint64_t va)
{
	(void)arg;
	(void)va;
	return true;
}

static void
test_ptenum(void)
{
	struct phys m = { 0 };
	write_tables(&m);
	struct x86_64_page_tables pt = tables_of(&m);
	struct ptenum pe;
	struct vmmap_error *err = ptenum_kernel(&pt, want_all, NULL, &pe);
	ok(!err, "enumerating the kernel half");
	if (err) {
		vmmap_error_destroy(err);
		return;
	}
	/* 1 GiB at the direct map's start, then the 4 KiB page once for
	 * each PUD entry sharing PMD 0x5000, and the kernel text's 2 MiB
	 * page followed by the 4 KiB page of PT 0x6000 behind PMD[9]. */
	const struct va_range want[] = {
		{ 0xffff888000000000ULL, 0xffff88803fffffffULL },
		{ 0xffff888040001000ULL, 0xffff888040001fffULL },
		{ 0xffff888080001000ULL, 0xffff888080001fffULL },
		{ 0xffffffff81000000ULL, 0xffffffff811fffffULL },
		{ 0xffffffff81201000ULL, 0xffffffff81201fffULL },
	};
	bool same = pe.nmapped == 5;
	for (size_t i = 0; same && i < 5; i++)
		same = pe.mapped[i].start == want[i].start && pe.mapped[i].last == want[i].last;
	ok(same, "mapped ranges are the five the tables hold (%zu found)", pe.nmapped);
	bool exec_text = false, nx_direct = false;
	for (size_t i = 0; i < pe.nleaves; i++) {
		if (pe.leaves[i].va == 0xffffffff81000000ULL)
			exec_text = pe.leaves[i].exec && pe.leaves[i].pa == 0x1000000;
		if (pe.leaves[i].va == 0xffff888000000000ULL)
			nx_direct = !pe.leaves[i].exec && pe.leaves[i].size == 1ULL << 30;
	}
	ok(exec_text && nx_direct, "leaves: the text page executable, the direct map NX");
	/* PGD, two PUDs, PMD 0x4000 once; PMD 0x5000 twice and PT 0x6000
	 * three times: a table with some entries present is walked again
	 * at each use (only empty and full ones are remembered). */
	ok(pe.tables == 9 && !pe.truncated && pe.unreadable == 0,
	   "9 tables read: %" PRIu64, pe.tables);
	ptenum_fini(&pe);

	/* A table that points at itself: bounded, never endless. */
	poke64(&m, 0x3000 + 0, 0x3000 | P | RW);
	err = ptenum_kernel(&pt, want_all, NULL, &pe);
	ok(!err, "a self-referencing table is walked within bounds");
	vmmap_error_destroy(err);
	ptenum_fini(&pe);
	phys_free(&m);
}

/* ------------------------------------------------------------------ */
/* The symbol table */

static void
test_symtab(void)
{
	struct symtab st;
	symtab_init(&st, VMMAP_FROM_KALLSYMS);
	static const struct { uint64_t a; char t; const char *n; } syms[] = {
		{ 0xffffffff81002000ULL, 'T', "second" },
		{ 0xffffffff81000000ULL, 'T', "_stext" },
		{ 0xffffffff81003000ULL, 'A', "absolute" },
		{ 0xffffffff81004000ULL, 'd', "data" },
		{ 0x20000ULL, 'A', "percpu_thing" },
	};
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		symtab_add(&st, syms[i].a, syms[i].t, syms[i].n, strlen(syms[i].n));
	symtab_finish(&st);
	const struct symtab_entry *e = symtab_by_name(&st, "second");
	ok(e && e->addr == 0xffffffff81002000ULL, "by name");
	ok(!symtab_by_name(&st, "secon"), "a prefix is not a name");
	e = symtab_by_addr(&st, 0xffffffff81003800ULL);
	ok(e && strcmp(symtab_name(&st, e), "second") == 0,
	   "by address: the last location symbol at or below ('A' symbols are no locations)");
	e = symtab_at_or_above(&st, 0xffffffff81000001ULL);
	ok(e && strcmp(symtab_name(&st, e), "second") == 0, "the first symbol at or above");
	/* The page index gives the answers of the plain binary search. */
	const struct symtab_entry *plain[14];
	for (int i = 0; i < 14; i++)
		plain[i] = symtab_by_addr(&st, 0xffffffff80fff000ULL + 0x800ULL * (uint64_t)i);
	symtab_index_range(&st, 0xffffffff81000000ULL, 0x5000);
	int same = 0;
	for (int i = 0; i < 14; i++)
		same += plain[i] == symtab_by_addr(&st, 0xffffffff80fff000ULL + 0x800ULL * (uint64_t)i);
	ok(st.by_addr && same == 14, "the address index agrees with binary search (%d of 14)", same);
	symtab_relocate(&st, 0xffffffff80000000ULL, UINT64_MAX, 0x200000);
	e = symtab_by_name(&st, "_stext");
	const struct symtab_entry *pc = symtab_by_name(&st, "percpu_thing");
	ok(e && e->addr == 0xffffffff81200000ULL && pc && pc->addr == 0x20000,
	   "relocation moves the image, not per-cpu offsets");
	symtab_fini(&st);
}

/* ------------------------------------------------------------------ */
/* kallsyms: tables as scripts/kallsyms.c lays them out, built here. */

#define KBASE 0xffffffff82000000ULL	/* where the tables live */

struct kmem {
	uint8_t b[8192];
};

static struct vmmap_error *
kmem_read(void *arg, uint64_t va, void *buf, size_t len)
{
	struct kmem *k = arg;
	if (va < KBASE || va - KBASE > sizeof(k->b) || len > sizeof(k->b) - (va - KBASE))
		return vmmap_error_fault(va, "outside the tables");
	memcpy(buf, k->b + (va - KBASE), len);
	return NULL;
}

/* Tokens: index i is the one-character string of byte i, except token
 * 0x80 "_st" and 0x81 "ext" (compression as the kernel does it). */
static void
write_kallsyms(struct kmem *k, struct kallsyms_location *loc, bool relative)
{
	memset(k, 0, sizeof(*k));
	uint16_t index[256];
	size_t at = 0x400;	/* token table */
	for (int i = 0; i < 256; i++) {
		index[i] = (uint16_t)(at - 0x400);
		const char *t = i == 0x80 ? "_st" : i == 0x81 ? "ext" : NULL;
		if (t) {
			memcpy(k->b + at, t, strlen(t) + 1);
			at += strlen(t) + 1;
		} else {
			k->b[at++] = (uint8_t)(i ? i : 'x');
			k->b[at++] = 0;
		}
	}
	memcpy(k->b + 0x200, index, sizeof(index));
	/* names: "T_stext" = 'T', 0x80, 0x81; "tfoo"; "Dbar" */
	static const uint8_t names[] = { 3, 'T', 0x80, 0x81, 4, 't', 'f', 'o', 'o',
					 4, 'D', 'b', 'a', 'r' };
	memcpy(k->b + 0x1000, names, sizeof(names));
	uint32_t num = 3;
	memcpy(k->b + 0x100, &num, sizeof(num));
	*loc = (struct kallsyms_location){
		.num_syms = KBASE + 0x100, .token_index = KBASE + 0x200,
		.token_table = KBASE + 0x400, .names = KBASE + 0x1000,
		.stext = 0xffffffff81000000ULL, .image_start = 0xffffffff80000000ULL,
	};
	if (relative) {
		/* base-relative: _stext at base + 0, foo + 0x10, bar + 0x2000 */
		int32_t off[3] = { 0, 0x10, 0x2000 };
		uint64_t base = 0xffffffff81000000ULL;
		memcpy(k->b + 0x1800, off, sizeof(off));
		memcpy(k->b + 0x1900, &base, sizeof(base));
		loc->offsets = KBASE + 0x1800;
		loc->relative_base = KBASE + 0x1900;
	} else {
		uint64_t addr[3] = { 0xffffffff81000000ULL, 0xffffffff81000010ULL,
				     0xffffffff81002000ULL };
		memcpy(k->b + 0x1800, addr, sizeof(addr));
		loc->addresses = KBASE + 0x1800;
	}
}

static void
test_kallsyms(void)
{
	for (int relative = 0; relative < 2; relative++) {
		struct kmem *k = malloc(sizeof(*k));
		struct kallsyms_location loc;
		write_kallsyms(k, &loc, relative);
		struct symtab st;
		symtab_init(&st, VMMAP_FROM_KALLSYMS);
		struct vmmap_error *err = kallsyms_decode(&loc, kmem_read, k, &st);
		symtab_finish(&st);
		const struct symtab_entry *s = symtab_by_name(&st, "_stext");
		const struct symtab_entry *f = symtab_by_name(&st, "foo");
		const struct symtab_entry *b = symtab_by_name(&st, "bar");
		ok(!err && st.n == 3 && s && s->addr == 0xffffffff81000000ULL && s->type == 'T' &&
		   f && f->addr == 0xffffffff81000010ULL && f->type == 't' &&
		   b && b->addr == 0xffffffff81002000ULL && b->type == 'D',
		   "kallsyms with %s: three names through tokens, types, addresses",
		   relative ? "base-relative offsets" : "absolute addresses");
		vmmap_error_destroy(err);
		symtab_fini(&st);

		/* A few names looked up without decoding the table: the same
		 * addresses; "foo" and "fo" (another length) absent/present
		 * told apart, a name matching only a prefix ("ba") absent. */
		struct kallsyms *ks = NULL;
		static const char *const want[] = { "bar", "ba", "foo", "fox", "_stext", "tfoo" };
		uint64_t addrs[6];
		bool found[6];
		err = kallsyms_open(&loc, kmem_read, k, &ks);
		if (!err)
			err = kallsyms_lookup(ks, want, 6, addrs, found);
		ok(!err && found[0] && addrs[0] == 0xffffffff81002000ULL && !found[1] &&
		   found[2] && addrs[2] == 0xffffffff81000010ULL && !found[3] &&
		   found[4] && addrs[4] == 0xffffffff81000000ULL && !found[5],
		   "kallsyms with %s: names looked up as the whole table has them",
		   relative ? "base-relative offsets" : "absolute addresses");
		vmmap_error_destroy(err);
		kallsyms_close(ks);

		/* A wrong _stext: the decoder refuses rather than guessing. */
		loc.stext = 0xffffffff81200000ULL;
		symtab_init(&st, VMMAP_FROM_KALLSYMS);
		err = kallsyms_decode(&loc, kmem_read, k, &st);
		ok(relative ? err && vmmap_error_code(err) == VMMAP_ERROR_FORMAT : !err,
		   "%s: _stext elsewhere than VMCOREINFO says is %s",
		   relative ? "offsets" : "addresses", relative ? "refused" : "not checked");
		vmmap_error_destroy(err);
		symtab_fini(&st);

		/* An absurd count is refused before anything is read. */
		uint32_t absurd = 0x7fffffff;
		memcpy(k->b + 0x100, &absurd, sizeof(absurd));
		loc.stext = 0xffffffff81000000ULL;
		symtab_init(&st, VMMAP_FROM_KALLSYMS);
		err = kallsyms_decode(&loc, kmem_read, k, &st);
		ok(err && vmmap_error_code(err) == VMMAP_ERROR_FORMAT, "an absurd kallsyms_num_syms");
		vmmap_error_destroy(err);
		symtab_fini(&st);
		free(k);
	}
}

/* The tables as scripts/kallsyms.c of 4.6-5.19 lays them out, each
 * label 8-byte aligned, with 300 names (two markers), and nothing in
 * VMCOREINFO: kallsyms_find must locate them all. */
static void
write_old_kallsyms(struct kmem *k, struct kallsyms_location *want)
{
	struct kallsyms_location tok;
	write_kallsyms(k, &tok, true);	/* for its token table */
	uint8_t table[1024];
	uint16_t index[256];
	memcpy(index, k->b + 0x200, sizeof(index));
	size_t table_len = index[255] + strlen((char *)k->b + 0x400 + index[255]) + 1;
	memcpy(table, k->b + 0x400, table_len);
	memset(k, 0, sizeof(*k));
	enum { NUM = 300 };
	size_t at = 0;
	int32_t off[NUM];
	for (int i = 0; i < NUM; i++)
		off[i] = 0x10 * i;
	memcpy(k->b, off, sizeof(off));
	at = (sizeof(off) + 7) & ~7u;
	want->offsets = KBASE;
	want->relative_base = KBASE + at;
	uint64_t base = 0xffffffff81000000ULL;
	memcpy(k->b + at, &base, 8);
	at += 8;
	want->num_syms = KBASE + at;
	uint32_t num = NUM;
	memcpy(k->b + at, &num, 4);
	at += 8;
	want->names = KBASE + at;
	uint32_t markers[2] = { 0, 0 };
	size_t names = at;
	for (int i = 0; i < NUM; i++) {
		if (i == 256)
			markers[1] = (uint32_t)(at - names);
		if (i == 0) {
			const uint8_t stext[] = { 3, 'T', 0x80, 0x81 };
			memcpy(k->b + at, stext, sizeof(stext));
			at += sizeof(stext);
			continue;
		}
		char name[16];
		int len = snprintf(name, sizeof(name), "tsym%d", i);
		k->b[at++] = (uint8_t)len;
		memcpy(k->b + at, name, (size_t)len);
		at += (size_t)len;
	}
	at = (at + 7) & ~7u;
	memcpy(k->b + at, markers, sizeof(markers));
	at += sizeof(markers);
	want->token_table = KBASE + at;
	memcpy(k->b + at, table, table_len);
	at = (at + table_len + 7) & ~7u;
	want->token_index = KBASE + at;
	memcpy(k->b + at, index, sizeof(index));
}

static void
test_kallsyms_find(void)
{
	struct kmem *k = malloc(sizeof(*k));
	struct kallsyms_location want = { 0 }, got = { 0 };
	write_old_kallsyms(k, &want);
	struct vmmap_error *err = kallsyms_find(kmem_read, k, KBASE, sizeof(k->b), &got);
	ok(!err && got.token_table == want.token_table && got.token_index == want.token_index &&
	   got.names == want.names && got.num_syms == want.num_syms &&
	   got.offsets == want.offsets && got.relative_base == want.relative_base,
	   "kallsyms_find locates all six tables of a 5.x-style image");
	vmmap_error_destroy(err);
	got.stext = 0xffffffff81000000ULL;
	got.image_start = 0xffffffff80000000ULL;
	struct symtab st;
	symtab_init(&st, VMMAP_FROM_KALLSYMS_SCAN);
	err = kallsyms_decode(&got, kmem_read, k, &st);
	symtab_finish(&st);
	const struct symtab_entry *e = symtab_by_name(&st, "sym299");
	ok(!err && st.n == 300 && e && e->type == 't' && e->addr == 0xffffffff81000000ULL + 0x10 * 299,
	   "and they decode: 300 names, sym299 (type t) at _stext + 0xbb0");
	vmmap_error_destroy(err);
	symtab_fini(&st);

	/* One marker wrong: the names no longer fit, nothing is found. */
	uint32_t bad = 1;
	memcpy(k->b + (want.token_table - KBASE) - 4, &bad, 4);
	err = kallsyms_find(kmem_read, k, KBASE, sizeof(k->b), &got);
	ok(err && vmmap_error_code(err) == VMMAP_ERROR_NOT_FOUND,
	   "a corrupt marker: not found, no guess");
	vmmap_error_destroy(err);
	free(k);
}

/* ------------------------------------------------------------------ */
/* Modules: a kernel reader over the physical memory, with the kernel
 * image at phys_base 0 and module space mapped linearly from physical
 * 0x100000 (the source's own page walk). */

#define MOD_SPACE 0xffffffffc0000000ULL
#define MOD_PHYS 0x100000ULL
#define MOD_END 0xffffffffff000000ULL	/* MODULES_END */

static struct vmmap_error *
mod_walk(void *arg, uint64_t va, uint64_t *pa)
{
	(void)arg;
	if (va < MOD_SPACE || va >= MOD_SPACE + 0x40000)
		return vmmap_error_fault(va, "not mapped");
	*pa = va - MOD_SPACE + MOD_PHYS;
	return NULL;
}

static struct vmmap_error *
mod_read(void *arg, uint64_t pa, void *buf, size_t len)
{
	return phys_read(arg, pa, buf, len);
}

/* struct module at va: list at +8, name at +24, and a (base, size)
 * pair at +0x140 (the place varies by era; the finder searches). */
static void
write_module(struct phys *m, uint64_t va, uint64_t next, uint64_t prev, const char *name,
	     uint64_t base, uint32_t size)
{
	uint64_t pa = va - MOD_SPACE + MOD_PHYS;
	poke64(m, pa + 8, next);
	poke64(m, pa + 16, prev);
	poke(m, pa + 24, name, strlen(name) + 1);
	poke64(m, pa + 0x140, base);
	poke(m, pa + 0x148, &size, sizeof(size));
	poke(m, pa + 0x800, "", 1);	/* the rest of the struct is readable */
}

static struct kernel *
module_kernel(struct phys *m, struct vmmap_source **srcp)
{
	static const struct vmmap_source_ops ops = {
		VMMAP_SOURCE_OPS_INIT, .name = "test", .read_phys = mod_read, .page_walk = mod_walk,
	};
	struct vmmap_source *src;
	if (vmmap_source_create(&ops, m, &src))
		return NULL;
	struct kernel *k = calloc(1, sizeof(*k));
	k->src = src;
	symtab_init(&k->syms, VMMAP_FROM_KALLSYMS);
	/* `modules` (a list_head) at image address 0xffffffff82000100,
	 * physical 0x2000100 with phys_base 0. */
	symtab_add(&k->syms, 0xffffffff82000100ULL, 'D', "modules", 7);
	symtab_finish(&k->syms);
	*srcp = src;
	return k;
}

static void
test_modules(void)
{
	struct phys m = { 0 };
	const uint64_t head = 0xffffffff82000100ULL, head_pa = 0x2000100;
	const uint64_t a = MOD_SPACE + 0x1000, b = MOD_SPACE + 0x8000;
	/* The list: head -> a -> b -> head; struct module inside its own
	 * core block for both. */
	poke64(&m, head_pa, a + 8);
	write_module(&m, a, b + 8, head, "loop", MOD_SPACE, 0x4000);
	write_module(&m, b, head, a + 8, "tun", MOD_SPACE + 0x8000, 0x3000);
	struct vmmap_source *src = NULL;
	struct kernel *k = module_kernel(&m, &src);
	struct module_list ml;
	struct vmmap_error *err = modules_load(k, MOD_SPACE, MOD_END, &ml);
	uint64_t off = 0;
	const char *in_loop = modules_find(&ml, MOD_SPACE + 0x3fff, &off);
	ok(!err && ml.n == 2 && strcmp(ml.names[0], "loop") == 0 &&
	   strcmp(ml.names[1], "tun") == 0, "two modules found by name (%zu)", ml.n);
	ok(in_loop && strcmp(in_loop, "loop") == 0 && off == 0x3fff &&
	   !modules_find(&ml, MOD_SPACE + 0x4000, &off),
	   "ranges from the (base, size) pair: loop ends at +0x3fff");
	const struct module_range *r = modules_range_of(&ml, MOD_SPACE + 0x8000);
	ok(r && r->module == 1 && r->end == MOD_SPACE + 0xafff, "tun's range");
	modules_fini(&ml);
	vmmap_error_destroy(err);

	/* A name that is no name: no modules, a note, no guess. */
	poke(&m, b - MOD_SPACE + MOD_PHYS + 24, "t\x01n", 4);
	size_t notes = k->notes.n;
	err = modules_load(k, MOD_SPACE, MOD_END, &ml);
	ok(!err && ml.n == 0 && k->notes.n == notes + 1, "a garbage name: no modules, one note");
	vmmap_error_destroy(err);
	modules_fini(&ml);

	/* A list that leaves the modules area. */
	poke(&m, b - MOD_SPACE + MOD_PHYS + 24, "tun", 4);
	poke64(&m, head_pa, 0xffff888000001000ULL);
	err = modules_load(k, MOD_SPACE, MOD_END, &ml);
	ok(!err && ml.n == 0, "a list pointing outside the modules area: no modules");
	vmmap_error_destroy(err);
	modules_fini(&ml);
	kernel_destroy(k);
	vmmap_source_destroy(src);
	phys_free(&m);
}

/* ------------------------------------------------------------------ */
/* The page stream: every present page once, in order, with the
 * unreadable ones flagged. */

static struct vmmap_error *
present(void *arg, uint64_t addr, uint64_t *start, uint64_t *end)
{
	/* Runs: [0x0, 0x3000), [0x100000, 0x250000) (over one chunk), [0x400000, 0x401000) */
	(void)arg;
	static const uint64_t runs[][2] = {
		{ 0x0, 0x3000 }, { 0x100000, 0x250000 }, { 0x400000, 0x401000 },
	};
	for (size_t i = 0; i < 3; i++) {
		if (runs[i][1] <= addr)
			continue;
		*start = runs[i][0] > addr ? runs[i][0] : addr;
		*end = runs[i][1];
		return NULL;
	}
	return vmmap_error_create(VMMAP_ERROR_NOT_FOUND, "no more pages");
}

static void
test_pagestream(void)
{
	struct phys m = { 0 };
	uint64_t want_pages = 0;
	for (uint64_t pa = 0; pa < 0x401000; pa += PAGE) {
		if (pa >= 0x3000 && pa < 0x100000)
			continue;
		if (pa >= 0x250000 && pa < 0x400000)
			continue;
		poke64(&m, pa, pa ^ 0xabcdef);
		want_pages++;
	}
	m.hole = 0x101000;
	static const struct vmmap_source_ops ops = {
		VMMAP_SOURCE_OPS_INIT, .name = "test", .read_phys = phys_read,
		.present_range = present,
	};
	struct vmmap_source *src;
	struct page_stream *ps = NULL;
	uint64_t total = 0;
	struct vmmap_error *err = vmmap_source_create(&ops, &m, &src);
	if (!err)
		err = page_stream_start(src, &ps, &total);
	ok(!err && total == want_pages * PAGE, "the stream counts %" PRIu64 " bytes", total);
	uint64_t pages = 0, last = 0, bad = 0, unreadable = 0;
	bool ascending = true;
	const struct page_chunk *c;
	while (!err && !(err = page_stream_next(ps, &c)) && c) {
		for (size_t i = 0; i < c->pages; i++) {
			uint64_t pa = c->pa + i * PAGE;
			ascending &= pages == 0 || pa > last;
			last = pa;
			pages++;
			if (c->unreadable[i / 64] & (1ULL << (i % 64))) {
				unreadable += pa == 0x101000 ? 1 : 100;
				continue;
			}
			bad += c->words[i * 512] != (pa ^ 0xabcdef);
		}
	}
	ok(!err && pages == want_pages && ascending,
	   "every present page once, ascending (%" PRIu64 " of %" PRIu64 ")", pages, want_pages);
	ok(bad == 0 && unreadable == 1, "contents right; only the page that will not read is flagged");
	vmmap_error_destroy(err);
	page_stream_stop(ps);
	vmmap_source_destroy(src);
	phys_free(&m);
}

int
main(void)
{
	test_pte_decode();
	test_pt_walk();
	test_ptenum();
	test_symtab();
	test_kallsyms();
	test_kallsyms_find();
	test_modules();
	test_pagestream();
	printf("1..%d\n", n);
	return failed != 0;
}
