/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Gathering kernel facts, each from the most trusted source that has
 * it: VMCOREINFO, then kernel variables read from memory, then the
 * dump's ELF headers, then page tables, and version tables last.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "kallsyms.h"
#include "map.h"

#define TB (1ULL << 40)

static void
drop(struct vmmap_error *err)
{
	vmmap_error_destroy(err);
}

/* ------------------------------------------------------------------ */
/* VMCOREINFO */

static int
parse_release(const char *rel, uint64_t *code)
{
	unsigned a = 0, b = 0, c = 0;
	int n = sscanf(rel, "%u.%u.%u", &a, &b, &c);
	if (n < 2 || a > 255 || b > 255)
		return -1;
	if (c > 255)
		c = 255;
	*code = (a << 16) | (b << 8) | c;
	return 0;
}

static uint64_t
version_code(const struct vmmap_map *map)
{
	return map->k.release_fact.known ? map->k.release_fact.value : 0;
}

#define KV(a, b, c) (((uint64_t)(a) << 16) | ((b) << 8) | (c))

static struct vmmap_error *
release_from_vmcoreinfo(struct vmmap_map *map)
{
	const char *rel = vmcoreinfo_get(map->vi, "OSRELEASE");
	if (!rel)
		return vmmap_error_create(VMMAP_ERROR_VMCOREINFO,
					  "VMCOREINFO has no OSRELEASE: not a Linux VMCOREINFO");
	snprintf(map->k.release, sizeof(map->k.release), "%s", rel);
	uint64_t code;
	if (parse_release(rel, &code) == 0)
		fact_set(&map->k.release_fact, code, VMMAP_FROM_VMCOREINFO, true);
	else
		map_note(map, "OSRELEASE '%.64s' is not a version number", rel);
	return NULL;
}

static struct vmmap_error *
levels_from_vmcoreinfo(struct vmmap_map *map)
{
	int64_t l5;
	struct vmmap_error *err = vmcoreinfo_number(map->vi, "pgtable_l5_enabled", &l5);
	if (!err) {
		if (l5 != 0 && l5 != 1)
			return vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
						  "VMCOREINFO NUMBER(pgtable_l5_enabled)=%lld is neither 0 nor 1",
						  (long long)l5);
		/* The kernel's word against its page tables: a dump whose
		 * VMCOREINFO disagrees with them is corrupt. */
		int probed;
		if (probe_levels(map, &probed) && probed != (l5 ? 5 : 4))
			return vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
						  "the dump contradicts itself: NUMBER(pgtable_l5_enabled)=%lld but the kernel page tables are %d-level",
						  (long long)l5, probed);
		fact_set(&map->k.pgtable_levels, l5 ? 5 : 4, VMMAP_FROM_VMCOREINFO, true);
		return NULL;
	}
	if (vmmap_error_code(err) != VMMAP_ERROR_NOT_FOUND)
		return err;
	drop(err);
	/* Before 4.17 the key does not exist; 5-level paging needs a 4.14+
	 * kernel. Otherwise ask the page tables. */
	if (map->k.release_fact.known && version_code(map) < KV(4, 14, 0)) {
		fact_set(&map->k.pgtable_levels, 4, VMMAP_FROM_ERA_TABLE, true);
		return NULL;
	}
	int levels;
	if (probe_levels(map, &levels)) {
		fact_set(&map->k.pgtable_levels, levels, VMMAP_FROM_PAGE_TABLES, true);
		return NULL;
	}
	fact_set(&map->k.pgtable_levels, 4, VMMAP_FROM_ERA_TABLE, false);
	map_note(map, "no NUMBER(pgtable_l5_enabled) and no readable page tables: assuming 4-level paging");
	return NULL;
}

