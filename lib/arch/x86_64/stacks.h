/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * The stacks a CPU owns rather than a task: its hard IRQ stack, and the
 * stacks of its cpu_entry_area (the entry stack and the IST exception
 * stacks with their guard pages), found through the per-CPU variables
 * and the dump's BTF, so that an address can be named as "the #DF
 * stack of CPU 0".
 */
#ifndef VMMAP_ARCH_X86_64_STACKS_H
#define VMMAP_ARCH_X86_64_STACKS_H

#include <stdbool.h>
#include <stdint.h>
#include <vmmap/vmmap.h>

#include "../../kernel.h"
#include "../../types.h"

struct cpu_stacks;

struct cpu_stacks_input {
	struct kernel *kr;
	const struct kernel_types *types;
	bool kasan;			/* IRQ_STACK_SIZE doubles when the BTF does not say */
	bool cpu_entry_area;		/* the era has one (4.15+) */
	/* May an IRQ stack lie at addr (vmalloc, or the direct map without
	 * CONFIG_VMAP_STACK)? */
	bool (*irq_stack_ok)(void *arg, uint64_t addr);
	void *arg;
};

/* Every CPU's stacks; NULL only without memory (a kernel whose stacks
 * cannot be found gives an empty table, with the reason in its note). */
struct cpu_stacks *cpu_stacks_load(const struct cpu_stacks_input *in);
void cpu_stacks_destroy(struct cpu_stacks *cs);
/* The stacks, sorted by address: valid until cpu_stacks_destroy(). */
const struct vmmap_cpu_stack *cpu_stacks_get(const struct cpu_stacks *cs, size_t *n);
/* What could not be found, or NULL. */
const char *cpu_stacks_note(const struct cpu_stacks *cs);
/* The stack (or guard page) holding addr: false if none. */
bool cpu_stacks_find(const struct cpu_stacks *cs, uint64_t addr, struct vmmap_cpu_stack *out);

#endif
