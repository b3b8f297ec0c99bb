/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * The x86_64 kernel virtual memory layout, by era. This header and
 * x86_64.c are the only places holding x86_64 address constants.
 * Sources: Documentation/arch/x86/x86_64/mm.rst (mm.txt before 5.x),
 * arch/x86/include/asm/pgtable_64_types.h, page_64_types.h,
 * arch/x86/mm/kaslr.c.
 */
#ifndef VMMAP_LAYOUT_X86_64_H
#define VMMAP_LAYOUT_X86_64_H

#include <stdint.h>
#include <vmmap/vmmap.h>

#define X86_64_START_KERNEL_MAP		0xffffffff80000000ULL	/* __START_KERNEL_map */
#define X86_64_DEFAULT_TEXT		0xffffffff81000000ULL	/* + CONFIG_PHYSICAL_START 16 MiB */
#define X86_64_VSYSCALL_ADDR		0xffffffffff600000ULL
#define X86_64_PAGE_SIZE		4096ULL
#define X86_64_PUD_SIZE			(1ULL << 30)

/* Direct-map bases before randomization (page_64_types.h). */
#define X86_64_PAGE_OFFSET_L4_2_6_27	0xffff880000000000ULL
#define X86_64_PAGE_OFFSET_L4_4_20	0xffff888000000000ULL	/* commit d52888aa2753 */
#define X86_64_PAGE_OFFSET_L5_4_14	0xff10000000000000ULL
#define X86_64_PAGE_OFFSET_L5_4_20	0xff11000000000000ULL
#define X86_64_VMALLOC_BASE_L4		0xffffc90000000000ULL
#define X86_64_VMALLOC_BASE_L5		0xffa0000000000000ULL
#define X86_64_VMEMMAP_BASE_L4		0xffffea0000000000ULL
#define X86_64_VMEMMAP_BASE_L5		0xffd4000000000000ULL
#define X86_64_CPU_ENTRY_AREA_BASE	0xfffffe0000000000ULL	/* CPU_ENTRY_AREA_PGD -4 << P4D_SHIFT */
#define X86_64_KASAN_SHADOW_L4		0xffffec0000000000ULL
#define X86_64_KASAN_SHADOW_L5		0xffdf000000000000ULL
#define X86_64_KASAN_SHADOW_END		0xfffffc0000000000ULL

/* Facts the layout needs beyond struct vmmap_kernel. */
struct x86_64_layout_input {
	const struct vmmap_kernel *k;
	uint64_t max_physmem_bits;	/* 46 or 52 */
	bool kmsan;
};

struct region_list {
	struct vmmap_region *r;
	size_t n, cap;
};

/* The page_offset_base of a kernel that does not randomize memory. */
uint64_t x86_64_fixed_page_offset(int levels, bool ldt_remap_low);
uint64_t x86_64_fixed_vmalloc_base(int levels);
uint64_t x86_64_fixed_vmemmap_base(int levels);
/* Bottom of the KASLR memory window (arch/x86/mm/kaslr.c vaddr_start). */
uint64_t x86_64_kaslr_window_start(int levels, bool ldt_remap_low);
uint64_t x86_64_vmalloc_size(int levels);
uint64_t x86_64_kasan_shadow_start(int levels);
uint64_t x86_64_user_end(int levels);
uint64_t x86_64_modules_end(void);
/* The fixmap's top address, exclusive of the vsyscall page. */
uint64_t x86_64_fixmap_last(void);
/* FIXADDR_TOP - n*PAGE_SIZE: the start of a fixmap of n pages
 * (arch/x86/include/asm/fixmap.h). */
uint64_t x86_64_fixaddr_start(uint64_t fixmap_pages);

/* Build the complete, sorted, gap-free region table. Notes about
 * overlaps (contradictory facts) go through note(). */
struct vmmap_error *x86_64_build_regions(const struct x86_64_layout_input *in,
					 struct region_list *out,
					 void (*note)(void *, const char *),
					 void *note_arg);

#endif
