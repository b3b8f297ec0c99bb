/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* The VMCOREINFO parser and its typed lookups. */
#include <stdint.h>

#include "vmcoreinfo.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmcoreinfo *vi;
	struct vmmap_error *err = vmcoreinfo_parse((const char *)data, size, &vi);
	if (err) {
		vmmap_error_destroy(err);
		return 0;
	}
	uint64_t u;
	int64_t s;
	vmmap_error_destroy(vmcoreinfo_symbol(vi, "_stext", &u));
	vmmap_error_destroy(vmcoreinfo_number(vi, "phys_base", &s));
	vmmap_error_destroy(vmcoreinfo_number(vi, "VMALLOC_START", &s));
	vmmap_error_destroy(vmcoreinfo_hex(vi, "KERNELOFFSET", &u));
	vmmap_error_destroy(vmcoreinfo_unsigned(vi, "SIZE(page)", &u));
	vmcoreinfo_get(vi, "OSRELEASE");
	vmcoreinfo_destroy(vi);
	return 0;
}
