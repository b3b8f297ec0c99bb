/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * The kernel reader (kernel.h): VMCOREINFO first, then what reading
 * kernel memory needs, then the symbols.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/layout.h"
#include "arch/x86_64/pgwalk.h"
#include "error.h"
#include "kallsyms.h"
#include "kernel.h"
#include "tlb.h"
#include "vmcoreinfo_scan.h"


static void
drop(struct vmmap_error *err)
{
	vmmap_error_destroy(err);
}

void
kernel_note(struct kernel *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	notes_vadd(&k->notes, fmt, ap);
	va_end(ap);
}

uint64_t
kernel_version(const struct kernel *k)
{
	return k->release_code.known ? k->release_code.value : 0;
}

/* ------------------------------------------------------------------ */
/* Reading */

static struct vmmap_error *
read_phys_cb(void *arg, uint64_t pa, void *buf, size_t len)
{
	return source_read_phys(arg, pa, buf, len);
}

bool
kernel_can_translate(const struct kernel *k)
{
	return k->src->ops.page_walk || k->pgwalk;
}

/* libaddrxlat walks from the root it chose, which from libkdumpfile
 * 0.5.6 on can be a CPU's CR3 from the dump's notes: a process's page
 * table, whose top page a pruned or damaged dump may lack while the
 * kernel's own, init_top_pgt, is there. Where the source's walk stopped
 * at a table the dump lacks (VMMAP_ERROR_FORMAT; not at an entry that
 * says unmapped), init_top_pgt's walk answers (measured: 0.5.6 on the
 * slubcorrupt dump, whose process PGD page was left out, failed every
 * walk). */
struct vmmap_error *
kernel_translate(struct kernel *k, uint64_t vaddr, uint64_t *paddr)
{
	if (k->pgwalk)
		return pgwalk_translate(k->pgwalk, vaddr, paddr);
	struct vmmap_error *err = source_page_walk(k->src, vaddr, paddr);
	if (err && vmmap_error_code(err) == VMMAP_ERROR_FORMAT && k->have_pt &&
	    x86_64_pt_walk(&k->pt, (int)k->levels.value, vaddr, paddr)) {
		vmmap_error_destroy(err);
		return NULL;
	}
	return err;
}

bool
kernel_mapping(struct kernel *k, uint64_t vaddr, struct x86_64_mapping *out)
{
	return k->have_pt && x86_64_pt_lookup(&k->pt, (int)k->levels.value, vaddr, out);
}

struct vmmap_error *
kernel_translate_mapped(struct kernel *k, uint64_t vaddr, uint64_t *paddr, struct x86_64_mapping *m,
			bool *have_mapping)
{
	if (k->tlb && tlb_lookup(k->tlb, vaddr, m)) {
		*paddr = m->paddr;
		*have_mapping = true;
		return NULL;
	}
	struct vmmap_error *err = kernel_translate(k, vaddr, paddr);
	if (err)
		return err;
	*have_mapping = kernel_mapping(k, vaddr, m) && m->paddr == *paddr;
	if (*have_mapping && k->tlb)
		tlb_insert(k->tlb, vaddr, m);
	return NULL;
}

uint64_t
kernel_unmapped_span(struct kernel *k, uint64_t vaddr)
{
	return k->have_pt ? x86_64_pt_hole(&k->pt, (int)k->levels.value, vaddr) : 0;
}

bool
kernel_is_mapped(struct kernel *k, uint64_t vaddr)
{
	uint64_t pa;
	struct vmmap_error *err = kernel_translate(k, vaddr, &pa);
	drop(err);
	return err == NULL;
}

struct vmmap_error *
kernel_read_image(struct kernel *k, uint64_t vaddr, void *buf, size_t len)
{
	if (!x86_64_in_kernel_image(vaddr) || len > UINT64_MAX - vaddr)
		return vmmap_error_fault(vaddr, "0x%llx is not in the kernel image mapping",
					 (unsigned long long)vaddr);
	uint64_t paddr = x86_64_kernel_image_phys(vaddr, k->phys_base.value);
	struct vmmap_error *err = source_read_phys(k->src, paddr, buf, len);
	return vmmap_error_prefix(err, "kernel address 0x%llx", (unsigned long long)vaddr);
}

