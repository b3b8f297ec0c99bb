/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * The x86_64 kernel virtual memory layout, by era.
 *
 * Each rule cites where the kernel defines it. Facts that vary between
 * kernels (bases, sizes, which regions exist) come in through
 * struct vmmap_kernel with their provenance; this file turns them into
 * a complete table of regions.
 */
#include "config.h"

#include "layout.h"

#include <stdlib.h>
#include <string.h>

#include "../../error.h"

#define TB (1ULL << 40)
#define PB (1ULL << 50)

/* pgtable_64_types.h: GUARD_HOLE_PGD_ENTRY -256, 16 PGD slots. */
static uint64_t
kernel_half_start(int levels)
{
	return levels == 5 ? 0xff00000000000000ULL : 0xffff800000000000ULL;
}

uint64_t
x86_64_user_end(int levels)
{
	/* TASK_SIZE_MAX = (1 << 47 or 56) - PAGE_SIZE; the region is the
	 * whole lower canonical half as mm.rst draws it. */
	return levels == 5 ? 0x00ffffffffffffffULL : 0x00007fffffffffffULL;
}

static uint64_t
guard_hole_end(int levels)
{
	return levels == 5 ? 0xff0fffffffffffffULL : 0xffff87ffffffffffULL;
}

bool
x86_64_in_kernel_image(uint64_t vaddr)
{
	return vaddr >= X86_64_START_KERNEL_MAP;
}

uint64_t
x86_64_kernel_image_start(void)
{
	return X86_64_START_KERNEL_MAP;
}

uint64_t
x86_64_kernel_image_phys(uint64_t vaddr, uint64_t phys_base)
{
	return vaddr - X86_64_START_KERNEL_MAP + phys_base;
}

uint64_t
x86_64_kernel_text(uint64_t kernel_offset)
{
	return X86_64_DEFAULT_TEXT + kernel_offset;
}

uint64_t
x86_64_modules_start(uint64_t kernel_image_size)
{
	/* MODULES_VADDR = __START_KERNEL_map + KERNEL_IMAGE_SIZE */
	return X86_64_START_KERNEL_MAP + kernel_image_size;
}

uint64_t
x86_64_pointer_floor(int levels)
{
	return levels == 5 ? 0xff00000000000000ULL : 0xffff000000000000ULL;
}

unsigned
x86_64_default_max_physmem_bits(int levels)
{
	/* MAX_PHYSMEM_BITS, arch/x86/include/asm/sparsemem.h */
	return levels == 5 ? 52 : 46;
}

bool
x86_64_base_plausible(uint64_t base, int levels)
{
	return base >= x86_64_fixed_page_offset(levels, false) &&
	       base < X86_64_CPU_ENTRY_AREA_BASE && !(base & (X86_64_PUD_SIZE - 1));
}

uint64_t
x86_64_fixed_page_offset(int levels, bool ldt_remap_low)
{
	/* 4.20 (commit d52888aa2753) moved the LDT remap below the direct
	 * map and the direct map up by one PGD slot (4-level: half a
	 * slot). */
	if (levels == 5)
		return ldt_remap_low ? X86_64_PAGE_OFFSET_L5_4_20
				     : X86_64_PAGE_OFFSET_L5_4_14;
	return ldt_remap_low ? X86_64_PAGE_OFFSET_L4_4_20
			     : X86_64_PAGE_OFFSET_L4_2_6_27;
}

uint64_t
x86_64_fixed_page_offset_of(int levels, uint64_t version)
{
	if (levels == 4 && version && version < X86_64_KV(2, 6, 27))
		return 0xffff810000000000ULL;
	return x86_64_fixed_page_offset(levels, version >= X86_64_KV(4, 20, 0));
}

uint64_t
x86_64_kaslr_window_start(int levels, bool ldt_remap_low)
{
	/* arch/x86/mm/kaslr.c: vaddr_start = __PAGE_OFFSET_BASE_L4/L5. */
	return x86_64_fixed_page_offset(levels, ldt_remap_low);
}

bool
x86_64_before_2_6_31(uint64_t version)
{
	return version && version < X86_64_KV(2, 6, 31);
}

