/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * libvmmap: the effective x86_64 kernel virtual memory map of a crashed
 * kernel, rebuilt from a vmcore, and annotation of kernel addresses.
 *
 * Conventions (modelled on libdrgn and libkdumpfile):
 *  - every function that can fail returns a struct vmmap_error *;
 *    NULL means success. The caller owns a returned error and releases
 *    it with vmmap_error_destroy().
 *  - all handles are opaque; there is no global state.
 *  - structures the caller fills in and passes (vmmap_source_ops,
 *    vmmap_scan_options) or passes to be filled (vmmap_annotation)
 *    begin with a size member, set to sizeof() as the caller was
 *    compiled (the *_INIT macros do it), so that they can grow at
 *    their end without breaking programs built against an older
 *    header.
 *  - lifetimes: a pointer the library returns into one of its objects
 *    (a region, a note, a name, the kernel facts) stays valid until
 *    that object is destroyed; each function says which object.
 *  - a built struct vmmap_map is immutable except for its translation
 *    cache, which is protected by a lock: vmmap_map_find() and
 *    vmmap_map_annotate() may be called from many threads at once.
 */
#ifndef VMMAP_VMMAP_H
#define VMMAP_VMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header; the library's own is vmmap_version(). */
#define VMMAP_VERSION_MAJOR 0
#define VMMAP_VERSION_MINOR 3
#define VMMAP_VERSION_PATCH 0

/* Everything declared here is exported; libvmmap is built with hidden
 * visibility otherwise. */
#pragma GCC visibility push(default)

/* "0.3.0": the version of the library actually loaded. */
const char *vmmap_version(void);

/* ------------------------------------------------------------------ */
/* Errors */

enum vmmap_error_code {
	VMMAP_ERROR_NOMEM = 1,		/* out of memory */
	VMMAP_ERROR_OS,			/* open/read failed: vmmap_error_errno() */
	VMMAP_ERROR_FORMAT,		/* not a dump, or a corrupt/truncated one */
	VMMAP_ERROR_UNSUPPORTED,	/* a dump of another architecture */
	VMMAP_ERROR_VMCOREINFO,		/* VMCOREINFO missing, garbage, contradictory */
	VMMAP_ERROR_FAULT,		/* memory not present: vmmap_error_fault_address() */
	VMMAP_ERROR_NOT_FOUND,		/* symbol or fact not available */
	VMMAP_ERROR_INVALID_ARGUMENT,	/* caller error, e.g. a bad address */
	VMMAP_ERROR_SYMBOLS,		/* unreadable vmlinux / System.map */
};

struct vmmap_error;

enum vmmap_error_code vmmap_error_code(const struct vmmap_error *err);
/* A stable short name for a code: "nomem", "os", "format", "unsupported",
 * "vmcoreinfo", "fault", "not_found", "invalid_argument", "symbols". */
const char *vmmap_error_code_name(enum vmmap_error_code code);
/* The message, valid until vmmap_error_destroy(err). It keeps the
 * cause: the path and strerror() of an OS error, libkdumpfile's own
 * message, the address of a fault. */
const char *vmmap_error_message(const struct vmmap_error *err);
/* The errno of a VMMAP_ERROR_OS error, else 0. */
int vmmap_error_errno(const struct vmmap_error *err);
/* The address (physical or virtual, as the message says) that a
 * VMMAP_ERROR_FAULT error could not read: false if not known. */
bool vmmap_error_fault_address(const struct vmmap_error *err, uint64_t *addr);
void vmmap_error_destroy(struct vmmap_error *err);
/* For source implementations: a new error with a copy of message. */
struct vmmap_error *vmmap_error_new(enum vmmap_error_code code,
				    const char *message);

/* ------------------------------------------------------------------ */
/* Sources: where facts come from.
 *
 * A source gives the core the few primitives it needs. The dump-file
 * source (vmmap_source_open_dump) implements them with libkdumpfile and
 * libaddrxlat; a debugger can implement them from its own session.
 * Optional operations may be NULL. Initialise the structure with
 * VMMAP_SOURCE_OPS_INIT and designated initialisers:
 *
 *	static const struct vmmap_source_ops ops = {
 *		VMMAP_SOURCE_OPS_INIT, .name = "mine", .read_phys = my_read,
 *	};
 */