struct vmmap_error *
kernel_read_image_u64(struct kernel *k, uint64_t vaddr, uint64_t *ret)
{
	/* x86_64 is little-endian, as is every host vmmap builds on. */
	return kernel_read_image(k, vaddr, ret, sizeof(*ret));
}

struct vmmap_error *
kernel_read(struct kernel *k, uint64_t vaddr, void *buf, size_t len)
{
	uint8_t *out = buf;
	while (len) {
		size_t n = X86_64_PAGE_SIZE - (vaddr & (X86_64_PAGE_SIZE - 1));
		if (n > len)
			n = len;
		uint64_t pa;
		struct x86_64_mapping m;
		bool have_mapping;
		struct vmmap_error *err = kernel_translate_mapped(k, vaddr, &pa, &m, &have_mapping);
		if (!err)
			err = source_read_phys(k->src, pa, out, n);
		if (err)
			return err;
		vaddr += n;
		out += n;
		len -= n;
	}
	return NULL;
}


bool
kernel_read_u64(struct kernel *k, uint64_t vaddr, uint64_t *value)
{
	struct vmmap_error *err = kernel_read(k, vaddr, value, sizeof(*value));
	vmmap_error_destroy(err);
	return !err;
}

bool
kernel_read_string(struct kernel *k, uint64_t vaddr, char *buf, size_t size, size_t *len)
{
	for (size_t got = 0; got + 1 < size;) {
		size_t n = X86_64_PAGE_SIZE - ((vaddr + got) & (X86_64_PAGE_SIZE - 1));
		if (n > size - 1 - got)
			n = size - 1 - got;
		struct vmmap_error *err = kernel_read(k, vaddr + got, buf + got, n);
		if (err) {
			drop(err);
			return false;
		}
		const char *nul = memchr(buf + got, '\0', n);
		if (nul) {
			*len = (size_t)(nul - buf);
			return true;
		}
		got += n;
	}
	return false;
}