static struct vmmap_error *
phys_base_from_vmcoreinfo(struct vmmap_map *map)
{
	int64_t pb;
	struct vmmap_error *err = vmcoreinfo_number(map->vi, "phys_base", &pb);
	if (!err) {
		fact_set(&map->k.phys_base, (uint64_t)pb, VMMAP_FROM_VMCOREINFO, true);
		return NULL;
	}
	if (vmmap_error_code(err) != VMMAP_ERROR_NOT_FOUND)
		return err;
	drop(err);
	/* Before 4.10: the ELF headers' kernel-text segment gives it. */
	uint64_t v;
	if (phdrs_phys_base(map, &v)) {
		fact_set(&map->k.phys_base, v, VMMAP_FROM_ELF_PHDRS, true);
		return NULL;
	}
	/* SYMBOL(phys_base) is the variable's address: translate it
	 * through the page tables and read it. */
	uint64_t addr, pa;
	if (!(err = vmcoreinfo_symbol(map->vi, "phys_base", &addr)) &&
	    !(err = map_page_walk(map, addr, &pa)) &&
	    !(err = source_read_u64_phys(map->src, pa, &v))) {
		fact_set(&map->k.phys_base, v, VMMAP_FROM_MEMORY, true);
		return NULL;
	}
	drop(err);
	return vmmap_error_create(VMMAP_ERROR_VMCOREINFO,
				  "cannot find phys_base: VMCOREINFO has no NUMBER(phys_base) and nothing else gives it");
}

static struct vmmap_error *
kernel_offset_from_vmcoreinfo(struct vmmap_map *map)
{
	uint64_t off;
	struct vmmap_error *err = vmcoreinfo_hex(map->vi, "KERNELOFFSET", &off);
	if (!err) {
		/* KASLR moves the kernel in 2 MiB steps
		 * (CONFIG_PHYSICAL_ALIGN, arch/x86/boot/compressed/kaslr.c). */
		if (off & ((1ULL << 21) - 1))
			return vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
						  "VMCOREINFO KERNELOFFSET=%llx is not 2 MiB aligned",
						  (unsigned long long)off);
		fact_set(&map->k.kernel_offset, off, VMMAP_FROM_VMCOREINFO, true);
	} else if (vmmap_error_code(err) == VMMAP_ERROR_NOT_FOUND) {
		drop(err);
		fact_set(&map->k.kernel_offset, 0, VMMAP_FROM_ERA_TABLE, false);
		map_note(map, "no KERNELOFFSET in VMCOREINFO: assuming an unrandomized kernel text");
	} else {
		return err;
	}
	fact_set(&map->k.kaslr, map->k.kernel_offset.value != 0,
		 map->k.kernel_offset.source, map->k.kernel_offset.exact);
	return NULL;
}

/* AMD SME's encryption bit sits in page-table entries: strip it. */
static void
sme_mask_from_vmcoreinfo(struct vmmap_map *map)
{
	int64_t mask;
	struct vmmap_error *err = vmcoreinfo_number(map->vi, "sme_mask", &mask);
	map->sme_mask = err ? 0 : (uint64_t)mask;
	vmmap_error_destroy(err);
}

struct vmmap_error *
facts_from_vmcoreinfo(struct vmmap_map *map)
{
	char *text = NULL;
	struct vmmap_error *err = source_vmcoreinfo(map->src, &text);
	if (err)
		return err;
	err = vmcoreinfo_parse(text, strlen(text), &map->vi);
	free(text);
	if (!err)
		err = release_from_vmcoreinfo(map);
	if (!err)
		err = phys_base_from_vmcoreinfo(map);
	map->ki.src = map->src;
	map->ki.phys_base = map->k.phys_base.value;
	if (!err)
		err = kernel_offset_from_vmcoreinfo(map);
	if (!err)
		sme_mask_from_vmcoreinfo(map);
	if (!err)
		err = levels_from_vmcoreinfo(map);
	if (!err)
		map_setup_page_walk(map);
	return err;
}

/* ------------------------------------------------------------------ */
/* Symbols */

bool
map_symbol(struct vmmap_map *map, const char *name, uint64_t *addr)
{
	if (map->src->ops->symbol) {
		struct vmmap_error *err = source_symbol(map->src, name, addr);
		if (!err)
			return true;
		drop(err);
	}
	const struct symtab_entry *e = symtab_by_name(&map->syms, name);
	if (e) {
		*addr = e->addr;
		return true;
	}
	return false;
}