struct vmmap_source_ops {
	/* sizeof(struct vmmap_source_ops) where the caller was compiled. */
	size_t size;
	/* Short name, e.g. "libkdumpfile". */
	const char *name;
	/* Read len bytes at physical address addr. Required. */
	struct vmmap_error *(*read_phys)(void *arg, uint64_t addr, void *buf,
					 size_t len);
	/* Translate a kernel virtual address by walking the kernel page
	 * tables. Return VMMAP_ERROR_FAULT for an unmapped address. */
	struct vmmap_error *(*page_walk)(void *arg, uint64_t vaddr,
					 uint64_t *paddr);
	/* The raw VMCOREINFO text; *text is malloc()ed, freed by caller. */
	struct vmmap_error *(*vmcoreinfo)(void *arg, char **text);
	/* The address of a kernel symbol known to the source (a debugger's
	 * symbol table). VMMAP_ERROR_NOT_FOUND if unknown. */
	struct vmmap_error *(*symbol)(void *arg, const char *name,
				      uint64_t *addr);
	/* ELF PT_LOAD headers of the dump, if it is an ELF file:
	 * *n triples (vaddr, paddr, size) in a malloc()ed array. */
	struct vmmap_error *(*load_segments)(void *arg, uint64_t (**segs)[3],
					     size_t *n);
	/* Release arg. */
	void (*destroy)(void *arg);
	/* The first run of pages present in the dump at or above physical
	 * addr, as [*start, *end). VMMAP_ERROR_NOT_FOUND past the last one.
	 * Used by vmmap_scan_run(); without it, load_segments is used. */
	struct vmmap_error *(*present_range)(void *arg, uint64_t addr,
					     uint64_t *start, uint64_t *end);
	/* A second, independent handle on the same dump (its own state,
	 * released with destroy), so that another thread can read pages at
	 * the same time: vmmap_scan_run() reads with two. */
	struct vmmap_error *(*clone)(void *arg, void **ret);
	/* New optional operations are added here, at the end. */
};
#define VMMAP_SOURCE_OPS_INIT .size = sizeof(struct vmmap_source_ops)

struct vmmap_source;

/* Wrap caller-provided operations (copied: ops need not outlive the
 * call). On success the source owns arg and releases it with
 * ops->destroy. */
struct vmmap_error *vmmap_source_create(const struct vmmap_source_ops *ops,
					void *arg, struct vmmap_source **ret);
/* Open a dump file (any format libkdumpfile reads). */
struct vmmap_error *vmmap_source_open_dump(const char *path,
					   struct vmmap_source **ret);
void vmmap_source_destroy(struct vmmap_source *src);

/* ------------------------------------------------------------------ */
/* Provenance of a fact */

enum vmmap_provenance {
	VMMAP_FROM_NONE = 0,	/* unknown */
	VMMAP_FROM_VMCOREINFO,	/* a VMCOREINFO key */
	VMMAP_FROM_MEMORY,	/* a kernel variable read from the dump */
	VMMAP_FROM_KALLSYMS,	/* kallsyms tables decoded from the dump */
	VMMAP_FROM_VMLINUX,	/* vmlinux symbols/DWARF or System.map */
	VMMAP_FROM_ELF_PHDRS,	/* the dump's ELF program headers */
	VMMAP_FROM_PAGE_TABLES,	/* a walk of the kernel page tables */
	VMMAP_FROM_ERA_TABLE,	/* a table by kernel version: a guess */
	VMMAP_FROM_LAYOUT,	/* fixed by the layout of this kernel era */
	VMMAP_FROM_KALLSYMS_SCAN,	/* kallsyms tables found in the kernel image */
};

/* The stable name: "vmcoreinfo", "memory", "kallsyms", "kallsyms-scan",
 * "vmlinux", "elf-phdrs", "page-tables", "era-table", "layout", "none". */
const char *vmmap_provenance_name(enum vmmap_provenance p);

struct vmmap_fact {
	bool known;
	bool exact;			/* false: an inference or a guess */
	enum vmmap_provenance source;
	uint64_t value;
};

/* Kernel facts, each with its provenance. */
struct vmmap_kernel {
	char release[65];		/* OSRELEASE, "" if unknown */
	struct vmmap_fact release_fact;	/* value: KERNEL_VERSION code */
	struct vmmap_fact pgtable_levels;	/* 4 or 5 */
	struct vmmap_fact kaslr;		/* 1 if the text is randomized */
	struct vmmap_fact kernel_offset;
	struct vmmap_fact phys_base;
	struct vmmap_fact page_offset_base;
	struct vmmap_fact vmalloc_base;
	struct vmmap_fact vmemmap_base;
	struct vmmap_fact physmem_end;		/* last phys addr of the direct map */
	struct vmmap_fact kernel_image_size;
	struct vmmap_fact kasan;		/* 1 if the kernel has KASAN */
	struct vmmap_fact cpu_entry_area;	/* 1 if the era has it (4.15+) */
	struct vmmap_fact ldt_remap_low;	/* 1: LDT at the 4.20+ place */
	struct vmmap_fact fixaddr_start;
	struct vmmap_fact page_size_struct;	/* sizeof(struct page) */
	struct vmmap_fact image_phys;		/* physical address of _text */
};

/* ------------------------------------------------------------------ */
/* The map */

/* What a region is: every region of the map has one of these kinds
 * (several "unused" gaps may appear). The names are the stable
 * identifiers of vmmap_region_kind_name(). */
