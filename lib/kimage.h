/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Reading the kernel image: addresses in the __START_KERNEL_map mapping
 * translate as vaddr - __START_KERNEL_map + phys_base (the kernel's
 * __phys_addr_symbol(), arch/x86/include/asm/page_64.h). */
#ifndef VMMAP_KIMAGE_H
#define VMMAP_KIMAGE_H

#include "source.h"

struct kimage {
	struct vmmap_source *src;
	uint64_t phys_base;
};

bool kimage_contains(uint64_t vaddr);
struct vmmap_error *kimage_read(const struct kimage *ki, uint64_t vaddr,
				void *buf, size_t len);
struct vmmap_error *kimage_read_u64(const struct kimage *ki, uint64_t vaddr,
				    uint64_t *ret);

#endif