static bool
have_symbols(const struct vmmap_map *map)
{
	return map->syms.n > 0 || map->src->ops->symbol;
}

static struct vmmap_error *
read_kimage_cb(void *arg, uint64_t vaddr, void *buf, size_t len)
{
	return kimage_read(arg, vaddr, buf, len);
}

static struct vmmap_error *
load_kallsyms(struct vmmap_map *map)
{
	struct kallsyms_location loc = { 0 };
	const struct vmcoreinfo *vi = map->vi;
	struct vmmap_error *err;
	if ((err = vmcoreinfo_symbol(vi, "kallsyms_names", &loc.names)) ||
	    (err = vmcoreinfo_symbol(vi, "kallsyms_num_syms", &loc.num_syms)) ||
	    (err = vmcoreinfo_symbol(vi, "kallsyms_token_table", &loc.token_table)) ||
	    (err = vmcoreinfo_symbol(vi, "kallsyms_token_index", &loc.token_index)))
		return err;
	if ((err = vmcoreinfo_symbol(vi, "kallsyms_offsets", &loc.offsets)) ||
	    (err = vmcoreinfo_symbol(vi, "kallsyms_relative_base", &loc.relative_base))) {
		drop(err);
		loc.offsets = loc.relative_base = 0;
		if ((err = vmcoreinfo_symbol(vi, "kallsyms_addresses", &loc.addresses)))
			return err;
	}
	err = vmcoreinfo_symbol(vi, "_stext", &loc.stext);
	drop(err);
	symtab_init(&map->syms, VMMAP_FROM_KALLSYMS);
	err = kallsyms_decode(&loc, read_kimage_cb, &map->ki, &map->syms);
	if (err) {
		symtab_fini(&map->syms);
		return err;
	}
	symtab_finish(&map->syms);
	return NULL;
}

/* A vmlinux must be the dump's kernel: its _stext, moved by
 * KERNELOFFSET, must be VMCOREINFO's SYMBOL(_stext). */
static struct vmmap_error *
check_vmlinux_matches(struct vmmap_map *map, const char *path)
{
	uint64_t want, have;
	struct vmmap_error *err = vmcoreinfo_symbol(map->vi, "_stext", &want);
	if (err) {
		drop(err);
		return NULL;
	}
	if (!map_symbol(map, "_stext", &have))
		return vmmap_error_format(VMMAP_ERROR_SYMBOLS, "%s: has no _stext", path);
	if (have != want)
		return vmmap_error_format(VMMAP_ERROR_SYMBOLS,
					  "%s does not match the dump: its _stext is at 0x%llx after relocation, the dump's at 0x%llx",
					  path, (unsigned long long)have,
					  (unsigned long long)want);
	return NULL;
}

static struct vmmap_error *
load_vmlinux(struct vmmap_map *map, const char *path)
{
	symtab_init(&map->syms, VMMAP_FROM_VMLINUX);
	struct vmmap_error *err = vmlinux_load(path, &map->syms, &map->vmlinux);
	if (err)
		return err;
	/* KASLR moves the image; absolute per-cpu symbols stay. */
	symtab_relocate(&map->syms, X86_64_START_KERNEL_MAP, UINT64_MAX,
			map->k.kernel_offset.value);
	symtab_finish(&map->syms);
	return check_vmlinux_matches(map, path);
}