enum vmmap_region_kind {
	VMMAP_REGION_UNUSED = 0,	/* "unused": a gap between regions */
	VMMAP_REGION_USER,		/* "user" */
	VMMAP_REGION_NONCANONICAL,	/* "noncanonical" */
	VMMAP_REGION_GUARD_HOLE,	/* "guard_hole" */
	VMMAP_REGION_LDT_REMAP,		/* "ldt_remap" */
	VMMAP_REGION_DIRECT_MAP,	/* "direct_map" */
	VMMAP_REGION_VMALLOC,		/* "vmalloc" */
	VMMAP_REGION_KMSAN_VMALLOC_SHADOW,	/* "kmsan_vmalloc_shadow" */
	VMMAP_REGION_KMSAN_VMALLOC_ORIGIN,	/* "kmsan_vmalloc_origin" */
	VMMAP_REGION_KMSAN_MODULES,	/* "kmsan_modules" */
	VMMAP_REGION_VMEMMAP,		/* "vmemmap" */
	VMMAP_REGION_KASAN_SHADOW,	/* "kasan_shadow" */
	VMMAP_REGION_CPU_ENTRY_AREA,	/* "cpu_entry_area" */
	VMMAP_REGION_ESPFIX,		/* "espfix" */
	VMMAP_REGION_EFI,		/* "efi" */
	VMMAP_REGION_KERNEL_TEXT,	/* "kernel_text" */
	VMMAP_REGION_MODULES,		/* "modules" */
	VMMAP_REGION_FIXMAP,		/* "fixmap" */
	VMMAP_REGION_VSYSCALL,		/* "vsyscall" */
	VMMAP_REGION_NUM_KINDS
};

/* The stable name of a kind ("direct_map"), or "unknown". */
const char *vmmap_region_kind_name(enum vmmap_region_kind kind);
/* Does the kind have nothing behind it (user, noncanonical, guard
 * hole, unused)? No physical address is ever given there. */
bool vmmap_region_kind_is_hole(enum vmmap_region_kind kind);

struct vmmap_region {
	uint64_t start;
	uint64_t end;			/* inclusive */
	const char *name;		/* stable identifier, e.g. "direct_map" */
	const char *description;
	enum vmmap_provenance source;
	bool exact;			/* false: a bound is approximate */
	enum vmmap_region_kind kind;	/* name is vmmap_region_kind_name(kind) */
};

struct vmmap_map;

/* Build the map from a source. symbols_path may be NULL, or a vmlinux
 * (ELF, with or without debug info) or a System.map text file. The map
 * borrows src (its page walks read through it): destroy the map before
 * the source. */
struct vmmap_error *vmmap_map_build(struct vmmap_source *src,
				    const char *symbols_path,
				    struct vmmap_map **ret);
void vmmap_map_destroy(struct vmmap_map *map);

/* The pointers these return are valid until vmmap_map_destroy(map). */
const struct vmmap_kernel *vmmap_map_kernel(const struct vmmap_map *map);
size_t vmmap_map_num_regions(const struct vmmap_map *map);
/* Regions in ascending order, NULL past the last. */
const struct vmmap_region *vmmap_map_region(const struct vmmap_map *map,
					    size_t i);
/* The region holding addr. Regions cover the whole 64-bit space, so
 * this never fails. */
const struct vmmap_region *vmmap_map_find(const struct vmmap_map *map,
					  uint64_t addr);

/* Warnings gathered while building (facts that were guessed, sources
 * that failed). */
size_t vmmap_map_num_notes(const struct vmmap_map *map);
const char *vmmap_map_note(const struct vmmap_map *map, size_t i);

/* The dump's VMCOREINFO as the source gave it (KEY=value lines), the
 * text the map was built from; *len (if len is not NULL) is its length
 * without the terminating NUL. Never NULL: a map is only built from a
 * VMCOREINFO. Valid until vmmap_map_destroy(map). */
const char *vmmap_map_vmcoreinfo(const struct vmmap_map *map, size_t *len);

/* ------------------------------------------------------------------ */
/* Page state: the struct page of a page frame, decoded with the keys
 * the dump's VMCOREINFO gives (SIZE(page), OFFSET(page.*), NUMBER(PG_*),
 * the page-type values), never with guessed defaults. */

enum vmmap_page_status {
	VMMAP_PAGE_UNKNOWN = 0,		/* not decoded: see note */
	VMMAP_PAGE_OK,			/* decoded from its struct page */
	VMMAP_PAGE_NO_STRUCT_PAGE,	/* no struct page: not a valid pfn */
	VMMAP_PAGE_NOT_IN_DUMP,		/* its struct page is not in the dump */
};

/* What the kernel uses a page for, from its page type or PG_slab;
 * stable names by vmmap_page_type_name(). */
enum vmmap_page_type {
	VMMAP_PAGE_TYPE_UNKNOWN = 0,	/* "unknown": the era's encoding is not known */
	VMMAP_PAGE_TYPE_NONE,		/* "none": no type (in use, or on a per-cpu free list) */
	VMMAP_PAGE_TYPE_BUDDY,		/* "buddy": free, in a block of the buddy allocator */
	VMMAP_PAGE_TYPE_SLAB,		/* "slab" */
	VMMAP_PAGE_TYPE_PGTABLE,	/* "pgtable": a page table */
	VMMAP_PAGE_TYPE_OFFLINE,	/* "offline" (balloon, memory hot-unplug) */
	VMMAP_PAGE_TYPE_HUGETLB,	/* "hugetlb" */
	VMMAP_PAGE_TYPE_GUARD,		/* "guard" (debug_pagealloc) */
	VMMAP_PAGE_TYPE_ZSMALLOC,	/* "zsmalloc" */
	VMMAP_PAGE_TYPE_UNACCEPTED,	/* "unaccepted" (confidential guests) */
	VMMAP_PAGE_TYPE_LARGE_KMALLOC,	/* "large_kmalloc" (7.x) */
};
const char *vmmap_page_type_name(enum vmmap_page_type type);

