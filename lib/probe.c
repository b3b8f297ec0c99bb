/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Inference when no variable says it: the dump's ELF program headers
 * and a small probe of the kernel page tables (entries decoded by
 * arch/x86_64/pgtable.c, translation through the kernel reader).
 */
#include "config.h"

#include <stdlib.h>

#include "arch/x86_64/layout.h"
#include "error.h"
#include "probe.h"

/* The entry of vaddr in a table of this level, if present. */
static bool
present_entry(const struct kernel *kr, uint64_t table, uint64_t vaddr, int level,
	      struct x86_64_pte *d)
{
	uint64_t e;
	if (!x86_64_pt_read_entry(&kr->pt, table, x86_64_pt_index(vaddr, level), &e))
		return false;
	x86_64_pte_decode(e, level, kr->pt.sme_mask, d);
	return d->present;
}

/* Walk the KASLR window in 1 GiB steps (the randomization granule,
 * arch/x86/mm/kaslr.c) inside present top-level slots only: the
 * direct map's base is the first address that maps physical 0. */
bool
probe_direct_map_base(struct kernel *kr, uint64_t *base)
{
	int levels = (int)kr->levels.value;
	/* Garbage tables can make every slot look present: bound the
	 * reads and walks (a real direct map is found within the first
	 * slot's 512 steps). Found by fuzzing (a walk of minutes). */
	unsigned budget = 4096;
	if (!kernel_can_translate(kr) || !kr->have_pt)
		return false;
	uint64_t root = kr->pt.root;
	uint64_t start = x86_64_kaslr_window_start(levels, false);
	unsigned shift = x86_64_level_shift(levels);
	uint64_t slot = 1ULL << shift;
	/* a + slot wraps past 2^64 on 5-level paging (the window ends
	 * inside the last slot): stop there. Found by fuzzing. */
	for (uint64_t a = start & ~(slot - 1); a < X86_64_CPU_ENTRY_AREA_BASE;
	     a = a > UINT64_MAX - slot ? X86_64_CPU_ENTRY_AREA_BASE : a + slot) {
		struct x86_64_pte top;
		if (budget-- == 0)
			return false;
		if (!present_entry(kr, root, a, levels, &top))
			continue;
		/* On 5-level paging test each 512 GiB P4D slot too. */
		uint64_t sub = levels == 5 ? 1ULL << x86_64_level_shift(4) : slot;
		uint64_t slot_end = a > UINT64_MAX - slot ? UINT64_MAX : a + slot - 1;
		for (uint64_t b = a; b <= slot_end && b >= a; b += sub) {
			struct x86_64_pte p4d;
			if (budget-- == 0)
				return false;
			if (levels == 5 && !present_entry(kr, top.addr, b, 4, &p4d))
				continue;
			uint64_t sub_end = b > UINT64_MAX - sub ? UINT64_MAX : b + sub - 1;
			for (uint64_t c = b; c <= sub_end && c >= b; c += X86_64_PUD_SIZE) {
				uint64_t pa;
				if (c < start)
					continue;
				if (budget-- == 0)
					return false;
				struct vmmap_error *err = kernel_translate(kr, c, &pa);
				if (err) {
					vmmap_error_destroy(err);
					continue;
				}
				if (pa == 0) {
					*base = c;
					return true;
				}
				/* Mapped, but not physical 0 (the LDT remap, say):
				 * keep looking. */
			}
		}
	}
	return false;
}

/* kdump's ELF vmcore (/proc/vmcore) describes RAM at its direct-map
 * address. QEMU's and makedumpfile's ELF files set p_vaddr = p_paddr or
 * 0: those segments say nothing and are skipped. */
bool
phdrs_direct_map_base(struct kernel *kr, uint64_t *base)
{
	uint64_t (*segs)[3];
	size_t n;
	struct vmmap_error *err = source_load_segments(kr->src, &segs, &n);
	if (err) {
		vmmap_error_destroy(err);
		return false;
	}
	uint64_t found = 0;
	bool have = false, agree = true;
	uint64_t half = x86_64_user_end((int)kr->levels.value);
	for (size_t i = 0; i < n; i++) {
		uint64_t va = segs[i][0], pa = segs[i][1];
		if (va <= half || x86_64_in_kernel_image(va) || va == pa || va < pa)
			continue;
		if (have && va - pa != found)
			agree = false;
		found = va - pa;
		have = true;
	}
	free(segs);
	if (have && agree)
		*base = found;
	return have && agree;
}