uint64_t
x86_64_fixed_vmalloc_base(int levels, uint64_t version)
{
	if (levels == 5)
		return X86_64_VMALLOC_BASE_L5;
	return x86_64_before_2_6_31(version) ? X86_64_VMALLOC_BASE_L4_2_6_11
					     : X86_64_VMALLOC_BASE_L4;
}

uint64_t
x86_64_fixed_vmemmap_base(int levels, uint64_t version)
{
	if (levels == 5)
		return X86_64_VMEMMAP_BASE_L5;
	return x86_64_before_2_6_31(version) ? X86_64_VMEMMAP_BASE_L4_2_6_24
					     : X86_64_VMEMMAP_BASE_L4;
}

uint64_t
x86_64_direct_map_last(uint64_t version)
{
	/* mm.txt until 2.6.30: "... - ffffc0ffffffffff direct mapping of
	 * all phys. memory"; from 2.6.31 MAX_PHYSMEM_BITS alone bounds it. */
	return x86_64_before_2_6_31(version) ? 0xffffc0ffffffffffULL : UINT64_MAX;
}

uint64_t
x86_64_vmalloc_size(int levels)
{
	/* VMALLOC_SIZE_TB_L4 32, VMALLOC_SIZE_TB_L5 12800. */
	return (levels == 5 ? 12800ULL : 32ULL) * TB;
}

uint64_t
x86_64_kasan_shadow_start(int levels)
{
	/* KASAN_SHADOW_OFFSET (CONFIG default 0xdffffc0000000000) plus the
	 * kernel half's start >> KASAN_SHADOW_SCALE_SHIFT (3). mm.rst
	 * rounds the 5-level value to ffdf000000000000. */
	return 0xdffffc0000000000ULL + (kernel_half_start(levels) >> 3);
}

uint64_t
x86_64_modules_end(uint64_t version)
{
	/* MODULES_END; 0xfffffffffe000000 with DEBUG_KMAP_LOCAL_FORCE_MAP.
	 * Until 2.6.26 the module space ran to fffffffffff00000 (mm.txt). */
	return version && version < X86_64_KV(2, 6, 27) ? 0xfffffffffff00000ULL
							 : 0xffffffffff000000ULL;
}

uint64_t
x86_64_fixmap_last(void)
{
	return X86_64_VSYSCALL_ADDR - 1;
}

uint64_t
x86_64_fixaddr_start(uint64_t fixmap_pages)
{
	/* FIXADDR_TOP = round_up(VSYSCALL_ADDR + PAGE_SIZE, PMD_SIZE) -
	 * PAGE_SIZE; fix_to_virt(i) = FIXADDR_TOP - i * PAGE_SIZE. */
	uint64_t top = ((X86_64_VSYSCALL_ADDR + X86_64_PAGE_SIZE + (1ULL << 21) - 1) &
			~((1ULL << 21) - 1)) - X86_64_PAGE_SIZE;
	return top - fixmap_pages * X86_64_PAGE_SIZE;
}

/* ------------------------------------------------------------------ */

struct builder {
	struct region_list *out;
	void (*note)(void *, const char *);
	void *note_arg;
};

static struct vmmap_error *
add(struct builder *b, uint64_t start, uint64_t end, enum vmmap_region_kind kind,
    const char *desc, enum vmmap_provenance source, bool exact)
{
	if (end < start)
		return NULL;
	struct region_list *l = b->out;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct vmmap_region *r = realloc(l->r, cap * sizeof(*r));
		if (!r)
			return &vmmap_enomem;
		l->r = r;
		l->cap = cap;
	}
	l->r[l->n++] = (struct vmmap_region){
		.start = start, .end = end, .name = vmmap_region_kind_name(kind),
		.description = desc, .source = source, .exact = exact, .kind = kind,
	};
	return NULL;
}

/* The provenance of a region is that of its weakest bound. */
static enum vmmap_provenance
weaker(const struct vmmap_fact *a, const struct vmmap_fact *b)
{
	if (!a->exact)
		return a->source;
	if (!b->exact)
		return b->source;
	return a->source;
}