/* The page flags VMCOREINFO names (bits of vmmap_page.named_flags). */
enum {
	VMMAP_PG_LRU = 1 << 0,
	VMMAP_PG_PRIVATE = 1 << 1,
	VMMAP_PG_SWAPCACHE = 1 << 2,
	VMMAP_PG_SWAPBACKED = 1 << 3,
	VMMAP_PG_HWPOISON = 1 << 4,
	VMMAP_PG_SLAB = 1 << 5,
	VMMAP_PG_HEAD = 1 << 6,
	VMMAP_PG_NAMED = 7,		/* how many there are */
};
/* "lru", "private", "swapcache", "swapbacked", "hwpoison", "slab",
 * "head" for bit i of named_flags. */
const char *vmmap_page_flag_name(unsigned bit);

enum vmmap_page_compound {
	VMMAP_PAGE_SINGLE = 0,		/* not part of a compound page */
	VMMAP_PAGE_HEAD,
	VMMAP_PAGE_TAIL,
};

enum vmmap_page_mapping {
	VMMAP_MAPPING_UNKNOWN = 0,	/* not read (tail, typed or slab page) */
	VMMAP_MAPPING_NONE,		/* NULL */
	VMMAP_MAPPING_ANON,		/* an anon_vma: anonymous memory */
	VMMAP_MAPPING_KSM,
	VMMAP_MAPPING_FILE,		/* an address_space: page cache */
	VMMAP_MAPPING_OTHER,		/* low bits of another kind (movable) */
};

struct vmmap_page {
	/* sizeof(struct vmmap_page) where the caller was compiled:
	 * declare it as struct vmmap_page p = { VMMAP_PAGE_INIT }. */
	size_t size;
	uint64_t pfn;
	enum vmmap_page_status status;
	const char *note;		/* why not VMMAP_PAGE_OK; or NULL */
	uint64_t struct_page;		/* its address in vmemmap */
	uint64_t flags;			/* page->flags as it is */
	unsigned named_flags;		/* VMMAP_PG_* set in flags */
	unsigned known_flags;		/* VMMAP_PG_* the dump names */
	enum vmmap_page_type type;	/* a tail page: its head's type */
	uint32_t type_word;		/* the word at _mapcount / page_type, as it is */
	/* BUDDY: the free block holding the pfn (its first page carries
	 * the type; pages inside it have none of their own). */
	uint64_t block_pfn;
	int order;			/* of the free block or compound page; -1 unknown */
	enum vmmap_page_compound compound;
	uint64_t head_pfn;		/* HEAD and TAIL: the compound page's first pfn */
	bool have_counts;		/* refcount and mapcount read */
	int32_t refcount;
	int32_t mapcount;		/* user mappings; 0 for typed pages */
	enum vmmap_page_mapping mapping;
	/* The dump's encodings this answer rests on came from kernel
	 * sources by version rather than VMCOREINFO (e.g. the page-table
	 * type before 6.12): true when so. */
	bool from_era_table;
};
#define VMMAP_PAGE_INIT .size = sizeof(struct vmmap_page)

/* The state of page frame pfn. Errors only for bad arguments; what
 * cannot be decoded is said in out->status and out->note. */
struct vmmap_error *vmmap_map_page(struct vmmap_map *map, uint64_t pfn,
				   struct vmmap_page *out);
/* One line: "slab head order 1, refcount 1, flags 0x...(slab|head)". */
void vmmap_format_page(const struct vmmap_page *p, char *buf, size_t len);
void vmmap_print_page_json(const struct vmmap_page *p, FILE *file);

/* ------------------------------------------------------------------ */
/* What an address points at, typed from the dump's own BTF */

enum vmmap_object_kind {
	VMMAP_OBJECT_NONE = 0,
	VMMAP_OBJECT_SLAB,		/* an object of a SLUB cache */
};

enum vmmap_object_state {
	VMMAP_OBJECT_UNKNOWN = 0,	/* see note */
	VMMAP_OBJECT_ALLOCATED,
	VMMAP_OBJECT_FREE,		/* on its slab's freelist */
	VMMAP_OBJECT_FREE_PERCPU,	/* on a CPU's freelist, or in a CPU's sheaf (7.x) */
	VMMAP_OBJECT_CORRUPT,		/* a freelist that leaves the slab or loops */
	VMMAP_OBJECT_PADDING,		/* past the slab's last object, or in a red zone */
};
/* "unknown", "allocated", "free", "free-percpu", "corrupt", "padding". */
const char *vmmap_object_state_name(enum vmmap_object_state state);

struct vmmap_object {
	enum vmmap_object_kind kind;
	const char *cache;		/* the cache's name (points into the map) */
	uint64_t cache_addr;		/* its struct kmem_cache */
	uint64_t start;			/* the object's first byte */
	uint64_t offset;		/* of the address into it */
	uint64_t object_size;		/* what callers asked for (object_size) */
	uint64_t slot_size;		/* with metadata and padding (size) */
	enum vmmap_object_state state;
	const char *note;		/* why unknown, what was not walked, or which part of
				 * the slot past the object or left of it (red zones,
				 * free pointer, slub_debug tracks) */
};

