/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Gathering kernel facts, each from the most trusted source that has
 * it: VMCOREINFO, then kernel variables read from memory, then the
 * dump's ELF headers, then page tables, and version tables last. What
 * reading itself needs (phys_base, KERNELOFFSET, paging depth) the
 * kernel reader established already.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/layout.h"
#include "error.h"
#include "facts.h"
#include "probe.h"

#define TB (1ULL << 40)

/* Everything one gathering needs. */
struct gather {
	struct kernel *kr;
	struct kernel_facts *out;
	struct vmmap_kernel *k;
};

static void
drop(struct vmmap_error *err)
{
	vmmap_error_destroy(err);
}

/* ------------------------------------------------------------------ */
/* The randomized bases */

/* Two sources agree, or the dump contradicts itself. */
static struct vmmap_error *
cross_check(struct vmmap_fact *f, const char *name, uint64_t value,
	    enum vmmap_provenance src)
{
	if (f->known && f->value != value)
		return vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
					  "the dump contradicts itself: %s is 0x%llx in %s but 0x%llx in %s",
					  name, (unsigned long long)f->value,
					  vmmap_provenance_name(f->source),
					  (unsigned long long)value,
					  vmmap_provenance_name(src));
	if (!f->known)
		fact_set(f, value, src, true);
	return NULL;
}

static void
page_offset_base_fallback(struct gather *g)
{
	struct vmmap_fact *f = &g->k->page_offset_base;
	uint64_t v;
	if (phdrs_direct_map_base(g->kr, &v)) {
		fact_set(f, v, VMMAP_FROM_ELF_PHDRS, true);
	} else if (probe_direct_map_base(g->kr, &v)) {
		fact_set(f, v, VMMAP_FROM_PAGE_TABLES, true);
	} else {
		fact_set(f, x86_64_fixed_page_offset_of((int)g->k->pgtable_levels.value,
							 kernel_version(g->kr)),
			 VMMAP_FROM_ERA_TABLE, false);
		kernel_note(g->kr, "page_offset_base neither readable nor inferable: the era's default is a guess");
	}
}

/* Without the variable and without symbols the base is the era's
 * fixed one; with symbols, its absence proves it is fixed. */
static void
fixed_base(struct gather *g, struct vmmap_fact *f, uint64_t value,
	   const char *name)
{
	if (kernel_has_symbols(g->kr)) {
		fact_set(f, value, VMMAP_FROM_LAYOUT, true);
		return;
	}
	bool randomized = g->k->page_offset_base.value !=
		x86_64_fixed_page_offset((int)g->k->pgtable_levels.value, true) &&
		g->k->page_offset_base.value !=
		x86_64_fixed_page_offset((int)g->k->pgtable_levels.value, false);
	fact_set(f, value, VMMAP_FROM_ERA_TABLE, false);
	kernel_note(g->kr, "%s not readable without symbols (give --vmlinux): the era's default%s",
		 name, randomized ? " is wrong for this randomized kernel" : " is a guess");
}

/* A base read from the dump must lie where arch/x86/mm/kaslr.c can put
 * it: 1 GiB aligned, between the guard hole and cpu_entry_area. */
static struct vmmap_error *
check_base(struct gather *g, const struct vmmap_fact *f, const char *name)
{
	if (!f->known)
		return NULL;
	int levels = (int)g->k->pgtable_levels.value;
	if (x86_64_base_plausible(f->value, levels))
		return NULL;
	return vmmap_error_format(VMMAP_ERROR_FORMAT,
				  "%s from %s is 0x%llx, which no %d-level kernel uses: the dump's memory is corrupt",
				  name, vmmap_provenance_name(f->source),
				  (unsigned long long)f->value, levels);
}