struct vmmap_error *
facts_load_symbols(struct vmmap_map *map, const char *symbols_path)
{
	if (symbols_path)
		return load_vmlinux(map, symbols_path);
	struct vmmap_error *err = load_kallsyms(map);
	if (!err)
		return NULL;
	if (vmmap_error_code(err) != VMMAP_ERROR_NOT_FOUND) {
		map_note(map, "kallsyms in the dump unusable: %s",
			 vmmap_error_message(err));
	}
	drop(err);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The randomized bases */

/* Read a kernel variable located through the symbol source. */
static bool
read_variable(struct vmmap_map *map, const char *name, uint64_t *value)
{
	uint64_t addr;
	if (!map_symbol(map, name, &addr))
		return false;
	struct vmmap_error *err = kimage_read_u64(&map->ki, addr, value);
	if (err) {
		map_note(map, "cannot read %s: %s", name, vmmap_error_message(err));
		drop(err);
		return false;
	}
	return true;
}

/* Two sources agree, or the dump contradicts itself. */
static struct vmmap_error *
cross_check(struct vmmap_map *map, struct vmmap_fact *f, const char *name,
	    uint64_t value, enum vmmap_provenance src)
{
	(void)map;
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
page_offset_base_fallback(struct vmmap_map *map)
{
	struct vmmap_fact *f = &map->k.page_offset_base;
	uint64_t v;
	if (phdrs_direct_map_base(map, &v)) {
		fact_set(f, v, VMMAP_FROM_ELF_PHDRS, true);
	} else if (probe_direct_map_base(map, &v)) {
		fact_set(f, v, VMMAP_FROM_PAGE_TABLES, true);
	} else {
		bool low = version_code(map) >= KV(4, 20, 0);
		fact_set(f, x86_64_fixed_page_offset((int)map->k.pgtable_levels.value, low),
			 VMMAP_FROM_ERA_TABLE, false);
		map_note(map, "page_offset_base neither readable nor inferable: the era's default is a guess");
	}
}

/* Without the variable and without symbols the base is the era's
 * fixed one; with symbols, its absence proves it is fixed. */
static void
fixed_base(struct vmmap_map *map, struct vmmap_fact *f, uint64_t value,
	   const char *name)
{
	if (have_symbols(map)) {
		fact_set(f, value, VMMAP_FROM_LAYOUT, true);
		return;
	}
	bool randomized = map->k.page_offset_base.value !=
		x86_64_fixed_page_offset((int)map->k.pgtable_levels.value, true) &&
		map->k.page_offset_base.value !=
		x86_64_fixed_page_offset((int)map->k.pgtable_levels.value, false);
	fact_set(f, value, VMMAP_FROM_ERA_TABLE, false);
	map_note(map, "%s not readable without symbols (give --vmlinux): the era's default%s",
		 name, randomized ? " is wrong for this randomized kernel" : " is a guess");
}

/* A base read from the dump must lie where arch/x86/mm/kaslr.c can put
 * it: 1 GiB aligned, between the guard hole and cpu_entry_area. */
static struct vmmap_error *
check_base(struct vmmap_map *map, const struct vmmap_fact *f, const char *name)
{
	if (!f->known)
		return NULL;
	int levels = (int)map->k.pgtable_levels.value;
	uint64_t lo = x86_64_fixed_page_offset(levels, false);
	if (f->value >= lo && f->value < X86_64_CPU_ENTRY_AREA_BASE &&
	    !(f->value & (X86_64_PUD_SIZE - 1)))
		return NULL;
	return vmmap_error_format(VMMAP_ERROR_FORMAT,
				  "%s from %s is 0x%llx, which no %d-level kernel uses: the dump's memory is corrupt",
				  name, vmmap_provenance_name(f->source),
				  (unsigned long long)f->value, levels);
}

struct vmmap_error *
facts_bases(struct vmmap_map *map)
{
	struct vmmap_kernel *k = &map->k;
	int levels = (int)k->pgtable_levels.value;
	struct vmmap_error *err = NULL;
	uint64_t v;
	int64_t n;

	if (read_variable(map, "page_offset_base", &v))
		fact_set(&k->page_offset_base, v, VMMAP_FROM_MEMORY, true);
	if (!(err = vmcoreinfo_number(map->vi, "VMALLOC_START", &n)))
		fact_set(&k->vmalloc_base, (uint64_t)n, VMMAP_FROM_VMCOREINFO, true);
	else if (vmmap_error_code(err) != VMMAP_ERROR_NOT_FOUND)
		return err;
	drop(err);
	if (read_variable(map, "vmalloc_base", &v) &&
	    (err = cross_check(map, &k->vmalloc_base, "vmalloc_base", v, VMMAP_FROM_MEMORY)))
		return err;
	if (!(err = vmcoreinfo_symbol(map->vi, "vmemmap", &v)))
		fact_set(&k->vmemmap_base, v, VMMAP_FROM_VMCOREINFO, true);
	else if (vmmap_error_code(err) != VMMAP_ERROR_NOT_FOUND)
		return err;
	drop(err);
	if (read_variable(map, "vmemmap_base", &v) &&
	    (err = cross_check(map, &k->vmemmap_base, "vmemmap_base", v, VMMAP_FROM_MEMORY)))
		return err;

	if ((err = check_base(map, &k->page_offset_base, "page_offset_base")) ||
	    (err = check_base(map, &k->vmalloc_base, "vmalloc_base")) ||
	    (err = check_base(map, &k->vmemmap_base, "vmemmap_base")))
		return err;
	if (!k->page_offset_base.known)
		page_offset_base_fallback(map);
	if (!k->vmalloc_base.known)
		fixed_base(map, &k->vmalloc_base, x86_64_fixed_vmalloc_base(levels),
			   "vmalloc_base");
	if (!k->vmemmap_base.known)
		fixed_base(map, &k->vmemmap_base, x86_64_fixed_vmemmap_base(levels),
			   "vmemmap_base");
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Era features: which regions exist and how large they are */

static bool
has_any_symbol(struct vmmap_map *map, const char *const *names)
{
	uint64_t a;
	for (; *names; names++)
		if (map_symbol(map, *names, &a))
			return true;
	return false;
}

static void
era_ldt_remap(struct vmmap_map *map)
{
	struct vmmap_kernel *k = &map->k;
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
		uint64_t v = version_code(map);
		bool certain = v >= KV(4, 20, 0) || (v && v < KV(4, 14, 0));
		bool low = v >= KV(4, 20, 0) || (v >= KV(4, 19, 5) && v < KV(4, 20, 0)) ||
			   (v >= KV(4, 14, 84) && v < KV(4, 15, 0));
		fact_set(&k->ldt_remap_low, low, VMMAP_FROM_ERA_TABLE, certain);
		if (!certain)
			map_note(map, "LDT remap placement (4.20 move, back-ported to 4.14.84/4.19.5) decided by version: a guess");
	}
}

static void
era_cpu_entry_area(struct vmmap_map *map)
{
	static const char *const syms[] = { "setup_cpu_entry_areas", "cea_set_pte", NULL };
	struct vmmap_fact *f = &map->k.cpu_entry_area;
	if (have_symbols(map)) {
		fact_set(f, has_any_symbol(map, syms), map->syms.source, true);
		return;
	}
	/* The read-only IDT and the first CPU's GDT are mapped at boot. */
	if (probe_mapped(map, X86_64_CPU_ENTRY_AREA_BASE) ||
	    probe_mapped(map, X86_64_CPU_ENTRY_AREA_BASE + X86_64_PAGE_SIZE)) {
		fact_set(f, 1, VMMAP_FROM_PAGE_TABLES, true);
		return;
	}
	fact_set(f, version_code(map) >= KV(4, 15, 0), VMMAP_FROM_ERA_TABLE, false);
}

static void
era_kasan(struct vmmap_map *map)
{
	static const char *const syms[] = {
		"kasan_early_shadow_page", "kasan_zero_page", "kasan_init", NULL
	};
	struct vmmap_fact *f = &map->k.kasan;
	if (have_symbols(map)) {
		fact_set(f, has_any_symbol(map, syms), map->syms.source, true);
		return;
	}
	/* KASAN maps its whole shadow (to the early shadow page at
	 * least); without it nothing is there unless a randomized
	 * region landed on the spot. */
	uint64_t start = x86_64_kasan_shadow_start((int)map->k.pgtable_levels.value);
	bool mapped = probe_mapped(map, start);
	fact_set(f, mapped, VMMAP_FROM_PAGE_TABLES, false);
}

static void
era_kmsan(struct vmmap_map *map)
{
	static const char *const syms[] = { "kmsan_init_runtime", NULL };
	map->kmsan = have_symbols(map) && has_any_symbol(map, syms);
}

static void
era_image_size(struct vmmap_map *map)
{
	int64_t n;
	struct vmmap_error *err = vmcoreinfo_number(map->vi, "KERNEL_IMAGE_SIZE", &n);
	struct vmmap_fact *f = &map->k.kernel_image_size;
	if (!err && (n == 512LL << 20 || n == 1LL << 30)) {
		fact_set(f, (uint64_t)n, VMMAP_FROM_VMCOREINFO, true);
		return;
	}
	if (!err)
		map_note(map, "NUMBER(KERNEL_IMAGE_SIZE)=%lld is neither 512 MiB nor 1 GiB: ignored",
			 (long long)n);
	drop(err);
	/* page_64_types.h: 1 GiB with RANDOMIZE_BASE (4.7+), else 512 MiB. */
	bool big = map->k.kaslr.value && version_code(map) >= KV(4, 7, 0);
	fact_set(f, big ? 1ULL << 30 : 512ULL << 20, VMMAP_FROM_ERA_TABLE, false);
}

static void
era_struct_page(struct vmmap_map *map)
{
	uint64_t v;
	struct vmmap_error *err = vmcoreinfo_unsigned(map->vi, "SIZE(page)", &v);
	if (!err && v >= 32 && v <= 256) {
		fact_set(&map->k.page_size_struct, v, VMMAP_FROM_VMCOREINFO, true);
	} else if (map->vmlinux.have_struct_page_size) {
		fact_set(&map->k.page_size_struct, map->vmlinux.struct_page_size,
			 VMMAP_FROM_VMLINUX, true);
	} else {
		fact_set(&map->k.page_size_struct, 64, VMMAP_FROM_ERA_TABLE, false);
	}
	drop(err);
}

static void
era_max_physmem_bits(struct vmmap_map *map)
{
	int64_t n;
	struct vmmap_error *err = vmcoreinfo_number(map->vi, "MAX_PHYSMEM_BITS", &n);
	if (!err && n >= 36 && n <= 52)
		map->max_physmem_bits = (uint64_t)n;
	else
		map->max_physmem_bits = map->k.pgtable_levels.value == 5 ? 52 : 46;
	drop(err);
}

static bool
memory_randomized(const struct vmmap_kernel *k)
{
	int levels = (int)k->pgtable_levels.value;
	return k->page_offset_base.value != x86_64_fixed_page_offset(levels, k->ldt_remap_low.value) ||
	       k->vmalloc_base.value != x86_64_fixed_vmalloc_base(levels) ||
	       k->vmemmap_base.value != x86_64_fixed_vmemmap_base(levels);
}

static void
era_physmem_end(struct vmmap_map *map)
{
	struct vmmap_kernel *k = &map->k;
	struct vmmap_fact *f = &k->physmem_end;
	uint64_t v, max_pfn;
	uint64_t full = (1ULL << map->max_physmem_bits) - 1;
	if (read_variable(map, "physmem_end", &v) && v <= full) {
		fact_set(f, v, VMMAP_FROM_MEMORY, true);
		return;
	}
	if (!memory_randomized(k)) {
		fact_set(f, full, VMMAP_FROM_LAYOUT, true);
		return;
	}
	/* arch/x86/mm/kaslr.c (4.8-6.x): RAM rounded up to a TB plus
	 * CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING (default 10 TB), unless
	 * ZONE_DEVICE keeps the full size. Either way a guess. */
	if (read_variable(map, "max_pfn", &max_pfn) && max_pfn < (1ULL << 40)) {
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
	map_note(map, "the direct map's end is not recorded by this kernel (no physmem_end): its size is a guess");
}

static void
era_fixmap(struct vmmap_map *map)
{
	if (map->vmlinux.have_fixmap_pages && map->vmlinux.fixmap_pages < 65536)
		fact_set(&map->k.fixaddr_start,
			 x86_64_fixaddr_start(map->vmlinux.fixmap_pages),
			 VMMAP_FROM_VMLINUX, true);
}

struct vmmap_error *
facts_era(struct vmmap_map *map)
{
	era_cpu_entry_area(map);
	era_ldt_remap(map);
	era_kasan(map);
	era_kmsan(map);
	era_image_size(map);
	era_struct_page(map);
	era_max_physmem_bits(map);
	era_physmem_end(map);
	era_fixmap(map);
	return NULL;
}