static uint64_t
sat_end(uint64_t start, uint64_t size)
{
	return size > UINT64_MAX - start ? UINT64_MAX : start + size - 1;
}

static struct vmmap_error *
add_direct_map(struct builder *b, const struct x86_64_layout_input *in)
{
	const struct vmmap_kernel *k = in->k;
	uint64_t size = k->physmem_end.value + 1;
	return add(b, k->page_offset_base.value,
		   sat_end(k->page_offset_base.value, size), VMMAP_REGION_DIRECT_MAP,
		   "direct mapping of all physical memory (page_offset_base)",
		   weaker(&k->page_offset_base, &k->physmem_end),
		   k->page_offset_base.exact && k->physmem_end.exact);
}

bool
x86_64_memory_randomized(const struct vmmap_kernel *k)
{
	int levels = (int)k->pgtable_levels.value;
	uint64_t v = k->release_fact.value;
	if (x86_64_before_2_6_31(v))
		return false;	/* RANDOMIZE_MEMORY is 4.8+ */
	return k->page_offset_base.value !=
		       x86_64_fixed_page_offset(levels, k->ldt_remap_low.value) ||
	       k->vmalloc_base.value != x86_64_fixed_vmalloc_base(levels, v) ||
	       k->vmemmap_base.value != x86_64_fixed_vmemmap_base(levels, v);
}

static uint64_t
vmemmap_size(const struct x86_64_layout_input *in, int levels)
{
	const struct vmmap_kernel *k = in->k;
	if (!x86_64_memory_randomized(k))
		/* mm.rst: 1 TB (4-level), 0.5 PB (5-level). */
		return levels == 5 ? PB / 2 : TB;
	/* arch/x86/mm/kaslr.c: struct pages for the direct map's size,
	 * rounded up to a TB. */
	uint64_t pages = (k->physmem_end.value + 1) / X86_64_PAGE_SIZE;
	uint64_t bytes = pages * k->page_size_struct.value;
	return (bytes + TB - 1) / TB * TB;
}

static struct vmmap_error *
add_vmalloc(struct builder *b, const struct x86_64_layout_input *in, int levels)
{
	const struct vmmap_kernel *k = in->k;
	uint64_t base = k->vmalloc_base.value, size = x86_64_vmalloc_size(levels);
	enum vmmap_provenance src = k->vmalloc_base.source;
	bool exact = k->vmalloc_base.exact;
	if (!in->kmsan)
		return add(b, base, base + size - 1, VMMAP_REGION_VMALLOC,
			   "vmalloc/ioremap space (vmalloc_base)", src, exact);
	/* KMSAN (6.1+) splits the space in quarters:
	 * pgtable_64_types.h VMALLOC_QUARTER_SIZE. */
	uint64_t q = size / 4;
	struct vmmap_error *err;
	if ((err = add(b, base, base + q - 1, VMMAP_REGION_VMALLOC,
		       "vmalloc/ioremap space, first quarter (KMSAN)", src, exact)) ||
	    (err = add(b, base + q, base + 2 * q - 1, VMMAP_REGION_KMSAN_VMALLOC_SHADOW,
		       "KMSAN shadow of vmalloc space", src, exact)) ||
	    (err = add(b, base + 2 * q, base + 3 * q - 1, VMMAP_REGION_KMSAN_VMALLOC_ORIGIN,
		       "KMSAN origins of vmalloc space", src, exact)))
		return err;
	return add(b, base + 3 * q, base + 4 * q - 1, VMMAP_REGION_KMSAN_MODULES,
		   "KMSAN shadow and origins of modules", src, exact);
}