bool
kernel_read_variable(struct kernel *k, const char *name, uint64_t *value)
{
	uint64_t addr;
	if (!kernel_symbol(k, name, &addr))
		return false;
	struct vmmap_error *err = kernel_read_image_u64(k, addr, value);
	if (err) {
		kernel_note(k, "cannot read %s: %s", name, vmmap_error_message(err));
		drop(err);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Symbols */

/* A name looked up before the table was built. */
struct prefetched {
	char name[64];
	uint64_t addr;
	bool found;
};

static bool
symbols_built(const struct kernel *k)
{
	return __atomic_load_n(&k->syms_built, __ATOMIC_ACQUIRE);
}

const struct symtab *
kernel_symbols(struct kernel *k)
{
	if (symbols_built(k))
		return &k->syms;
	pthread_mutex_lock(&k->syms_lock);
	if (!k->syms_built && k->kallsyms) {
		struct vmmap_error *err = kallsyms_decode_all(k->kallsyms, &k->syms);
		if (err) {
			enum vmmap_provenance source = k->syms.source;
			symtab_fini(&k->syms);
			symtab_init(&k->syms, source);
			kernel_note(k, "no symbols from the dump: %s; give --vmlinux or a System.map",
				    vmmap_error_message(err));
			drop(err);
		}
		symtab_finish(&k->syms);
		kallsyms_close(k->kallsyms);
		k->kallsyms = NULL;
		__atomic_store_n(&k->syms_built, true, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&k->syms_lock);
	return &k->syms;
}

void
kernel_prefetch_symbols(struct kernel *k, const char *const *names, size_t n)
{
	if (symbols_built(k) || n == 0)
		return;
	uint64_t *addrs = calloc(n, sizeof(*addrs));
	bool *found = calloc(n, sizeof(*found));
	struct prefetched *p = realloc(k->prefetched, (k->n_prefetched + n) * sizeof(*p));
	if (p)
		k->prefetched = p;
	struct vmmap_error *err = addrs && found && p
		? kallsyms_lookup(k->kallsyms, names, n, addrs, found) : &vmmap_enomem;
	for (size_t i = 0; !err && i < n; i++) {
		p = &k->prefetched[k->n_prefetched++];
		snprintf(p->name, sizeof(p->name), "%s", names[i]);
		p->addr = addrs[i];
		p->found = found[i] && strlen(names[i]) < sizeof(p->name);
	}
	drop(err);	/* kernel_symbol() then builds the table */
	free(addrs);
	free(found);
}

/* A prefetched name: true if it was looked up, *found whether it is a
 * symbol. */
static bool
prefetched_symbol(const struct kernel *k, const char *name, uint64_t *addr, bool *found)
{
	for (size_t i = 0; i < k->n_prefetched; i++)
		if (strcmp(k->prefetched[i].name, name) == 0) {
			*found = k->prefetched[i].found;
			*addr = k->prefetched[i].addr;
			return true;
		}
	return false;
}

bool
kernel_symbol(struct kernel *k, const char *name, uint64_t *addr)
{
	if (k->src->ops.symbol) {
		struct vmmap_error *err = source_symbol(k->src, name, addr);
		if (!err)
			return true;
		drop(err);
	}
	bool found;
	if (!symbols_built(k) && prefetched_symbol(k, name, addr, &found))
		return found;
	const struct symtab_entry *e = symtab_by_name(kernel_symbols(k), name);
	if (e) {
		*addr = e->addr;
		return true;
	}
	return false;
}

bool
kernel_has_symbols(const struct kernel *k)
{
	return k->have_symbols || k->src->ops.symbol;
}

bool
kernel_has_any_symbol(struct kernel *k, const char *const *names)
{
	uint64_t a;
	for (; *names; names++)
		if (kernel_symbol(k, *names, &a))
			return true;
	return false;
}

static struct vmmap_error *
read_image_cb(void *arg, uint64_t vaddr, void *buf, size_t len)
{
	return kernel_read_image(arg, vaddr, buf, len);
}

/* The kallsyms tables VMCOREINFO names (6.0+): NOT_FOUND if it names
 * none. */
static struct vmmap_error *
kallsyms_from_vmcoreinfo(const struct vmcoreinfo *vi, struct kallsyms_location *loc)
{
	struct vmmap_error *err;
	if ((err = vmcoreinfo_symbol(vi, "kallsyms_names", &loc->names)))
		return err;
	if ((err = vmcoreinfo_symbol(vi, "kallsyms_num_syms", &loc->num_syms)) ||
	    (err = vmcoreinfo_symbol(vi, "kallsyms_token_table", &loc->token_table)) ||
	    (err = vmcoreinfo_symbol(vi, "kallsyms_token_index", &loc->token_index)))
		goto partial;
	/* Offsets from kallsyms_relative_base, offsets from themselves
	 * (7.x: no relative base), or absolute addresses. */
	if (!(err = vmcoreinfo_symbol(vi, "kallsyms_offsets", &loc->offsets))) {
		err = vmcoreinfo_symbol(vi, "kallsyms_relative_base", &loc->relative_base);
		drop(err);
		return NULL;
	}
	drop(err);
	if (!(err = vmcoreinfo_symbol(vi, "kallsyms_addresses", &loc->addresses)))
		return NULL;
partial:;
	/* Some named, some not, or garbage: a format error (a note). */
	struct vmmap_error *why = vmmap_error_create(
		VMMAP_ERROR_FORMAT, vmmap_error_code(err) == VMMAP_ERROR_NOT_FOUND
					    ? "VMCOREINFO names only some of the kallsyms tables"
					    : vmmap_error_message(err));
	drop(err);
	return why;
}

/* Where the kallsyms tables are found by kallsyms_find(): from _text,
 * at most this far (Debian's 5.10 has them 17 MiB in). */
#define KALLSYMS_SCAN_SPAN (256ULL << 20)

static struct vmmap_error *
load_kallsyms(struct kernel *k)
{
	struct kallsyms_location loc = { 0 };
	enum vmmap_provenance source = VMMAP_FROM_KALLSYMS;
	struct vmmap_error *err = kallsyms_from_vmcoreinfo(k->vi, &loc);
	uint64_t text = x86_64_kernel_text(k->kernel_offset.value);
	if (err && vmmap_error_code(err) == VMMAP_ERROR_NOT_FOUND) {
		drop(err);
		source = VMMAP_FROM_KALLSYMS_SCAN;
		err = kallsyms_find(read_image_cb, k, text, KALLSYMS_SCAN_SPAN, &loc);
		if (err) {
			struct vmmap_error *why = vmmap_error_format(
				vmmap_error_code(err),
				"VMCOREINFO names no kallsyms tables (as before 6.0), and %s",
				vmmap_error_message(err));
			drop(err);
			return why;
		}
	}
	if (err)
		return err;
	/* _stext, from VMCOREINFO or else where KERNELOFFSET puts the
	 * text, is what the decoded tables must agree with. */
	err = vmcoreinfo_symbol(k->vi, "_stext", &loc.stext);
	if (err)
		loc.stext = text;
	drop(err);
	loc.image_start = x86_64_kernel_image_start();
	/* Opened and checked now; decoded when first needed. */
	if ((err = kallsyms_open(&loc, read_image_cb, k, &k->kallsyms)))
		return err;
	symtab_init(&k->syms, source);
	k->have_symbols = true;
	return NULL;
}

/* A vmlinux must be the dump's kernel: the same build ID (VMCOREINFO's
 * BUILD-ID, 5.9+, against the ELF note), and its _stext, moved by
 * KERNELOFFSET, at VMCOREINFO's SYMBOL(_stext). Two builds of one
 * configuration can share every address: the build ID tells them apart. */
static struct vmmap_error *
check_vmlinux_matches(struct kernel *k, const char *path)
{
	const char *dump_id = vmcoreinfo_get(k->vi, "BUILD-ID");
	if (dump_id && k->vmlinux.have_build_id &&
	    strncmp(dump_id, k->vmlinux.build_id, sizeof(k->vmlinux.build_id)) != 0)
		return vmmap_error_format(VMMAP_ERROR_SYMBOLS,
					  "%s is another build than the dump's kernel: its build ID is %s, the dump's %.40s",
					  path, k->vmlinux.build_id, dump_id);
	uint64_t want, have;
	struct vmmap_error *err = vmcoreinfo_symbol(k->vi, "_stext", &want);
	if (err) {
		drop(err);
		return NULL;
	}
	if (!kernel_symbol(k, "_stext", &have))
		return vmmap_error_format(VMMAP_ERROR_SYMBOLS, "%s: has no _stext", path);
	if (have != want)
		return vmmap_error_format(VMMAP_ERROR_SYMBOLS,
					  "%s does not match the dump: its _stext is at 0x%llx after relocation, the dump's at 0x%llx",
					  path, (unsigned long long)have,
					  (unsigned long long)want);
	return NULL;
}

static struct vmmap_error *
load_vmlinux(struct kernel *k, const char *path)
{
	symtab_init(&k->syms, VMMAP_FROM_VMLINUX);
	struct vmmap_error *err = vmlinux_load(path, &k->syms, &k->vmlinux);
	if (err)
		return err;
	/* KASLR moves the image; absolute per-cpu symbols stay. */
	symtab_relocate(&k->syms, x86_64_kernel_image_start(), UINT64_MAX,
			k->kernel_offset.value);
	symtab_finish(&k->syms);
	k->have_symbols = k->syms.n > 0;
	k->syms_built = true;
	return check_vmlinux_matches(k, path);
}

static struct vmmap_error *
load_symbols(struct kernel *k, const char *symbols_path)
{
	if (symbols_path)
		return load_vmlinux(k, symbols_path);
	struct vmmap_error *err = load_kallsyms(k);
	if (!err)
		return NULL;
	k->syms_built = true;	/* empty */
	/* Every symbol-dependent answer degrades now: say so, and why. */
	kernel_note(k, "no symbols from the dump: %s; give --vmlinux or a System.map",
		    vmmap_error_message(err));
	drop(err);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* What reading needs, from VMCOREINFO first */

static int
parse_release(const char *rel, uint64_t *code)
{
	unsigned a = 0, b = 0, c = 0;
	int n = sscanf(rel, "%u.%u.%u", &a, &b, &c);
	if (n < 2 || a > 255 || b > 255)
		return -1;
	if (c > 255)
		c = 255;
	*code = (a << 16) | (b << 8) | c;
	return 0;
}

static struct vmmap_error *
release_from_vmcoreinfo(struct kernel *k)
{
	const char *rel = vmcoreinfo_get(k->vi, "OSRELEASE");
	if (!rel) {
		/* A dump that can be read is never refused for it: the
		 * rules that need the version say they are guesses. */
		kernel_note(k, "VMCOREINFO has no OSRELEASE: the kernel's version is unknown; what depends on it is a guess");
		return NULL;
	}
	snprintf(k->release, sizeof(k->release), "%s", rel);
	uint64_t code;
	if (parse_release(rel, &code) == 0)
		fact_set(&k->release_code, code, VMMAP_FROM_VMCOREINFO, true);
	else
		kernel_note(k, "OSRELEASE '%.64s' is not a version number", rel);
	return NULL;
}

/* Before 4.10 the ELF headers' kernel-text segment gives phys_base. */
static bool
phys_base_from_phdrs(struct kernel *k, uint64_t *phys_base)
{
	uint64_t (*segs)[3];
	size_t n;
	struct vmmap_error *err = source_load_segments(k->src, &segs, &n);
	if (err) {
		drop(err);
		return false;
	}
	bool have = false;
	for (size_t i = 0; i < n && !have; i++) {
		if (!x86_64_in_kernel_image(segs[i][0]))
			continue;
		*phys_base = segs[i][1] - x86_64_kernel_image_phys(segs[i][0], 0);
		have = true;
	}
	free(segs);
	return have;
}

static struct vmmap_error *
phys_base_from_vmcoreinfo(struct kernel *k)
{
	int64_t pb;
	struct vmmap_error *err = vmcoreinfo_number(k->vi, "phys_base", &pb);
	if (!err) {
		fact_set(&k->phys_base, (uint64_t)pb, VMMAP_FROM_VMCOREINFO, true);
		return NULL;
	}
	if (vmmap_error_code(err) != VMMAP_ERROR_NOT_FOUND)
		return err;
	drop(err);
	uint64_t v;
	if (phys_base_from_phdrs(k, &v)) {
		fact_set(&k->phys_base, v, VMMAP_FROM_ELF_PHDRS, true);
		return NULL;
	}
	/* SYMBOL(phys_base) is the variable's address: translate it
	 * through the page tables and read it. */
	uint64_t addr, pa;
	if (!(err = vmcoreinfo_symbol(k->vi, "phys_base", &addr)) &&
	    !(err = kernel_translate(k, addr, &pa)) &&
	    !(err = source_read_u64_phys(k->src, pa, &v))) {
		fact_set(&k->phys_base, v, VMMAP_FROM_MEMORY, true);
		return NULL;
	}
	drop(err);
	return vmmap_error_create(VMMAP_ERROR_VMCOREINFO,
				  "cannot find phys_base: VMCOREINFO has no NUMBER(phys_base) and nothing else gives it");
}

static struct vmmap_error *
kernel_offset_from_vmcoreinfo(struct kernel *k)
{
	uint64_t off;
	struct vmmap_error *err = vmcoreinfo_hex(k->vi, "KERNELOFFSET", &off);
	if (!err) {
		/* KASLR moves the kernel in 2 MiB steps
		 * (CONFIG_PHYSICAL_ALIGN, arch/x86/boot/compressed/kaslr.c). */
		if (off & ((1ULL << 21) - 1))
			return vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
						  "VMCOREINFO KERNELOFFSET=%llx is not 2 MiB aligned",
						  (unsigned long long)off);
		fact_set(&k->kernel_offset, off, VMMAP_FROM_VMCOREINFO, true);
	} else if (vmmap_error_code(err) == VMMAP_ERROR_NOT_FOUND) {
		drop(err);
		fact_set(&k->kernel_offset, 0, VMMAP_FROM_ERA_TABLE, false);
		kernel_note(k, "no KERNELOFFSET in VMCOREINFO: assuming an unrandomized kernel text");
	} else {
		return err;
	}
	fact_set(&k->kaslr, k->kernel_offset.value != 0, k->kernel_offset.source,
		 k->kernel_offset.exact);
	return NULL;
}

/* AMD SME's encryption bit sits in page-table entries: strip it. */
static void
sme_mask_from_vmcoreinfo(struct kernel *k)
{
	int64_t mask;
	struct vmmap_error *err = vmcoreinfo_number(k->vi, "sme_mask", &mask);
	k->pt.sme_mask = err ? 0 : (uint64_t)mask;
	drop(err);
}

/* init_top_pgt (init_level4_pgt before 4.13), by its fixed offset in
 * the kernel image. */
static void
find_page_table_root(struct kernel *k)
{
	uint64_t vaddr;
	struct vmmap_error *err = vmcoreinfo_symbol(k->vi, "init_top_pgt", &vaddr);
	if (err) {
		drop(err);
		err = vmcoreinfo_symbol(k->vi, "init_level4_pgt", &vaddr);
	}
	if (err) {
		drop(err);
		return;
	}
	if (!x86_64_in_kernel_image(vaddr))
		return;
	k->pt.read = read_phys_cb;
	k->pt.arg = k->src;
	k->pt.root = x86_64_kernel_image_phys(vaddr, k->phys_base.value);
	k->have_pt = true;
}

/* Walk the kernel's own text address with 4 and with 5 levels: only the
 * depth the kernel runs with reaches its physical address. */
static bool
probe_levels(struct kernel *k, int *levels)
{
	if (!k->have_pt)
		return false;
	uint64_t text = x86_64_kernel_text(k->kernel_offset.value);
	uint64_t want = x86_64_kernel_image_phys(text, k->phys_base.value);
	uint64_t got4, got5;
	bool four = x86_64_pt_walk(&k->pt, 4, text, &got4) && got4 == want;
	bool five = x86_64_pt_walk(&k->pt, 5, text, &got5) && got5 == want;
	if (four == five)
		return false;
	*levels = four ? 4 : 5;
	return true;
}

static struct vmmap_error *
levels_from_vmcoreinfo(struct kernel *k)
{
	int64_t l5;
	struct vmmap_error *err = vmcoreinfo_number(k->vi, "pgtable_l5_enabled", &l5);
	if (!err) {
		if (l5 != 0 && l5 != 1)
			return vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
						  "VMCOREINFO NUMBER(pgtable_l5_enabled)=%lld is neither 0 nor 1",
						  (long long)l5);
		/* The kernel's word against its page tables: a dump whose
		 * VMCOREINFO disagrees with them is corrupt. */
		int probed;
		if (probe_levels(k, &probed) && probed != (l5 ? 5 : 4))
			return vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
						  "the dump contradicts itself: NUMBER(pgtable_l5_enabled)=%lld but the kernel page tables are %d-level",
						  (long long)l5, probed);
		fact_set(&k->levels, l5 ? 5 : 4, VMMAP_FROM_VMCOREINFO, true);
		return NULL;
	}
	if (vmmap_error_code(err) != VMMAP_ERROR_NOT_FOUND)
		return err;
	drop(err);
	/* Before 4.17 the key does not exist; 5-level paging needs a 4.14+
	 * kernel. Otherwise ask the page tables. */
	if (k->release_code.known && kernel_version(k) < KV(4, 14, 0)) {
		fact_set(&k->levels, 4, VMMAP_FROM_ERA_TABLE, true);
		return NULL;
	}
	int levels;
	if (probe_levels(k, &levels)) {
		fact_set(&k->levels, levels, VMMAP_FROM_PAGE_TABLES, true);
		return NULL;
	}
	fact_set(&k->levels, 4, VMMAP_FROM_ERA_TABLE, false);
	kernel_note(k, "no NUMBER(pgtable_l5_enabled) and no readable page tables: assuming 4-level paging");
	return NULL;
}

/* libaddrxlat over the source's reads, for sources without a walk. */
static void
setup_page_walk(struct kernel *k)
{
	k->pt.levels = (int)k->levels.value;
	/* The source's walk knows its page tables from the VMCOREINFO
	 * note; with VMCOREINFO from memory it has none: walk ourselves. */
	if ((k->src->ops.page_walk && !k->vmcoreinfo_from_memory) || !k->have_pt)
		return;
	struct vmmap_error *err = pgwalk_create(&k->pt, &k->pgwalk);
	if (err) {
		kernel_note(k, "no page walks: %s", vmmap_error_message(err));
		drop(err);
	}
}

static struct vmmap_error *
read_vmcoreinfo(struct kernel *k)
{
	char *text = NULL;
	struct vmmap_error *err = source_vmcoreinfo(k->src, &text);
	if (err && vmmap_error_code(err) == VMMAP_ERROR_VMCOREINFO) {
		/* no note: the kernel's own copy, in its memory */
		struct vmcoreinfo_found found;
		struct vmmap_error *why = vmcoreinfo_scan(k->src, &found);
		if (why) {
			struct vmmap_error *both = vmmap_error_format(
				vmmap_error_code(err), "%s, and %s", vmmap_error_message(err),
				vmmap_error_message(why));
			drop(err);
			drop(why);
			return both;
		}
		drop(err);
		err = NULL;
		text = found.text;
		k->vmcoreinfo_from_memory = true;
		kernel_note(k, "the dump has no VMCOREINFO note: VMCOREINFO read from the kernel's memory at phys 0x%llx%s",
			    (unsigned long long)found.pa,
			    found.differ ? " (the first of copies that differ)" : "");
	}
	if (err)
		return err;
	/* kept as the source gave it, for vmmap_map_vmcoreinfo() */
	k->vmcoreinfo_text = text;
	k->vmcoreinfo_len = strlen(text);
	return vmcoreinfo_parse(text, k->vmcoreinfo_len, &k->vi);
}

/* The set-up steps in their order (kernel.h); each may use the facts
 * of the ones before. */
static struct vmmap_error *
set_up(struct kernel *k, const char *symbols_path)
{
	struct vmmap_error *err;
	if ((err = read_vmcoreinfo(k)) ||
	    (err = release_from_vmcoreinfo(k)) ||
	    (err = phys_base_from_vmcoreinfo(k)) ||
	    (err = kernel_offset_from_vmcoreinfo(k)))
		return err;
	sme_mask_from_vmcoreinfo(k);
	find_page_table_root(k);
	if ((err = levels_from_vmcoreinfo(k)))
		return err;
	setup_page_walk(k);
	return load_symbols(k, symbols_path);
}

struct vmmap_error *
kernel_open(struct vmmap_source *src, const char *symbols_path, struct kernel **ret)
{
	struct kernel *k = calloc(1, sizeof(*k));
	if (!k)
		return &vmmap_enomem;
	k->src = src;
	if (symbols_path && !(k->symbols_path = strdup(symbols_path))) {
		free(k);
		return &vmmap_enomem;
	}
	symtab_init(&k->syms, VMMAP_FROM_NONE);
	pthread_mutex_init(&k->syms_lock, NULL);
	k->tlb = tlb_new();	/* without it, every address is walked */
	for (size_t i = 0; i < src->notes.n; i++)	/* the source's first */
		kernel_note(k, "%s", src->notes.v[i]);
	struct vmmap_error *err = set_up(k, symbols_path);
	if (err) {
		kernel_destroy(k);
		return err;
	}
	*ret = k;
	return NULL;
}

void
kernel_destroy(struct kernel *k)
{
	if (!k)
		return;
	pgwalk_destroy(k->pgwalk);
	tlb_destroy(k->tlb);
	vmcoreinfo_destroy(k->vi);
	free(k->vmcoreinfo_text);
	symtab_fini(&k->syms);
	kallsyms_close(k->kallsyms);
	free(k->prefetched);
	pthread_mutex_destroy(&k->syms_lock);
	notes_fini(&k->notes);
	free(k->symbols_path);
	free(k);
}
