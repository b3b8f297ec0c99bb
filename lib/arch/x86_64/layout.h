/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * The x86_64 kernel virtual memory layout, by era. The files of
 * lib/arch/x86_64/ are the only places holding x86_64 address
 * constants; the rest of libvmmap asks these functions.
 * Sources: Documentation/arch/x86/x86_64/mm.rst (mm.txt before 5.x),
 * arch/x86/include/asm/pgtable_64_types.h, page_64_types.h,
 * arch/x86/mm/kaslr.c.
 */
#ifndef VMMAP_ARCH_X86_64_LAYOUT_H
#define VMMAP_ARCH_X86_64_LAYOUT_H

#include <stdbool.h>
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
#define X86_64_VMALLOC_BASE_L4_2_6_11	0xffffc20000000000ULL	/* until 2.6.30 */
#define X86_64_VMEMMAP_BASE_L4_2_6_24	0xffffe20000000000ULL	/* 2.6.24-2.6.30 */
#define X86_64_VMALLOC_BASE_L4		0xffffc90000000000ULL	/* 2.6.31+ */
#define X86_64_VMALLOC_BASE_L5		0xffa0000000000000ULL
#define X86_64_VMEMMAP_BASE_L4		0xffffea0000000000ULL
#define X86_64_VMEMMAP_BASE_L5		0xffd4000000000000ULL
#define X86_64_CPU_ENTRY_AREA_BASE	0xfffffe0000000000ULL	/* CPU_ENTRY_AREA_PGD -4 << P4D_SHIFT */
/* The per-CPU areas follow the read-only IDT page (CPU_ENTRY_AREA_PER_CPU,
 * arch/x86/include/asm/pgtable_areas.h); from 6.2 (commit 97e3d26b5e5f,
 * "x86/mm: Randomize per-cpu entry area") CPU n's area is slot
 * per_cpu(_cea_offset, n) of sizeof(struct cpu_entry_area), anywhere in
 * the P4D (512 GB) below CPU_ENTRY_AREA_BASE + CPU_ENTRY_AREA_MAP_SIZE. */
#define X86_64_CPU_ENTRY_AREA_PER_CPU	(X86_64_CPU_ENTRY_AREA_BASE + X86_64_PAGE_SIZE)
#define X86_64_CPU_ENTRY_AREA_MAP_SIZE	(1ULL << 39)
/* IRQ_STACK_SIZE (arch/x86/include/asm/page_64_types.h): PAGE_SIZE <<
 * (2 + KASAN_STACK_ORDER), when the BTF has no struct irq_stack. */
#define X86_64_IRQ_STACK_SIZE		16384ULL
#define X86_64_KASAN_SHADOW_END		0xfffffc0000000000ULL

/* Facts the layout needs beyond struct vmmap_kernel. */
struct x86_64_layout_input {
	const struct vmmap_kernel *k;
	uint64_t max_physmem_bits;	/* 46 or 52 */
	bool kmsan;
};

/* The regions, sorted, covering 0 .. 2^64-1 without gaps. */
struct region_list {
	struct vmmap_region *r;
	size_t n, cap;
};

/* The kernel image mapping (__START_KERNEL_map): its addresses
 * translate as vaddr - __START_KERNEL_map + phys_base, the kernel's
 * __phys_addr_symbol() (arch/x86/include/asm/page_64.h). */
bool x86_64_in_kernel_image(uint64_t vaddr);
uint64_t x86_64_kernel_image_start(void);
uint64_t x86_64_kernel_image_phys(uint64_t vaddr, uint64_t phys_base);
/* Where _text lands: __START_KERNEL (16 MiB up) moved by KASLR. */
uint64_t x86_64_kernel_text(uint64_t kernel_offset);
/* The first module address: the image mapping's end. */
uint64_t x86_64_modules_start(uint64_t kernel_image_size);
/* Smallest word that can be a kernel pointer: top 16 bits set
 * (4-level), top 8 bits (5-level); the census counts from here. */
uint64_t x86_64_pointer_floor(int levels);
/* MAX_PHYSMEM_BITS where VMCOREINFO does not say (46, 52). */
unsigned x86_64_default_max_physmem_bits(int levels);
/* Can a randomized base (page_offset_base, vmalloc_base, vmemmap_base)
 * lie here? arch/x86/mm/kaslr.c puts them 1 GiB aligned between the
 * KASLR window's start and cpu_entry_area. */
bool x86_64_base_plausible(uint64_t base, int levels);

/* Does any base differ from the era's fixed one
 * (CONFIG_RANDOMIZE_MEMORY at work)? */
bool x86_64_memory_randomized(const struct vmmap_kernel *k);

/* The page_offset_base of a kernel that does not randomize memory. */
uint64_t x86_64_fixed_page_offset(int levels, bool ldt_remap_low);
/* The same by kernel version, for kernels before 4.20 too: until
 * 2.6.26 the direct map started at ffff810000000000. */
uint64_t x86_64_fixed_page_offset_of(int levels, uint64_t version);
/* version: the KERNEL_VERSION code (X86_64_KV), 0 if unknown. Until
 * 2.6.30 vmalloc and the virtual memory map sat lower and the direct
 * map ended at ffffc0ffffffffff (Documentation/x86/x86_64/mm.txt of
 * v2.6.30 against v2.6.31). */
#define X86_64_KV(a, b, c) (((uint64_t)(a) << 16) | ((b) << 8) | (c))
bool x86_64_before_2_6_31(uint64_t version);
uint64_t x86_64_fixed_vmalloc_base(int levels, uint64_t version);
uint64_t x86_64_fixed_vmemmap_base(int levels, uint64_t version);
/* The last address the 4-level direct map can reach in that era
 * beyond MAX_PHYSMEM_BITS (UINT64_MAX: no other bound). */
uint64_t x86_64_direct_map_last(uint64_t version);
/* Bottom of the KASLR memory window (arch/x86/mm/kaslr.c vaddr_start). */
uint64_t x86_64_kaslr_window_start(int levels, bool ldt_remap_low);
uint64_t x86_64_vmalloc_size(int levels);
uint64_t x86_64_kasan_shadow_start(int levels);
uint64_t x86_64_user_end(int levels);
uint64_t x86_64_modules_end(uint64_t version);
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