static struct vmmap_error *
add_ldt_and_cea(struct builder *b, const struct vmmap_kernel *k, int levels)
{
	struct vmmap_error *err = NULL;
	const char *ldt = "LDT remap for PTI";
	if (k->ldt_remap_low.value) {
		/* 4.20+: LDT_PGD_ENTRY -240 (4-level), -112 (5-level):
		 * the slot right after the guard hole. */
		uint64_t start = guard_hole_end(levels) + 1;
		uint64_t size = levels == 5 ? (1ULL << 48) : (1ULL << 39);
		err = add(b, start, start + size - 1, VMMAP_REGION_LDT_REMAP, ldt,
			  k->ldt_remap_low.source, k->ldt_remap_low.exact);
	} else if (k->cpu_entry_area.value) {
		/* 4.15-4.19: LDT_PGD_ENTRY -3 (4-level), -112 (5-level). */
		if (levels == 5)
			err = add(b, 0xff90000000000000ULL, 0xff9fffffffffffffULL,
				  VMMAP_REGION_LDT_REMAP, ldt, k->ldt_remap_low.source,
				  k->ldt_remap_low.exact);
		else
			err = add(b, 0xfffffe8000000000ULL, 0xfffffeffffffffffULL,
				  VMMAP_REGION_LDT_REMAP, ldt, k->ldt_remap_low.source,
				  k->ldt_remap_low.exact);
	}
	if (err || !k->cpu_entry_area.value)
		return err;
	/* CPU_ENTRY_AREA_PGD -4 << P4D_SHIFT, one P4D slot (512 GB). */
	return add(b, X86_64_CPU_ENTRY_AREA_BASE,
		   X86_64_CPU_ENTRY_AREA_BASE + (1ULL << 39) - 1,
		   VMMAP_REGION_CPU_ENTRY_AREA, "cpu_entry_area mapping (GDT, TSS, entry stacks)",
		   k->cpu_entry_area.source, k->cpu_entry_area.exact);
}

static struct vmmap_error *
add_high_regions(struct builder *b, const struct vmmap_kernel *k)
{
	struct vmmap_error *err;
	uint64_t v = k->release_fact.value;
	uint64_t modules = x86_64_modules_start(k->kernel_image_size.value);
	uint64_t modules_end = x86_64_modules_end(v);
	/* ESPFIX_PGD_ENTRY -2 << P4D_SHIFT (3.16, espfix64; back-ported to
	 * some stable 3.x); EFI_VA_END..EFI_VA_START (3.14). An unknown
	 * version keeps both. */
	if ((!v || v >= X86_64_KV(3, 16, 0)) &&
	    (err = add(b, 0xffffff0000000000ULL, 0xffffff7fffffffffULL, VMMAP_REGION_ESPFIX,
		       "%esp fixup stacks", VMMAP_FROM_LAYOUT, true)))
		return err;
	if ((!v || v >= X86_64_KV(3, 14, 0)) &&
	    (err = add(b, 0xffffffef00000000ULL, 0xfffffffeffffffffULL, VMMAP_REGION_EFI,
		       "EFI region mapping space (only in efi_pgd)", VMMAP_FROM_LAYOUT, true)))
		return err;
	if ((err = add(b, X86_64_START_KERNEL_MAP, modules - 1, VMMAP_REGION_KERNEL_TEXT,
		       "kernel text mapping (__START_KERNEL_map, KERNEL_IMAGE_SIZE)",
		       k->kernel_image_size.source, k->kernel_image_size.exact)) ||
	    (err = add(b, modules, modules_end - 1, VMMAP_REGION_MODULES,
		       "module mapping space", k->kernel_image_size.source,
		       k->kernel_image_size.exact)))
		return err;
	if (k->fixaddr_start.known)
		err = add(b, k->fixaddr_start.value, x86_64_fixmap_last(), VMMAP_REGION_FIXMAP,
			  "kernel-internal fixmap range", k->fixaddr_start.source,
			  k->fixaddr_start.exact);
	else
		err = add(b, modules_end, x86_64_fixmap_last(), VMMAP_REGION_FIXMAP,
			  "fixmap at the top end; its start needs vmlinux debug info",
			  VMMAP_FROM_LAYOUT, false);
	if (err)
		return err;
	return add(b, X86_64_VSYSCALL_ADDR, X86_64_VSYSCALL_ADDR + X86_64_PAGE_SIZE - 1,
		   VMMAP_REGION_VSYSCALL, "legacy vsyscall ABI page", VMMAP_FROM_LAYOUT, true);
}

