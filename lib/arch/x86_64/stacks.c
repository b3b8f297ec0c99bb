/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * A CPU's own stacks on x86_64 (see stacks.h):
 *
 * - The hard IRQ stack (arch/x86/kernel/irq_64.c): per-CPU
 *   irq_stack_backing_store, a struct irq_stack of IRQ_STACK_SIZE,
 *   mapped again in vmalloc space with CONFIG_VMAP_STACK
 *   (irq_init_percpu_irqstack). Its top is kept in the per-CPU
 *   hardirq_stack_ptr (5.2+): va + IRQ_STACK_SIZE until 5.10, va +
 *   IRQ_STACK_SIZE - 8 after ("Store actual TOS to avoid adjustment in
 *   the hotpath"); in pcpu_hot.hardirq_stack_ptr from 6.2 (commit
 *   "x86: Move hardirq_stack_ptr to pcpu_hot"), a per-CPU variable of
 *   its own again from 6.15 (DEFINE_PER_CPU_CACHE_HOT). Either top
 *   rounds up to the page after the stack.
 * - struct cpu_entry_area (arch/x86/include/asm/cpu_entry_area.h): the
 *   GDT page, the entry stack page (entry_stack_page.stack), the TSS,
 *   and estacks, a struct cea_exception_stacks: <name>_stack_guard
 *   pages, left unmapped, each below its <name>_stack (DF, NMI, DB, MCE,
 *   VC, VC2; DB2 and DB1 before 5.9; HV, HV2 as proposed for Hyper-V).
 *   The #VC stacks are mapped only under SEV-ES (and sized 0 without
 *   CONFIG_AMD_MEM_ENCRYPT in later kernels): a stack of size 0 or
 *   whose first page the page tables do not map is not named.
 *   CPU n's area is at CPU_ENTRY_AREA_PER_CPU + slot *
 *   sizeof(struct cpu_entry_area), slot n before 6.2 and
 *   per_cpu(_cea_offset, n) after (arch/x86/mm/cpu_entry_area.c,
 *   get_cpu_entry_area()). The per-CPU cea_exception_stacks (5.2+)
 *   points at the area's estacks: it must agree.
 *
 * Sizes and offsets are the dump's BTF; a value read from memory that
 * does not fit (a top that is no page end, a slot outside the area,
 * stacks that overlap) drops that stack, and says so in the note.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../error.h"
#include "../../percpu.h"
#include "layout.h"
#include "stacks.h"

#define NOTE_LEN 300

struct cpu_stacks {
	struct vmmap_cpu_stack *v;
	size_t n, cap;
	char note[NOTE_LEN];
};

/* The exception stacks struct cea_exception_stacks may hold, by the
 * names of its members (<name>_stack, <name>_stack_guard). */
static const char *const estack_names[] = { "DF", "NMI", "DB2", "DB1", "DB", "MCE", "VC", "VC2", "HV", "HV2" };

static void
note(struct cpu_stacks *cs, const char *fmt, ...)
{
	size_t len = strlen(cs->note);
	if (len + 8 >= sizeof(cs->note))
		return;
	if (len) {
		strcpy(cs->note + len, "; ");
		len += 2;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cs->note + len, sizeof(cs->note) - len, fmt, ap);
	va_end(ap);
}

static bool
add(struct cpu_stacks *cs, enum vmmap_cpu_stack_kind kind, unsigned cpu, const char *name,
    uint64_t start, uint64_t size, bool guard)
{
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 64;
		struct vmmap_cpu_stack *v = realloc(cs->v, cap * sizeof(*v));
		if (!v)
			return false;
		cs->v = v;
		cs->cap = cap;
	}
	cs->v[cs->n++] = (struct vmmap_cpu_stack){ .kind = kind, .cpu = cpu, .name = name,
						   .start = start, .end = start + size,
						   .guard = guard };
	return true;
}

/* Mapped, or the page tables cannot say. */
static bool
mapped(struct kernel *kr, uint64_t addr)
{
	return !kernel_can_translate(kr) || kernel_is_mapped(kr, addr);
}

/* Where each CPU's hardirq_stack_ptr is: the variable, or the member
 * of pcpu_hot (6.2-6.14); before 5.2 ("x86/irq/64: Rename
 * irq_stack_ptr to hardirq_stack_ptr") irq_stack_ptr, the top of
 * irq_stack_union.irq_stack in the per-CPU area, IRQ_STACK_SIZE below. */
