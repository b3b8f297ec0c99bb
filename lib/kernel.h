/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * The kernel reader: everything needed to read the crashed kernel's
 * memory and symbols, set up once from a source. It holds the source
 * (borrowed), the parsed VMCOREINFO, the facts reading depends on
 * (phys_base, KERNELOFFSET, paging depth, the SME mask, the page
 * tables' root), a page walker, the symbol table, and the notes made on
 * the way. Facts, probes and module discovery read through it; the map
 * owns it after the build, for page walks and symbol lookups.
 *
 * Set-up order (kernel_open): VMCOREINFO, OSRELEASE, phys_base,
 * KERNELOFFSET, SME mask, paging depth (checked against the page
 * tables), the page walker, then the symbols (kallsyms from the dump,
 * or the vmlinux / System.map given).
 */
#ifndef VMMAP_KERNEL_H
#define VMMAP_KERNEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/pgtable.h"
#include "notes.h"
#include "source.h"
#include "symtab.h"
#include "vmcoreinfo.h"
#include "vmlinux.h"

struct pgwalk;
struct tlb;

struct kernel {
	struct vmmap_source *src;	/* borrowed */
	struct vmcoreinfo *vi;
	char *vmcoreinfo_text;		/* the raw text vi was parsed from */
	size_t vmcoreinfo_len;
	char release[65];		/* OSRELEASE, "" if unknown */
	struct vmmap_fact release_code;	/* KERNEL_VERSION(a, b, c) */
	struct vmmap_fact phys_base;
	struct vmmap_fact kernel_offset;
	struct vmmap_fact kaslr;
	struct vmmap_fact levels;	/* 4 or 5 */
	struct x86_64_page_tables pt;	/* init_top_pgt, if have_pt */
	bool have_pt;
	struct pgwalk *pgwalk;		/* for sources without a page_walk op */
	struct tlb *tlb;		/* kernel_translate_mapped()'s, or NULL */
	bool vmcoreinfo_from_memory;	/* no note: found by vmcoreinfo_scan() */
	/* The symbol table, built on first need (kernel_symbols()): a
	 * map's facts read a few variables, found in the dump's kallsyms
	 * without decoding every name (kernel_prefetch_symbols()). */
	struct symtab syms;		/* empty if there is no symbol source */
	bool have_symbols;		/* a symbol source is there */
	bool syms_built;		/* syms is complete (atomic) */
	pthread_mutex_t syms_lock;
	struct kallsyms *kallsyms;	/* until syms is built from it */
	struct prefetched *prefetched;	/* names looked up before that */
	size_t n_prefetched;
	struct vmlinux_facts vmlinux;	/* DWARF facts of the vmlinux given */
	char *symbols_path;		/* the vmlinux or System.map given, or NULL */
	struct notes notes;
};

/* symbols_path: a vmlinux or System.map, or NULL for the dump's own
 * kallsyms. */
struct vmmap_error *kernel_open(struct vmmap_source *src, const char *symbols_path,
				struct kernel **ret);
void kernel_destroy(struct kernel *k);

void kernel_note(struct kernel *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The KERNEL_VERSION code of OSRELEASE, 0 if unknown; KV(4, 20, 0) is
 * such a code (include/linux/version.h). */
uint64_t kernel_version(const struct kernel *k);
#define KV(a, b, c) (((uint64_t)(a) << 16) | ((b) << 8) | (c))

/* Set a fact: known, with its value, source and exactness. */
static inline void
fact_set(struct vmmap_fact *f, uint64_t value, enum vmmap_provenance src, bool exact)
{
	*f = (struct vmmap_fact){ .known = true, .exact = exact, .source = src, .value = value };
}

/* Virtual to physical through the kernel page tables: the source's
 * own walk if it has one, else libaddrxlat over its reads. */
bool kernel_can_translate(const struct kernel *k);
struct vmmap_error *kernel_translate(struct kernel *k, uint64_t vaddr, uint64_t *paddr);
/* How vaddr is mapped (page size, access), by vmmap's own walk of the
 * kernel page tables; false if unmapped or the tables are unknown. */
bool kernel_mapping(struct kernel *k, uint64_t vaddr, struct x86_64_mapping *out);
/* kernel_translate(), and kernel_mapping() too (*have_mapping) where
 * vmmap's own walk agrees with it: both remembered by leaf page. */
struct vmmap_error *kernel_translate_mapped(struct kernel *k, uint64_t vaddr, uint64_t *paddr,
					    struct x86_64_mapping *m, bool *have_mapping);
/* The span of the unmapped hole vaddr is in (x86_64_pt_hole), or 0. */
uint64_t kernel_unmapped_span(struct kernel *k, uint64_t vaddr);
/* Is vaddr mapped in the kernel page tables? */
bool kernel_is_mapped(struct kernel *k, uint64_t vaddr);
/* Read kernel virtual memory through page walks, page by page. */
struct vmmap_error *kernel_read(struct kernel *k, uint64_t vaddr, void *buf, size_t len);
/* A u64 at vaddr, read through page walks: false if unreadable. */
bool kernel_read_u64(struct kernel *k, uint64_t vaddr, uint64_t *value);
/* A NUL-terminated string at vaddr into buf (size bytes, the NUL
 * included), read a page at a time: false if unreadable or longer. */
bool kernel_read_string(struct kernel *k, uint64_t vaddr, char *buf, size_t size, size_t *len);
/* Read the kernel image (its variables, kallsyms) by the image
 * mapping's fixed offset: no page tables needed. VMMAP_ERROR_FAULT
 * below the image mapping. */
struct vmmap_error *kernel_read_image(struct kernel *k, uint64_t vaddr, void *buf,
				      size_t len);
struct vmmap_error *kernel_read_image_u64(struct kernel *k, uint64_t vaddr, uint64_t *ret);
/* Read a kernel variable (in the image) found through the symbols:
 * false (with a note if it exists but is unreadable) when it cannot
 * be. */
bool kernel_read_variable(struct kernel *k, const char *name, uint64_t *value);

/* A symbol's runtime address, from the source's own symbols (a
 * debugger's) or the symbol table. */
bool kernel_symbol(struct kernel *k, const char *name, uint64_t *addr);
/* Look these names up now, in one pass over the dump's kallsyms, so
 * that kernel_symbol() answers them without the whole table. */
void kernel_prefetch_symbols(struct kernel *k, const char *const *names, size_t n);
/* The whole symbol table, built on the first call (thread-safe); empty
 * without a symbol source. */
const struct symtab *kernel_symbols(struct kernel *k);
/* Is any symbol source there (whose silence then means absence)? */
bool kernel_has_symbols(const struct kernel *k);
/* Is any of these symbols known? */
bool kernel_has_any_symbol(struct kernel *k, const char *const *names);

#endif
