/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Region kinds: the one table of their stable names. */
#include "config.h"

#include <vmmap/vmmap.h>

static const char *const kind_names[VMMAP_REGION_NUM_KINDS] = {
	[VMMAP_REGION_UNUSED] = "unused",
	[VMMAP_REGION_USER] = "user",
	[VMMAP_REGION_NONCANONICAL] = "noncanonical",
	[VMMAP_REGION_GUARD_HOLE] = "guard_hole",
	[VMMAP_REGION_LDT_REMAP] = "ldt_remap",
	[VMMAP_REGION_DIRECT_MAP] = "direct_map",
	[VMMAP_REGION_VMALLOC] = "vmalloc",
	[VMMAP_REGION_KMSAN_VMALLOC_SHADOW] = "kmsan_vmalloc_shadow",
	[VMMAP_REGION_KMSAN_VMALLOC_ORIGIN] = "kmsan_vmalloc_origin",
	[VMMAP_REGION_KMSAN_MODULES] = "kmsan_modules",
	[VMMAP_REGION_VMEMMAP] = "vmemmap",
	[VMMAP_REGION_KASAN_SHADOW] = "kasan_shadow",
	[VMMAP_REGION_CPU_ENTRY_AREA] = "cpu_entry_area",
	[VMMAP_REGION_ESPFIX] = "espfix",
	[VMMAP_REGION_EFI] = "efi",
	[VMMAP_REGION_KERNEL_TEXT] = "kernel_text",
	[VMMAP_REGION_MODULES] = "modules",
	[VMMAP_REGION_FIXMAP] = "fixmap",
	[VMMAP_REGION_VSYSCALL] = "vsyscall",
};

const char *
vmmap_region_kind_name(enum vmmap_region_kind kind)
{
	if ((unsigned)kind < VMMAP_REGION_NUM_KINDS && kind_names[kind])
		return kind_names[kind];
	return "unknown";
}

bool
vmmap_region_kind_is_hole(enum vmmap_region_kind kind)
{
	return kind == VMMAP_REGION_USER || kind == VMMAP_REGION_NONCANONICAL ||
	       kind == VMMAP_REGION_GUARD_HOLE || kind == VMMAP_REGION_UNUSED;
}