static bool
irq_stack_ptr_sym(const struct cpu_stacks_input *in, uint64_t *sym)
{
	uint64_t hot, off;
	if (kernel_symbol(in->kr, "hardirq_stack_ptr", sym) || kernel_symbol(in->kr, "irq_stack_ptr", sym))
		return true;
	if (kernel_symbol(in->kr, "pcpu_hot", &hot) &&
	    types_member(in->types, "pcpu_hot", "hardirq_stack_ptr", &off, NULL)) {
		*sym = hot + off;
		return true;
	}
	return false;
}

static bool
load_irq_stacks(const struct cpu_stacks_input *in, const struct percpu *pc, struct cpu_stacks *cs)
{
	uint64_t sym, size;
	if (!irq_stack_ptr_sym(in, &sym)) {
		note(cs, "no hardirq_stack_ptr (nor pcpu_hot.hardirq_stack_ptr): IRQ stacks not known");
		return true;
	}
	if (!types_struct_size(in->types, "irq_stack", &size) || size == 0 ||
	    size % X86_64_PAGE_SIZE || size > (1u << 20))
		size = X86_64_IRQ_STACK_SIZE << (in->kasan ? 1 : 0);
	for (unsigned cpu = 0; cpu < pc->n; cpu++) {
		uint64_t p, top;
		if (!kernel_read_u64(in->kr, percpu_addr(pc, sym, cpu), &p)) {
			note(cs, "CPU %u: hardirq_stack_ptr unreadable", cpu);
			continue;
		}
		if (p == 0)
			continue;	/* a CPU never brought up */
		uint64_t in_page = p & (X86_64_PAGE_SIZE - 1);
		top = in_page ? p - in_page + X86_64_PAGE_SIZE : p;
		if ((in_page != 0 && in_page != X86_64_PAGE_SIZE - 8) || top < size ||
		    !in->irq_stack_ok(in->arg, top - size) || !in->irq_stack_ok(in->arg, top - 1) ||
		    !mapped(in->kr, top - size) || !mapped(in->kr, top - 1)) {
			note(cs, "CPU %u: hardirq_stack_ptr 0x%" PRIx64 " is no IRQ stack's top", cpu, p);
			continue;
		}
		if (!add(cs, VMMAP_CPU_STACK_IRQ, cpu, NULL, top - size, size, false))
			return false;
	}
	return true;
}

struct cea_layout {
	uint64_t size, estacks, entry, entry_size;
	bool have_entry, have_estacks;
};

/* The exception stacks and their guard pages at estacks. */
static bool
add_estacks(const struct cpu_stacks_input *in, struct cpu_stacks *cs, unsigned cpu, uint64_t estacks)
{
	for (size_t i = 0; i < sizeof(estack_names) / sizeof(estack_names[0]); i++) {
		char member[32];
		uint64_t off, size, goff, gsize;
		snprintf(member, sizeof(member), "%s_stack", estack_names[i]);
		if (!types_member(in->types, "cea_exception_stacks", member, &off, &size) || !size ||
		    !mapped(in->kr, estacks + off))
			continue;
		if (!add(cs, VMMAP_CPU_STACK_EXCEPTION, cpu, estack_names[i], estacks + off, size, false))
			return false;
		snprintf(member, sizeof(member), "%s_stack_guard", estack_names[i]);
		if (types_member(in->types, "cea_exception_stacks", member, &goff, &gsize) && gsize &&
		    goff + gsize == off &&
		    !add(cs, VMMAP_CPU_STACK_EXCEPTION, cpu, estack_names[i], estacks + goff, gsize, true))
			return false;
	}
	return true;
}

