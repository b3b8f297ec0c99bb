/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
#include "config.h"

#include "kimage.h"

#include "error.h"
#include "layout/x86_64.h"

bool
kimage_contains(uint64_t vaddr)
{
	return vaddr >= X86_64_START_KERNEL_MAP;
}

struct vmmap_error *
kimage_read(const struct kimage *ki, uint64_t vaddr, void *buf, size_t len)
{
	if (!kimage_contains(vaddr) || len > UINT64_MAX - vaddr)
		return vmmap_error_format(VMMAP_ERROR_FAULT,
					  "0x%llx is not in the kernel image mapping",
					  (unsigned long long)vaddr);
	uint64_t paddr = vaddr - X86_64_START_KERNEL_MAP + ki->phys_base;
	struct vmmap_error *err = source_read_phys(ki->src, paddr, buf, len);
	return vmmap_error_prefix(err, "kernel address 0x%llx",
				  (unsigned long long)vaddr);
}

struct vmmap_error *
kimage_read_u64(const struct kimage *ki, uint64_t vaddr, uint64_t *ret)
{
	return kimage_read(ki, vaddr, ret, sizeof(*ret));
}