/* One of slub_debug's checks of an object's slot, made as the kernel's
 * own check_object() makes them (mm/slub.c), on the bytes in the dump. */
enum vmmap_check {
	VMMAP_CHECK_UNCHECKED = 0,	/* off for the cache, or not for this
					 * state (object poison: free objects) */
	VMMAP_CHECK_INTACT,
	VMMAP_CHECK_OVERWRITTEN,
	VMMAP_CHECK_UNREADABLE,		/* the dump lacks the bytes */
};
/* "unchecked", "intact", "overwritten", "unreadable". */
const char *vmmap_check_name(enum vmmap_check check);

struct vmmap_slab_check {
	/* The red zones left and right of the object (slub_debug's Z):
	 * SLUB_RED_ACTIVE (0xcc) while it is allocated, SLUB_RED_INACTIVE
	 * (0xbb) while free; from 6.2, in an allocated object of a kmalloc
	 * cache that stores its users (U), the bytes past the size kmalloc
	 * was asked for too (0xcc). */
	enum vmmap_check red_zone;
	/* Poisoning (P): a free object's bytes POISON_FREE (0x6b) but its
	 * last, POISON_END (0xa5); without red zones, the padding to a
	 * word past the object POISON_INUSE (0x5a). */
	enum vmmap_check poison;
	/* The first overwritten byte in slot order: its part ("left red
	 * zone", "poison", "end poison", "kmalloc red zone" (6.2+: past the
	 * size kmalloc was asked for, in the object), "right red zone",
	 * "padding"), its
	 * address, what it holds and what it should; damage NULL if none. */
	const char *damage;
	uint64_t damage_addr;
	uint8_t found, expected;
	uint64_t damaged_bytes;		/* how many of the bytes checked differ */
};

/* The vmalloc area (a busy vmap_area) an address is in. */
struct vmmap_vmalloc_area {
	uint64_t start, end;		/* [start, end), with the guard page */
	bool have_vm;			/* a vm_struct describes it: */
	uint64_t flags;			/* VM_* */
	const char *kind;		/* "vmalloc", "ioremap", "vmap", "user", or NULL */
	uint64_t nr_pages, phys_addr;
	uint64_t caller;		/* who allocated it */
	const char *caller_symbol;	/* its kernel symbol, or NULL */
	uint64_t caller_offset;
};

/* A thread of the crashed kernel. */
struct vmmap_task {
	int32_t pid, tgid;
	char comm[16];
	uint64_t task_struct;		/* its struct task_struct */
	uint64_t stack;			/* its kernel stack's lowest address */
};
/* What of a task an address is in. */
struct vmmap_task_ref {
	const struct vmmap_task *task;	/* points into the map */
	const char *what;		/* "stack" or "task_struct" */
	uint64_t offset;		/* from the stack's base or the task_struct */
};
/* Every thread (init_task's list, each process's threads), from the
 * dump's BTF; the array belongs to the map. VMMAP_ERROR_NOT_FOUND with
 * the reason when there is no BTF. */
struct vmmap_error *vmmap_map_tasks(struct vmmap_map *map, const struct vmmap_task **tasks,
				    size_t *n);

/* A stack a CPU owns rather than a task (x86_64): its hard IRQ stack,
 * and the stacks of its cpu_entry_area, the entry stack and the IST
 * exception stacks (#DF, NMI, #DB, #MC, #VC), each with the guard page
 * below it. */
enum vmmap_cpu_stack_kind {
	VMMAP_CPU_STACK_NONE = 0,
	VMMAP_CPU_STACK_IRQ,		/* "irq": the hard IRQ stack (hardirq_stack_ptr) */
	VMMAP_CPU_STACK_EXCEPTION,	/* "exception": an IST stack; name says which */
	VMMAP_CPU_STACK_ENTRY,		/* "entry": the entry (trampoline) stack */
};
/* "irq", "exception", "entry", or "none". */
const char *vmmap_cpu_stack_kind_name(enum vmmap_cpu_stack_kind kind);
struct vmmap_cpu_stack {
	enum vmmap_cpu_stack_kind kind;
	unsigned cpu;
	/* EXCEPTION: the kernel's name of the stack, "DF", "NMI", "DB",
	 * "MCE", "VC", "VC2" (struct cea_exception_stacks); else NULL */
	const char *name;
	uint64_t start, end;		/* [start, end) */
	bool guard;			/* the unmapped guard page below stack name */
};
/* Every CPU's own stacks, sorted by address, from the per-CPU variables
 * and the dump's BTF; the array belongs to the map. *note (NULL if not
 * wanted) gets what could not be found, or NULL. VMMAP_ERROR_NOT_FOUND
 * with the reason when there is no BTF. */
struct vmmap_error *vmmap_map_cpu_stacks(struct vmmap_map *map, const struct vmmap_cpu_stack **stacks,
					 size_t *n, const char **note);

