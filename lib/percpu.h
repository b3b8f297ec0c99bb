/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Per-CPU variables (include/linux/percpu-defs.h): CPU n's copy of a
 * per-CPU symbol is at the symbol's address plus __per_cpu_offset[n],
 * for n below nr_cpu_ids. Per-CPU symbols are small offsets from 0
 * until 6.x (absolute in kallsyms) and addresses in the image's
 * .data..percpu from 7.x, where __per_cpu_offset[] counts from
 * __per_cpu_start: the sum is the copy's address either way.
 */
#ifndef VMMAP_PERCPU_H
#define VMMAP_PERCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"

#define PERCPU_MAX_CPUS 8192

struct percpu {
	uint64_t *offset;		/* __per_cpu_offset[0 .. n) */
	unsigned n;			/* nr_cpu_ids */
};

/* Read nr_cpu_ids and __per_cpu_offset[]: false (pc left empty) when a
 * symbol is missing, unreadable, or nr_cpu_ids is 0 or absurd. */
bool percpu_load(struct kernel *kr, struct percpu *pc);
void percpu_fini(struct percpu *pc);

/* CPU cpu's copy of the per-CPU variable at sym. */
static inline uint64_t
percpu_addr(const struct percpu *pc, uint64_t sym, unsigned cpu)
{
	return sym + pc->offset[cpu];
}

#endif