static bool
load_cea_stacks(const struct cpu_stacks_input *in, const struct percpu *pc, struct cpu_stacks *cs)
{
	struct cea_layout l = { 0 };
	uint64_t page_off, slot_sym = 0, estacks_sym = 0;
	if (!in->cpu_entry_area)
		return true;
	if (!types_struct_size(in->types, "cpu_entry_area", &l.size) || l.size == 0 ||
	    l.size % X86_64_PAGE_SIZE || l.size > X86_64_CPU_ENTRY_AREA_MAP_SIZE) {
		note(cs, "the kernel's BTF has no struct cpu_entry_area: its stacks not known");
		return true;
	}
	l.have_entry = types_member(in->types, "cpu_entry_area", "entry_stack_page", &page_off, NULL) &&
		       types_member(in->types, "entry_stack_page", "stack", &l.entry, &l.entry_size) &&
		       l.entry_size;
	l.entry += page_off;
	l.have_estacks = types_member(in->types, "cpu_entry_area", "estacks", &l.estacks, NULL);
	bool randomized = kernel_symbol(in->kr, "_cea_offset", &slot_sym);
	bool have_pointer = kernel_symbol(in->kr, "cea_exception_stacks", &estacks_sym);
	uint64_t slots = (X86_64_CPU_ENTRY_AREA_MAP_SIZE - X86_64_PAGE_SIZE) / l.size;
	for (unsigned cpu = 0; cpu < pc->n; cpu++) {
		uint64_t slot = cpu, ptr;
		if (randomized && !kernel_read_u64(in->kr, percpu_addr(pc, slot_sym, cpu), &slot)) {
			note(cs, "CPU %u: _cea_offset unreadable", cpu);
			continue;
		}
		if (slot >= slots) {
			note(cs, "CPU %u: _cea_offset %" PRIu64 " is outside the cpu_entry_area", cpu, slot);
			continue;
		}
		uint64_t base = X86_64_CPU_ENTRY_AREA_PER_CPU + slot * l.size;
		if (!mapped(in->kr, base)) {
			/* setup_cpu_entry_areas() maps every possible CPU's */
			note(cs, "CPU %u: its cpu_entry_area 0x%" PRIx64 " is not mapped", cpu, base);
			continue;
		}
		if (l.have_estacks && have_pointer &&
		    kernel_read_u64(in->kr, percpu_addr(pc, estacks_sym, cpu), &ptr) &&
		    ptr != base + l.estacks) {
			note(cs, "CPU %u: cea_exception_stacks 0x%" PRIx64 " is not its cpu_entry_area's (0x%" PRIx64 ")",
			     cpu, ptr, base + l.estacks);
			continue;
		}
		if (l.have_entry && mapped(in->kr, base + l.entry) &&
		    !add(cs, VMMAP_CPU_STACK_ENTRY, cpu, NULL, base + l.entry, l.entry_size, false))
			return false;
		if (l.have_estacks && !add_estacks(in, cs, cpu, base + l.estacks))
			return false;
	}
	return true;
}

static int
by_start(const void *a, const void *b)
{
	const struct vmmap_cpu_stack *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

struct cpu_stacks *
cpu_stacks_load(const struct cpu_stacks_input *in)
{
	struct cpu_stacks *cs = calloc(1, sizeof(*cs));
	if (!cs)
		return NULL;
	struct percpu pc;
	if (!percpu_load(in->kr, &pc)) {
		note(cs, "no per-CPU offsets (__per_cpu_offset, nr_cpu_ids)");
		return cs;
	}
	bool ok = load_irq_stacks(in, &pc, cs) && load_cea_stacks(in, &pc, cs);
	percpu_fini(&pc);
	if (!ok) {
		cpu_stacks_destroy(cs);
		return NULL;
	}
	if (cs->n)
		qsort(cs->v, cs->n, sizeof(*cs->v), by_start);
	/* overlapping stacks are garbage read as stacks: keep neither */
	size_t w = 0;
	for (size_t i = 0; i < cs->n; i++) {
		bool clash = (i > 0 && cs->v[i - 1].end > cs->v[i].start) ||
			     (i + 1 < cs->n && cs->v[i].end > cs->v[i + 1].start);
		if (clash)
			note(cs, "CPU %u: its %s stack at 0x%" PRIx64 " overlaps another", cs->v[i].cpu,
			     vmmap_cpu_stack_kind_name(cs->v[i].kind), cs->v[i].start);
		else
			cs->v[w++] = cs->v[i];
	}
	cs->n = w;
	return cs;
}

void
cpu_stacks_destroy(struct cpu_stacks *cs)
{
	if (!cs)
		return;
	free(cs->v);
	free(cs);
}

const struct vmmap_cpu_stack *
cpu_stacks_get(const struct cpu_stacks *cs, size_t *n)
{
	*n = cs->n;
	return cs->v;
}

const char *
cpu_stacks_note(const struct cpu_stacks *cs)
{
	return cs->note[0] ? cs->note : NULL;
}

bool
cpu_stacks_find(const struct cpu_stacks *cs, uint64_t addr, struct vmmap_cpu_stack *out)
{
	size_t lo = 0, hi = cs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cs->v[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == cs->n || addr < cs->v[lo].start)
		return false;
	*out = cs->v[lo];
	return true;
}