/* A census of every slab in the dump, by cache, like /proc/slabinfo. */
struct vmmap_slab_cache {
	uint64_t addr;			/* its struct kmem_cache */
	const char *name;		/* points into the map */
	uint64_t object_size, slot_size;
	unsigned order;			/* of its slabs (the last seen) */
	uint64_t slabs, objects;
	uint64_t free;			/* on the slabs' own freelists */
	uint64_t free_partial;		/* of those, on the nodes' partial lists */
	uint64_t free_percpu;		/* on the CPUs' freelists */
	uint64_t corrupt;		/* slabs whose freelist is corrupt */
	uint64_t missing;		/* slabs whose memory the dump lacks */
};
/* Every slab page of the dump (from the page state) counted by cache;
 * *caches is malloc()ed, sorted by name. VMMAP_ERROR_NOT_FOUND with the
 * reason when the dump has no page keys or no BTF. */
struct vmmap_error *vmmap_map_slab_caches(struct vmmap_map *map, struct vmmap_slab_cache **caches,
					  size_t *n);

/* ------------------------------------------------------------------ */
/* Kernel memory and types, from the dump alone */

/* Read len bytes of kernel virtual memory at vaddr, translated page by
 * page through the kernel page tables (the direct map too). An address
 * that is unmapped, not a kernel address (user space, non-canonical),
 * or whose page the dump lacks (filtered out, no RAM) gives
 * VMMAP_ERROR_FAULT with the first address that could not be read
 * (vmmap_error_fault_address); vaddr + len past 2^64 gives
 * VMMAP_ERROR_INVALID_ARGUMENT. Thread-safe. */
struct vmmap_error *vmmap_map_read(struct vmmap_map *map, uint64_t vaddr, void *buf, size_t len);

/* What a type is, through typedefs and qualifiers; stable names by
 * vmmap_type_kind_name(). */
enum vmmap_type_kind {
	VMMAP_TYPE_OTHER = 0,		/* "other": an integer, enum, float, bool */
	VMMAP_TYPE_POINTER,		/* "pointer": to data or to a function */
	VMMAP_TYPE_STRUCT,		/* "struct" */
	VMMAP_TYPE_UNION,		/* "union" */
	VMMAP_TYPE_ARRAY,		/* "array" */
};
/* "other", "pointer", "struct", "union", "array", or "unknown". */
const char *vmmap_type_kind_name(enum vmmap_type_kind kind);

/* The layout of a structure or union of the crashed kernel, from its
 * own BTF (CONFIG_DEBUG_INFO_BTF), else from the DWARF of the vmlinux
 * given to vmmap_map_build(). Owned by the map: valid until
 * vmmap_map_destroy(); the library's own size, so that it may grow at
 * its end (read it through the pointer, never copy it). */
struct vmmap_struct {
	const char *name;		/* its tag; NULL for an anonymous one */
	enum vmmap_type_kind kind;	/* VMMAP_TYPE_STRUCT or VMMAP_TYPE_UNION */
	uint64_t size;			/* sizeof */
	size_t num_members;		/* vmmap_struct_member(s, 0 .. num_members-1) */
	const char *source;		/* "btf" or "dwarf" */
};

/* A member, as C sees it: the members of an anonymous struct or union
 * member are listed in its place, at their offsets from the start of
 * the outer structure (in a union they overlap); bit fields are left
 * out (they have no byte offset). Owned by the map. */
struct vmmap_member {
	const char *name;
	uint64_t offset;		/* in bytes, from the structure's start */
	uint64_t size;			/* in bytes */
	enum vmmap_type_kind kind;
	/* STRUCT, UNION: its tag (NULL if anonymous); POINTER: the tag of
	 * the struct or union it points at, else NULL; ARRAY: the tag of
	 * its elements' struct or union, else NULL. */
	const char *type_name;
	/* STRUCT, UNION, or ARRAY of them: that type's layout (NULL if it
	 * cannot be had, e.g. nested absurdly deep). */
	const struct vmmap_struct *type;
	/* ARRAY: its elements' kind (ARRAY for a multi-dimensional array,
	 * whose elements are not described further), size and count (0 for
	 * a flexible array). */
	enum vmmap_type_kind element_kind;
	uint64_t element_size;
	uint64_t count;
};

/* The layout of struct name (or, if there is no such struct, union
 * name), built once and kept by the map, with the layouts of the
 * structures and unions it embeds: the kernel's, else one a loaded
 * module defines (the module BTF the kernel keeps, 5.11+).
 * VMMAP_ERROR_NOT_FOUND with the
 * reason when the dump has no type information (no BTF, and no vmlinux
 * with DWARF given) or no such type. Thread-safe. */
struct vmmap_error *vmmap_map_struct(struct vmmap_map *map, const char *name,
				     const struct vmmap_struct **ret);
/* Member i of s, in order of declaration; NULL past the last. */
const struct vmmap_member *vmmap_struct_member(const struct vmmap_struct *s, size_t i);

/* ------------------------------------------------------------------ */
/* Annotation of one address */

/* Filled in by vmmap_map_annotate(). Its pointers (region, symbol,
 * module) point into the map and are valid until vmmap_map_destroy(). */