static int
compare_start(const void *a, const void *b)
{
	const struct vmmap_region *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

/* Sort, resolve overlaps (which only contradictory facts produce) and
 * fill every gap, so that the table covers all 2^64 addresses. */
static struct vmmap_error *
complete(struct builder *b, int levels)
{
	struct region_list *l = b->out;
	qsort(l->r, l->n, sizeof(*l->r), compare_start);
	struct region_list done = { 0 };
	struct builder db = { .out = &done };
	uint64_t next = 0;
	bool wrapped = false;
	struct vmmap_error *err = NULL;
	uint64_t canon_lo = x86_64_user_end(levels), canon_hi = kernel_half_start(levels);
	for (size_t i = 0; i < l->n && !err; i++) {
		struct vmmap_region r = l->r[i];
		if (wrapped || r.end < next)
			goto overlap;
		if (r.start < next) {
			r.start = next;
			r.exact = false;
			goto overlap_clipped;
		}
		if (r.start > next) {
			bool hole_noncanon = next > canon_lo && r.start <= canon_hi;
			err = add(&db, next, r.start - 1,
				  hole_noncanon ? VMMAP_REGION_NONCANONICAL : VMMAP_REGION_UNUSED,
				  hole_noncanon ? "non-canonical addresses"
						: "unused hole",
				  VMMAP_FROM_LAYOUT, true);
			if (err)
				break;
		}
overlap_clipped:
		err = add(&db, r.start, r.end, r.kind, r.description, r.source,
			  r.exact);
		if (r.end == UINT64_MAX)
			wrapped = true;
		next = r.end + 1;
		continue;
overlap:
		if (b->note)
			b->note(b->note_arg,
				"region overlaps its neighbour; the facts contradict each other");
	}
	if (!err && !wrapped)
		err = add(&db, next, UINT64_MAX, VMMAP_REGION_UNUSED, "unused hole",
			  VMMAP_FROM_LAYOUT, true);
	if (err) {
		free(done.r);
		return err;
	}
	free(l->r);
	*l = done;
	return NULL;
}

struct vmmap_error *
x86_64_build_regions(const struct x86_64_layout_input *in,
		     struct region_list *out,
		     void (*note)(void *, const char *), void *note_arg)
{
	const struct vmmap_kernel *k = in->k;
	int levels = (int)k->pgtable_levels.value;
	struct builder b = { .out = out, .note = note, .note_arg = note_arg };
	struct vmmap_error *err;
	uint64_t half = kernel_half_start(levels);
	if ((err = add(&b, 0, x86_64_user_end(levels), VMMAP_REGION_USER,
		       "user-space virtual memory, different per mm",
		       k->pgtable_levels.source, k->pgtable_levels.exact)) ||
	    (err = add(&b, x86_64_user_end(levels) + 1, half - 1, VMMAP_REGION_NONCANONICAL,
		       "non-canonical addresses", k->pgtable_levels.source,
		       k->pgtable_levels.exact)) ||
	    (err = add(&b, half, guard_hole_end(levels), VMMAP_REGION_GUARD_HOLE,
		       "guard hole, reserved for hypervisor", VMMAP_FROM_LAYOUT,
		       true)) ||
	    (err = add_ldt_and_cea(&b, k, levels)) ||
	    (err = add_direct_map(&b, in)) ||
	    (err = add_vmalloc(&b, in, levels)) ||
	    (err = add(&b, k->vmemmap_base.value,
		       sat_end(k->vmemmap_base.value, vmemmap_size(in, levels)),
		       VMMAP_REGION_VMEMMAP, "virtual memory map: struct pages (vmemmap_base)",
		       weaker(&k->vmemmap_base, &k->physmem_end),
		       k->vmemmap_base.exact && (k->physmem_end.exact ||
						 !x86_64_memory_randomized(k)))))
		return err;
	if (k->kasan.value &&
	    (err = add(&b, x86_64_kasan_shadow_start(levels),
		       X86_64_KASAN_SHADOW_END - 1, VMMAP_REGION_KASAN_SHADOW,
		       "KASAN shadow memory", k->kasan.source, k->kasan.exact)))
		return err;
	if ((err = add_high_regions(&b, k)))
		return err;
	return complete(&b, levels);
}
