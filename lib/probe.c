/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Inference when no variable says it: the dump's ELF program headers
 * and small probes of the kernel page tables. Translation itself goes
 * through the source's page walk (libaddrxlat for dump files); only
 * single table entries are read here.
 */
#include "config.h"

#include <stdlib.h>

#include "error.h"
#include "map.h"

#define PTE_PRESENT 0x1ULL
#define PTE_PSE 0x80ULL
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

static bool
read_entry(struct vmmap_map *map, uint64_t table, unsigned idx, uint64_t *e)
{
	struct vmmap_error *err = source_read_u64_phys(map->src, table + idx * 8ULL, e);
	if (err) {
		vmmap_error_destroy(err);
		return false;
	}
	return true;
}

bool
probe_root_table(struct vmmap_map *map, uint64_t *root)
{
	uint64_t vaddr;
	struct vmmap_error *err = vmcoreinfo_symbol(map->vi, "init_top_pgt", &vaddr);
	if (err) {
		vmmap_error_destroy(err);
		err = vmcoreinfo_symbol(map->vi, "init_level4_pgt", &vaddr);
	}
	if (err) {
		vmmap_error_destroy(err);
		return false;
	}
	if (!kimage_contains(vaddr))
		return false;
	*root = vaddr - X86_64_START_KERNEL_MAP + map->k.phys_base.value;
	return true;
}

/* The next table's physical address in an entry, without AMD SME's
 * encryption bit. */
static uint64_t
entry_table(const struct vmmap_map *map, uint64_t e)
{
	return e & PTE_ADDR_MASK & ~map->sme_mask;
}

/* Does a walk of vaddr with this many levels, reading one entry per
 * level, end at the physical address the kernel image mapping must
 * give? Only used to tell 4- from 5-level tables; translation itself
 * is libaddrxlat's. */
static bool
walk_reaches(struct vmmap_map *map, uint64_t table, uint64_t vaddr, int levels,
	     uint64_t want)
{
	for (int level = levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t e;
		if (!read_entry(map, table, (vaddr >> shift) & 511, &e) || !(e & PTE_PRESENT))
			return false;
		uint64_t next = entry_table(map, e);
		if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PSE))) {
			uint64_t page = 1ULL << shift;
			return (next & ~(page - 1)) + (vaddr & (page - 1)) == want;
		}
		table = next;
	}
	return false;
}

/* Walk the kernel's own text address with 4 and with 5 levels: only the
 * depth the kernel runs with reaches its physical address. */
bool
probe_levels(struct vmmap_map *map, int *levels)
{
	uint64_t root;
	if (!probe_root_table(map, &root))
		return false;
	uint64_t text = X86_64_DEFAULT_TEXT + map->k.kernel_offset.value;
	uint64_t want = text - X86_64_START_KERNEL_MAP + map->k.phys_base.value;
	bool four = walk_reaches(map, root, text, 4, want);
	bool five = walk_reaches(map, root, text, 5, want);
	if (four == five)
		return false;
	*levels = four ? 4 : 5;
	return true;
}

bool
probe_mapped(struct vmmap_map *map, uint64_t vaddr)
{
	uint64_t pa;
	struct vmmap_error *err = map_page_walk(map, vaddr, &pa);
	vmmap_error_destroy(err);
	return err == NULL;
}

/* Walk the KASLR window in 1 GiB steps (the randomization granule,
 * arch/x86/mm/kaslr.c) inside present top-level slots only: the
 * direct map's base is the first address that maps physical 0. */
bool
probe_direct_map_base(struct vmmap_map *map, uint64_t *base)
{
	int levels = (int)map->k.pgtable_levels.value;
	uint64_t root;
	/* Garbage tables can make every slot look present: bound the
	 * reads and walks (a real direct map is found within the first
	 * slot's 512 steps). Found by fuzzing (a walk of minutes). */
	unsigned budget = 4096;
	if (!map_can_walk(map) || !probe_root_table(map, &root))
		return false;
	uint64_t start = x86_64_kaslr_window_start(levels, false);
	unsigned shift = levels == 5 ? 48 : 39;
	uint64_t slot = 1ULL << shift;
	/* a + slot wraps past 2^64 on 5-level paging (the window ends
	 * inside the last slot): stop there. Found by fuzzing. */
	for (uint64_t a = start & ~(slot - 1); a < X86_64_CPU_ENTRY_AREA_BASE;
	     a = a > UINT64_MAX - slot ? X86_64_CPU_ENTRY_AREA_BASE : a + slot) {
		uint64_t e;
		unsigned idx = (a >> shift) & 511;
		if (budget-- == 0)
			return false;
		if (!read_entry(map, root, idx, &e) || !(e & PTE_PRESENT))
			continue;
		/* On 5-level paging test each 512 GiB P4D slot too. */
		uint64_t sub = levels == 5 ? (1ULL << 39) : slot;
		uint64_t slot_end = a > UINT64_MAX - slot ? UINT64_MAX : a + slot - 1;
		for (uint64_t b = a; b <= slot_end && b >= a; b += sub) {
			if (budget-- == 0)
				return false;
			if (levels == 5) {
				uint64_t e4;
				if (!read_entry(map, entry_table(map, e), (b >> 39) & 511, &e4) ||
				    !(e4 & PTE_PRESENT))
					continue;
			}
			uint64_t sub_end = b > UINT64_MAX - sub ? UINT64_MAX : b + sub - 1;
			for (uint64_t c = b; c <= sub_end && c >= b; c += X86_64_PUD_SIZE) {
				uint64_t pa;
				if (c < start)
					continue;
				if (budget-- == 0)
					return false;
				struct vmmap_error *err = map_page_walk(map, c, &pa);
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

static bool
load_segments(struct vmmap_map *map, uint64_t (**segs)[3], size_t *n)
{
	struct vmmap_error *err = source_load_segments(map->src, segs, n);
	if (err) {
		vmmap_error_destroy(err);
		return false;
	}
	return true;
}

/* kdump's ELF vmcore (/proc/vmcore) describes RAM at its direct-map
 * address. QEMU's and makedumpfile's ELF files set p_vaddr = p_paddr or
 * 0: those segments say nothing and are skipped. */
bool
phdrs_direct_map_base(struct vmmap_map *map, uint64_t *base)
{
	uint64_t (*segs)[3];
	size_t n;
	if (!load_segments(map, &segs, &n))
		return false;
	uint64_t found = 0;
	bool have = false, agree = true;
	uint64_t half = x86_64_user_end((int)map->k.pgtable_levels.value);
	for (size_t i = 0; i < n; i++) {
		uint64_t va = segs[i][0], pa = segs[i][1];
		if (va <= half || kimage_contains(va) || va == pa || va < pa)
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

bool
phdrs_phys_base(struct vmmap_map *map, uint64_t *phys_base)
{
	uint64_t (*segs)[3];
	size_t n;
	if (!load_segments(map, &segs, &n))
		return false;
	bool have = false;
	for (size_t i = 0; i < n && !have; i++) {
		if (!kimage_contains(segs[i][0]))
			continue;
		*phys_base = segs[i][1] - (segs[i][0] - X86_64_START_KERNEL_MAP);
		have = true;
	}
	free(segs);
	return have;
}
