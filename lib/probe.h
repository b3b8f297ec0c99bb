/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Inference of the direct map's base when no variable says it: the
 * dump's ELF program headers, and a probe of the kernel page tables. */
#ifndef VMMAP_PROBE_H
#define VMMAP_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"

bool phdrs_direct_map_base(struct kernel *kr, uint64_t *base);
bool probe_direct_map_base(struct kernel *kr, uint64_t *base);

#endif
