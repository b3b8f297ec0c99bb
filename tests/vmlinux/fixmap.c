/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * A stand-in vmlinux with debug info for the 6.1 synthetic fixture: the
 * DWARF facts vmmap reads (enum fixed_addresses, struct page) and, via
 * vmlinux.lds, the symbols at the places fixtures/mkdump.c puts them.
 * The enum's shape follows arch/x86/include/asm/fixmap.h (VSYSCALL_PAGE
 * first at 511, the permanent slots, then the boot-time ones); the
 * numbers are this test's own.
 */
enum fixed_addresses {
	VSYSCALL_PAGE = 511,
	FIX_DBGP_BASE,
	FIX_EARLYCON_MEM_BASE,
	FIX_APIC_BASE,
	FIX_IO_APIC_BASE_0,
	FIX_IO_APIC_BASE_END = FIX_IO_APIC_BASE_0 + 127,
	__end_of_permanent_fixed_addresses,
	FIX_BTMAP_END = 1024,
	FIX_BTMAP_BEGIN = FIX_BTMAP_END + 512 - 1,
	__end_of_fixed_addresses
};

struct page {
	unsigned long flags;
	unsigned long words[7];
};

enum fixed_addresses fixmap_marker = __end_of_fixed_addresses;
struct page page_marker;

void vmlinux_test_text(void) {}