struct vmmap_annotation {
	/* sizeof(struct vmmap_annotation) where the caller was compiled:
	 * declare it as struct vmmap_annotation a = { VMMAP_ANNOTATION_INIT }. */
	size_t size;
	uint64_t address;
	const struct vmmap_region *region;
	uint64_t offset;		/* address - region->start */
	bool have_phys;
	uint64_t phys;
	uint64_t pfn;
	enum vmmap_provenance phys_source;
	const char *symbol;		/* kernel image symbol, or NULL */
	uint64_t symbol_offset;
	const char *module;		/* module name, or NULL */
	uint64_t module_offset;		/* from the module's memory block */
	/* A value that is no pointer: "ERR_PTR" (an error code), "NULL"
	 * (below 4096: NULL plus a member's offset), "LIST_POISON1",
	 * "LIST_POISON2", "POISON_INUSE", "POISON_FREE",
	 * "SLUB_RED_INACTIVE", "SLUB_RED_ACTIVE"; else NULL. */
	const char *special;
	int err_ptr;			/* "ERR_PTR": the errno, 22 for -EINVAL */
	const char *err_name;		/* its name, "EINVAL", or NULL */
	/* Mapped in the kernel page tables: 1 yes, 0 no, -1 not checked
	 * (VMMAP_ANNOTATE_NO_PHYS, holes, LDT remap and EFI, which live in
	 * other page tables). An unmapped address has no physical address. */
	int mapped;
	/* Mapped: the page size (4 KiB, 2 MiB, 1 GiB) and access of the
	 * mapping, VMMAP_ACCESS_*; 0 if not known. */
	uint64_t page_size;
	unsigned access;
	/* With a physical address: 1 if the dump holds that page, 0 if not
	 * (filtered out, or no RAM), -1 not checked. */
	int in_dump;
	/* The page the address is in (under VMMAP_ANNOTATE_NO_PHYS: in the
	 * direct map only, which needs no walk), or, for an address in
	 * vmemmap, the page whose struct page it is in; none with
	 * VMMAP_ANNOTATE_NO_PAGE, or when the dump has no page keys. The
	 * tag says " free" for a page in a free buddy block, " no page"
	 * where no struct page is. */
	bool have_page;
	bool in_struct_page;		/* a vmemmap address: page is described */
	uint64_t struct_page_offset;	/* its offset in that struct page */
	const char *struct_page_field;	/* the field there ("mapping"), or NULL */
	struct vmmap_page page;
	/* The object the address is in (a slab object), from the dump's
	 * BTF; not with VMMAP_ANNOTATE_NO_PHYS or VMMAP_ANNOTATE_NO_PAGE. */
	bool have_object;
	struct vmmap_object object;
	/* In a module: its symbol at or below the address, from the
	 * module's own kallsyms (located with the dump's BTF), or NULL. */
	const char *module_symbol;
	uint64_t module_symbol_offset;
	/* In vmalloc or module space: the busy area holding the address
	 * (not with VMMAP_ANNOTATE_NO_PHYS or VMMAP_ANNOTATE_NO_PAGE). */
	bool have_vmalloc;
	struct vmmap_vmalloc_area vmalloc;
	/* A task's kernel stack or task_struct holding the address (not
	 * with VMMAP_ANNOTATE_NO_PHYS or VMMAP_ANNOTATE_NO_PAGE). */
	bool have_task;
	struct vmmap_task_ref task;
	/* A CPU's IRQ, exception or entry stack (or the guard page below
	 * an exception stack) holding the address, and the offset from the
	 * stack's start (the guard page's start for a guard page). */
	bool have_cpu_stack;
	struct vmmap_cpu_stack cpu_stack;
	uint64_t cpu_stack_offset;
	/* In a slab object (or its left red zone) of a cache with
	 * slub_debug's red zones or poisoning, allocated or free: the
	 * checks of its slot (not with VMMAP_ANNOTATE_NO_PHYS or
	 * VMMAP_ANNOTATE_NO_PAGE). */
	bool have_slab_check;
	struct vmmap_slab_check slab_check;
	/* The object (have_object) is one of KFENCE's (mm/kfence), or the
	 * address is in a guard page of its pool (object state padding):
	 * start, size and state come from the kernel's record of it. */
	bool kfence;
};
#define VMMAP_ANNOTATION_INIT .size = sizeof(struct vmmap_annotation)
#define VMMAP_ACCESS_RW 0x1		/* writable */
#define VMMAP_ACCESS_NX 0x2		/* not executable */
#define VMMAP_ACCESS_GLOBAL 0x4		/* global (kept across CR3 switches) */

/* Flags for vmmap_map_annotate(). */
#define VMMAP_ANNOTATE_NO_PHYS 0x1	/* skip the page walk (fast) */
#define VMMAP_ANNOTATE_NO_PAGE 0x2	/* skip the page state */

/* out->size must be set (VMMAP_ANNOTATION_INIT); it is kept. */
struct vmmap_error *vmmap_map_annotate(struct vmmap_map *map, uint64_t addr,
				       unsigned flags,
				       struct vmmap_annotation *out);

/* Parse an address: hex with or without 0x, up to 16 digits. */
struct vmmap_error *vmmap_parse_address(const char *text, uint64_t *ret);
/* An address, or a kernel symbol with an optional offset, as crash
 * takes them: "ffffffff81000000", "jiffies", "start_kernel+0x10",
 * "schedule+16" (hex, 0x optional), "init_task-8". A word that is not
 * hex is a symbol: VMMAP_ERROR_NOT_FOUND when the map knows none of
 * that name, VMMAP_ERROR_INVALID_ARGUMENT when it is neither. */
