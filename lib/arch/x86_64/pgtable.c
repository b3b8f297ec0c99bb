/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
#include "config.h"

#include "pgtable.h"

#include <vmmap/vmmap.h>

unsigned
x86_64_level_shift(int level)
{
	return 12 + 9 * (unsigned)(level - 1);
}

unsigned
x86_64_pt_index(uint64_t vaddr, int level)
{
	return (vaddr >> x86_64_level_shift(level)) & (X86_64_PT_ENTRIES - 1);
}

void
x86_64_pte_decode(uint64_t e, int level, uint64_t sme_mask, struct x86_64_pte *out)
{
	out->present = e & X86_64_PTE_PRESENT;
	out->nx = e & X86_64_PTE_NX;
	out->size = 1ULL << x86_64_level_shift(level);
	out->addr = e & X86_64_PTE_ADDR_MASK & ~sme_mask;
	bool pse = e & X86_64_PTE_PSE;
	out->leaf = level == 1 || ((level == 2 || level == 3) && pse);
	out->garbage = !out->leaf && pse;
	if (out->leaf)
		out->addr &= ~(out->size - 1);	/* bit 12 of a PSE entry is PAT */
}

bool
x86_64_pt_read_entry(const struct x86_64_page_tables *pt, uint64_t table,
		     unsigned idx, uint64_t *e)
{
	struct vmmap_error *err = pt->read(pt->arg, table + idx * 8ULL, e, sizeof(*e));
	vmmap_error_destroy(err);
	return err == NULL;
}

bool
x86_64_pt_lookup(const struct x86_64_page_tables *pt, int levels, uint64_t vaddr,
		 struct x86_64_mapping *out)
{
	uint64_t table = pt->root;
	/* the access an address gets is the strictest of its entries' */
	bool rw = true, nx = false;
	for (int level = levels; level >= 1; level--) {
		uint64_t e;
		struct x86_64_pte d;
		if (!x86_64_pt_read_entry(pt, table, x86_64_pt_index(vaddr, level), &e))
			return false;
		x86_64_pte_decode(e, level, pt->sme_mask, &d);
		if (!d.present || d.garbage)
			return false;
		rw = rw && (e & X86_64_PTE_RW);
		nx = nx || d.nx;
		if (d.leaf) {
			*out = (struct x86_64_mapping){
				.paddr = d.addr + (vaddr & (d.size - 1)),
				.page_size = d.size,
				.rw = rw,
				.nx = nx,
				.global = e & X86_64_PTE_GLOBAL,
			};
			return true;
		}
		table = d.addr;
	}
	return false;
}

bool
x86_64_pt_walk(const struct x86_64_page_tables *pt, int levels, uint64_t vaddr,
	       uint64_t *paddr)
{
	struct x86_64_mapping m;
	if (!x86_64_pt_lookup(pt, levels, vaddr, &m))
		return false;
	*paddr = m.paddr;
	return true;
}

uint64_t
x86_64_pt_hole(const struct x86_64_page_tables *pt, int levels, uint64_t vaddr)
{
	uint64_t table = pt->root;
	for (int level = levels; level >= 1; level--) {
		uint64_t e;
		struct x86_64_pte d;
		if (!x86_64_pt_read_entry(pt, table, x86_64_pt_index(vaddr, level), &e))
			return 0;
		x86_64_pte_decode(e, level, pt->sme_mask, &d);
		if (!d.present || d.garbage)
			return 1ULL << x86_64_level_shift(level);
		if (d.leaf)
			return 0;
		table = d.addr;
	}
	return 0;
}