static struct vmmap_error *
facts_bases(struct gather *g)
{
	struct vmmap_kernel *k = g->k;
	int levels = (int)k->pgtable_levels.value;
	struct vmmap_error *err = NULL;
	uint64_t v;
	int64_t n;

	if (kernel_read_variable(g->kr, "page_offset_base", &v))
		fact_set(&k->page_offset_base, v, VMMAP_FROM_MEMORY, true);
	if (!(err = vmcoreinfo_number(g->kr->vi, "VMALLOC_START", &n)))
		fact_set(&k->vmalloc_base, (uint64_t)n, VMMAP_FROM_VMCOREINFO, true);
	else if (vmmap_error_code(err) != VMMAP_ERROR_NOT_FOUND)
		return err;
	drop(err);
	if (kernel_read_variable(g->kr, "vmalloc_base", &v) &&
	    (err = cross_check(&k->vmalloc_base, "vmalloc_base", v, VMMAP_FROM_MEMORY)))
		return err;
	if (!(err = vmcoreinfo_symbol(g->kr->vi, "vmemmap", &v)))
		fact_set(&k->vmemmap_base, v, VMMAP_FROM_VMCOREINFO, true);
	else if (vmmap_error_code(err) != VMMAP_ERROR_NOT_FOUND)
		return err;
	drop(err);
	if (kernel_read_variable(g->kr, "vmemmap_base", &v) &&
	    (err = cross_check(&k->vmemmap_base, "vmemmap_base", v, VMMAP_FROM_MEMORY)))
		return err;

	if ((err = check_base(g, &k->page_offset_base, "page_offset_base")) ||
	    (err = check_base(g, &k->vmalloc_base, "vmalloc_base")) ||
	    (err = check_base(g, &k->vmemmap_base, "vmemmap_base")))
		return err;
	if (!k->page_offset_base.known)
		page_offset_base_fallback(g);
	if (!k->vmalloc_base.known)
		fixed_base(g, &k->vmalloc_base,
			   x86_64_fixed_vmalloc_base(levels, kernel_version(g->kr)), "vmalloc_base");
	if (!k->vmemmap_base.known)
		fixed_base(g, &k->vmemmap_base,
			   x86_64_fixed_vmemmap_base(levels, kernel_version(g->kr)), "vmemmap_base");
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Era features: which regions exist and how large they are */

static void
era_ldt_remap(struct gather *g)
{
	struct vmmap_kernel *k = g->k;
	int levels = (int)k->pgtable_levels.value;
	uint64_t pob = k->page_offset_base.value;
	uint64_t old_fixed = x86_64_fixed_page_offset(levels, false);
	uint64_t new_fixed = x86_64_fixed_page_offset(levels, true);
	enum vmmap_provenance src = k->page_offset_base.source;
	bool exact = k->page_offset_base.exact;
	if (!k->cpu_entry_area.value && (pob == old_fixed || pob < new_fixed)) {
		/* Before PTI there is no LDT remap at all. */
		fact_set(&k->ldt_remap_low, 0, src, exact);
	} else if (pob == new_fixed) {
		fact_set(&k->ldt_remap_low, 1, src, exact);
	} else if (pob < new_fixed) {
		/* Only the pre-4.20 KASLR window reaches below the 4.20 base. */
		fact_set(&k->ldt_remap_low, 0, src, exact);
	} else {
		/* A randomized base above both: the dump cannot tell. Only
		 * 4.14.y and 4.19.y are ambiguous (the move reached 4.14.84
		 * and 4.19.5, and distribution version strings hide the
		 * sublevel); every 4.20+ kernel has it. */
		uint64_t v = kernel_version(g->kr);
		bool certain = v >= KV(4, 20, 0) || (v && v < KV(4, 14, 0));
		bool low = v >= KV(4, 20, 0) || (v >= KV(4, 19, 5) && v < KV(4, 20, 0)) ||
			   (v >= KV(4, 14, 84) && v < KV(4, 15, 0));
		fact_set(&k->ldt_remap_low, low, VMMAP_FROM_ERA_TABLE, certain);
		if (!certain)
			kernel_note(g->kr, "LDT remap placement (4.20 move, back-ported to 4.14.84/4.19.5) decided by version: a guess");
	}
}

static void
era_cpu_entry_area(struct gather *g)
{
	static const char *const syms[] = { "setup_cpu_entry_areas", "cea_set_pte", NULL };
	struct vmmap_fact *f = &g->k->cpu_entry_area;
	if (kernel_has_symbols(g->kr)) {
		fact_set(f, kernel_has_any_symbol(g->kr, syms), g->kr->syms.source, true);
		return;
	}
	/* The read-only IDT and the first CPU's GDT are mapped at boot. */
	if (kernel_is_mapped(g->kr, X86_64_CPU_ENTRY_AREA_BASE) ||
	    kernel_is_mapped(g->kr, X86_64_CPU_ENTRY_AREA_BASE + X86_64_PAGE_SIZE)) {
		fact_set(f, 1, VMMAP_FROM_PAGE_TABLES, true);
		return;
	}
	fact_set(f, kernel_version(g->kr) >= KV(4, 15, 0), VMMAP_FROM_ERA_TABLE, false);
}

static void
era_kasan(struct gather *g)
{
	static const char *const syms[] = {
		"kasan_early_shadow_page", "kasan_zero_page", "kasan_init", NULL
	};
	struct vmmap_fact *f = &g->k->kasan;
	if (kernel_has_symbols(g->kr)) {
		fact_set(f, kernel_has_any_symbol(g->kr, syms), g->kr->syms.source, true);
		return;
	}
	/* KASAN maps its whole shadow (to the early shadow page at
	 * least); without it nothing is there unless a randomized
	 * region landed on the spot. */
	uint64_t start = x86_64_kasan_shadow_start((int)g->k->pgtable_levels.value);
	bool mapped = kernel_is_mapped(g->kr, start);
	fact_set(f, mapped, VMMAP_FROM_PAGE_TABLES, false);
}

static void
era_kmsan(struct gather *g)
{
	static const char *const syms[] = { "kmsan_init_runtime", NULL };
	g->out->kmsan = kernel_has_symbols(g->kr) && kernel_has_any_symbol(g->kr, syms);
}

static void
era_image_size(struct gather *g)
{
	int64_t n;
	struct vmmap_error *err = vmcoreinfo_number(g->kr->vi, "KERNEL_IMAGE_SIZE", &n);
	struct vmmap_fact *f = &g->k->kernel_image_size;
	if (!err && (n == 512LL << 20 || n == 1LL << 30)) {
		fact_set(f, (uint64_t)n, VMMAP_FROM_VMCOREINFO, true);
		return;
	}
	if (!err)
		kernel_note(g->kr, "NUMBER(KERNEL_IMAGE_SIZE)=%lld is neither 512 MiB nor 1 GiB: ignored",
			 (long long)n);
	drop(err);
	/* page_64_types.h: 1 GiB with RANDOMIZE_BASE (4.7+), else 512 MiB;
	 * until 2.6.25 (mm.txt) modules started at ffffffff88000000, 128 MiB
	 * above __START_KERNEL_map (the text mapping's first 40 MiB used). */
	uint64_t v = kernel_version(g->kr);
	bool big = g->k->kaslr.value && v >= KV(4, 7, 0);
	uint64_t size = big ? 1ULL << 30 : v && v < KV(2, 6, 26) ? 128ULL << 20 : 512ULL << 20;
	fact_set(f, size, VMMAP_FROM_ERA_TABLE, false);
}

static void
era_struct_page(struct gather *g)
{
	uint64_t v;
	struct vmmap_error *err = vmcoreinfo_unsigned(g->kr->vi, "SIZE(page)", &v);
	if (!err && v >= 32 && v <= 256) {
		fact_set(&g->k->page_size_struct, v, VMMAP_FROM_VMCOREINFO, true);
	} else if (g->kr->vmlinux.have_struct_page_size) {
		fact_set(&g->k->page_size_struct, g->kr->vmlinux.struct_page_size,
			 VMMAP_FROM_VMLINUX, true);
	} else {
		fact_set(&g->k->page_size_struct, 64, VMMAP_FROM_ERA_TABLE, false);
	}
	drop(err);
}

static void
era_max_physmem_bits(struct gather *g)
{
	int64_t n;
	struct vmmap_error *err = vmcoreinfo_number(g->kr->vi, "MAX_PHYSMEM_BITS", &n);
	if (!err && n >= 36 && n <= 52)
		g->out->max_physmem_bits = (unsigned)n;
	else
		g->out->max_physmem_bits = x86_64_default_max_physmem_bits((int)g->k->pgtable_levels.value);
	drop(err);
}

static void
era_physmem_end(struct gather *g)
{
	struct vmmap_kernel *k = g->k;
	struct vmmap_fact *f = &k->physmem_end;
	uint64_t v, max_pfn;
	uint64_t full = (1ULL << g->out->max_physmem_bits) - 1;
	/* physmem_end (6.x; arch/x86/mm/init_64.c), renamed
	 * direct_map_physmem_end by 7.x (Debian's 7.2 has that name). */
	if ((kernel_read_variable(g->kr, "physmem_end", &v) ||
	     kernel_read_variable(g->kr, "direct_map_physmem_end", &v)) && v <= full) {
		fact_set(f, v, VMMAP_FROM_MEMORY, true);
		return;
	}
	if (!x86_64_memory_randomized(k)) {
		uint64_t last = x86_64_direct_map_last(kernel_version(g->kr));
		if (k->pgtable_levels.value == 4 && last > k->page_offset_base.value &&
		    last - k->page_offset_base.value < full)
			full = last - k->page_offset_base.value;	/* before 2.6.31 */
		fact_set(f, full, VMMAP_FROM_LAYOUT, true);
		return;
	}
	/* arch/x86/mm/kaslr.c (4.8-6.x): RAM rounded up to a TB plus
	 * CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING (default 10 TB), unless
	 * ZONE_DEVICE keeps the full size. Either way a guess. */
	if (kernel_read_variable(g->kr, "max_pfn", &max_pfn) && max_pfn < (1ULL << 40)) {
		uint64_t tb = (max_pfn * X86_64_PAGE_SIZE + TB - 1) / TB + 10;
		v = tb * TB - 1;
		fact_set(f, v < full ? v : full, VMMAP_FROM_ERA_TABLE, false);
	} else {
		fact_set(f, full, VMMAP_FROM_ERA_TABLE, false);
	}
	/* Never let the guess run into vmalloc space. */
	if (k->vmalloc_base.value > k->page_offset_base.value &&
	    f->value > k->vmalloc_base.value - k->page_offset_base.value - 1)
		f->value = k->vmalloc_base.value - k->page_offset_base.value - 1;
	kernel_note(g->kr, "the direct map's end is not recorded by this kernel (no physmem_end): its size is a guess");
}

static void
era_fixmap(struct gather *g)
{
	if (g->kr->vmlinux.have_fixmap_pages && g->kr->vmlinux.fixmap_pages < 65536)
		fact_set(&g->k->fixaddr_start,
			 x86_64_fixaddr_start(g->kr->vmlinux.fixmap_pages),
			 VMMAP_FROM_VMLINUX, true);
}

static void
facts_era(struct gather *g)
{
	era_cpu_entry_area(g);
	era_ldt_remap(g);
	era_kasan(g);
	era_kmsan(g);
	era_image_size(g);
	era_struct_page(g);
	era_max_physmem_bits(g);
	era_physmem_end(g);
	era_fixmap(g);
}

/* ------------------------------------------------------------------ */
/* The bases against the page tables */

/* Is the top-level entry covering va present? The kernel fills in the
 * top-level entries of vmalloc and vmemmap space at boot
 * (preallocate_vmalloc_pages(), sync_global_pgds()). */
static bool
top_entry_present(const struct kernel *kr, uint64_t va)
{
	uint64_t e;
	struct x86_64_pte d;
	if (!x86_64_pt_read_entry(&kr->pt, kr->pt.root, x86_64_pt_index(va, kr->pt.levels), &e))
		return false;
	x86_64_pte_decode(e, kr->pt.levels, kr->pt.sme_mask, &d);
	return d.present;
}

static void
disagree(struct gather *g, const char *name, const struct vmmap_fact *f, const char *why)
{
	kernel_note(g->kr, "%s 0x%llx (from %s) disagrees with the page tables: %s",
		    name, (unsigned long long)f->value, vmmap_provenance_name(f->source), why);
}

/* Each base against what the page tables map: the direct map's first
 * page is physical 0, the struct page of pfn 0 is mapped (section 0 is
 * always present), vmalloc space has its top-level entry. A
 * disagreement is noted, not corrected: one of the two is wrong. */
static void
facts_cross_check(struct gather *g)
{
	struct kernel *kr = g->kr;
	const struct vmmap_kernel *k = g->k;
	if (!kr->have_pt || !kernel_can_translate(kr))
		return;
	uint64_t pa;
	struct vmmap_error *err = kernel_translate(kr, k->page_offset_base.value, &pa);
	if (err || pa != 0)
		disagree(g, "page_offset_base", &k->page_offset_base,
			 err ? "its first page is not mapped" : "its first page is not physical 0");
	drop(err);
	if (!kernel_is_mapped(kr, k->vmemmap_base.value))
		disagree(g, "vmemmap_base", &k->vmemmap_base, "the struct page of pfn 0 is not mapped");
	if (!top_entry_present(kr, k->vmalloc_base.value))
		disagree(g, "vmalloc_base", &k->vmalloc_base,
			 "no top-level page table covers its start");
}

/* The facts the kernel reader established, as vmmap_kernel shows them. */
static void
facts_of_reader(struct gather *g)
{
	const struct kernel *kr = g->kr;
	snprintf(g->k->release, sizeof(g->k->release), "%s", kr->release);
	g->k->release_fact = kr->release_code;
	g->k->pgtable_levels = kr->levels;
	g->k->kaslr = kr->kaslr;
	g->k->kernel_offset = kr->kernel_offset;
	g->k->phys_base = kr->phys_base;
	/* where the kernel was loaded: _text's physical address */
	const struct vmmap_fact *weak = kr->kernel_offset.exact ? &kr->phys_base : &kr->kernel_offset;
	fact_set(&g->k->image_phys,
		 x86_64_kernel_image_phys(x86_64_kernel_text(kr->kernel_offset.value),
					  kr->phys_base.value),
		 weak->source, kr->kernel_offset.exact && kr->phys_base.exact);
}

struct vmmap_error *
facts_gather(struct kernel *kr, struct kernel_facts *out)
{
	memset(out, 0, sizeof(*out));
	struct gather g = { .kr = kr, .out = out, .k = &out->k };
	/* Every symbol the facts below read, found in one pass. */
	static const char *const wanted[] = {
		"page_offset_base", "vmalloc_base", "vmemmap_base", "physmem_end",
		"direct_map_physmem_end", "max_pfn", "setup_cpu_entry_areas", "cea_set_pte",
		"kasan_early_shadow_page", "kasan_zero_page", "kasan_init", "kmsan_init_runtime",
	};
	kernel_prefetch_symbols(kr, wanted, sizeof(wanted) / sizeof(wanted[0]));
	facts_of_reader(&g);
	struct vmmap_error *err = facts_bases(&g);
	if (err)
		return err;
	facts_era(&g);
	facts_cross_check(&g);
	return NULL;
}