struct vmmap_error *vmmap_map_parse_expression(const struct vmmap_map *map, const char *text,
					       uint64_t *ret);

/* Does value look like a kernel pointer worth tagging? (canonical,
 * kernel half, and not in the non-canonical hole) */
bool vmmap_is_kernel_pointer(const struct vmmap_map *map, uint64_t value);

/* ------------------------------------------------------------------ */
/* Output, shared by the CLI and the debugger plugins. */

/* s as a JSON string, quotes included: UTF-8 as it is; '"', '\\' and
 * control characters escaped; a byte that is not UTF-8 becomes U+FFFD
 * (use vmmap_print_json_field where that would lose data). */
void vmmap_print_json_string(const char *s, FILE *file);
/* Is s[0..len) well-formed UTF-8 without NUL bytes? */
bool vmmap_is_utf8(const char *s, size_t len);
/* A JSON member for the len bytes at s, losslessly: "key":"..." when
 * they are UTF-8, else "key_base64":"..." (RFC 4648 base64 of the
 * bytes as they are). */
void vmmap_print_json_field(const char *key, const char *s, size_t len, FILE *file);
/* Human sizes in the largest unit that fits: "64 TB", "~1.5 GB", "4 KB"
 * (~ when rounded). */
void vmmap_format_size(uint64_t size, char *buf, size_t len);
void vmmap_print_map_text(const struct vmmap_map *map, FILE *file);
void vmmap_print_map_json(const struct vmmap_map *map, FILE *file);
/* One annotation as a short tag, "direct_map+0x3a1c000" or
 * "kernel_text:start_kernel+0x10", cut to fit len (NUL included). */
void vmmap_format_tag(const struct vmmap_annotation *a, char *buf, size_t len);
void vmmap_print_annotation_text(const struct vmmap_annotation *a, FILE *file);
/* A JSON object for one address (no trailing newline). */
void vmmap_print_annotation_json(const struct vmmap_annotation *a, FILE *file);
/* Copy text to file, tagging every 16-digit hex word (0x optional) that
 * is a kernel pointer: "ffff888003a1c000 [direct_map+0x3a1c000]". */
void vmmap_annotate_text(struct vmmap_map *map, const char *text, size_t len,
			 FILE *file);
/* The same into memory: *buf (malloc()ed, *cap bytes, may start NULL
 * and 0, reused and grown from call to call) gets *out_len bytes. */
struct vmmap_error *vmmap_annotate_text_mem(struct vmmap_map *map, const char *text,
					    size_t len, char **buf, size_t *cap,
					    size_t *out_len);
/* With flags: VMMAP_ANNOTATE_TEXT_PAGE_STATE also says " free" or
 * " no page" after a direct-map pointer into a free page or past RAM
 * (a struct page read per such pointer: slower on dense text). */
#define VMMAP_ANNOTATE_TEXT_PAGE_STATE 0x1
struct vmmap_error *vmmap_annotate_text_flags(struct vmmap_map *map, const char *text,
					      size_t len, unsigned flags, char **buf,
					      size_t *cap, size_t *out_len);

/* ------------------------------------------------------------------ */
/* Whole-dump pointer census
 *
 * Reads every page present in the dump (streaming, bounded memory) and
 * counts every aligned 8-byte word that looks like a kernel pointer:
 * by target region, by the region of the page holding it (from a walk
 * of the kernel page tables: a page mapped only by the direct map was
 * found in the direct map), and into holes (non-canonical, guard hole,
 * unused gaps, unmapped parts of a region): the signature of
 * corruption. */

struct vmmap_scan_options {
	/* sizeof(struct vmmap_scan_options) where the caller was compiled:
	 * initialise with VMMAP_SCAN_OPTIONS_INIT. */
	size_t size;
	/* Called every few MiB and at the end; may be NULL. */
	void (*progress)(void *arg, uint64_t done_bytes, uint64_t total_bytes);
	void *progress_arg;
	size_t top;		/* how many vmalloc areas and modules to list */
	bool list_mapped;	/* keep (and print) the mapped virtual ranges */
	/* keep (and print) each pointer into a free slab object found
	 * outside free objects and struct pages: where it is, its value */
	bool list_dangling;
};
#define VMMAP_SCAN_OPTIONS_INIT .size = sizeof(struct vmmap_scan_options)

/* A scan keeps its own copy of what it needs of the map: it may
 * outlive the map (not the source, which it only reads while it runs). */
struct vmmap_scan;

struct vmmap_error *vmmap_scan_run(struct vmmap_map *map,
				   const struct vmmap_scan_options *opts,
				   struct vmmap_scan **ret);
void vmmap_scan_destroy(struct vmmap_scan *scan);
void vmmap_print_scan_text(const struct vmmap_scan *scan, FILE *file);
/* {"scan":{...}} and a newline; the schema is in README.md. */
void vmmap_print_scan_json(const struct vmmap_scan *scan, FILE *file);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* VMMAP_VMMAP_H */
