/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmmap for the crash utility: `extend vmmap.so`, then `vmmap`.
 *
 * libvmmap is fed from the crash session through its source interface:
 * physical reads with readmem(PHYSADDR), VMCOREINFO through crash's
 * reader, symbols from crash's symbol table; libvmmap walks the page
 * tables itself (libaddrxlat over those reads), because crash's own
 * kvtop() computes, rather than walks, addresses outside vmalloc.
 *
 * Nothing here may end the session: every failure is an error(INFO)
 * message and a return to the prompt.
 */
#include "defs.h"

#include <vmmap/vmmap.h>

static void cmd_vmmap(void);
static char *help_vmmap[];

static struct command_table_entry command_table[] = {
	{ "vmmap", cmd_vmmap, help_vmmap, MINIMAL },
	{ NULL },
};

/* The session's map, built on first use and kept until `extend -u`. */
static struct vmmap_source *session_src;
static struct vmmap_map *session_map;

/* ------------------------------------------------------------------ */
/* The source: crash's readmem, VMCOREINFO and symbols */

static struct vmmap_error *
crash_read_phys(void *arg, uint64_t addr, void *buf, size_t len)
{
	(void)arg;
	if (readmem(addr, PHYSADDR, buf, (long)len, "vmmap", RETURN_ON_ERROR | QUIET))
		return NULL;
	char msg[96];
	snprintf(msg, sizeof(msg), "physical 0x%llx is not in the dump",
		 (unsigned long long)addr);
	return vmmap_error_new(VMMAP_ERROR_FAULT, msg);
}

/* The keys libvmmap reads; crash only answers key by key. */
static const char *const vmcoreinfo_keys[] = {
	"OSRELEASE", "BUILD-ID", "PAGESIZE", "KERNELOFFSET",
	"NUMBER(pgtable_l5_enabled)", "NUMBER(phys_base)", "SYMBOL(phys_base)",
	"SYMBOL(init_top_pgt)", "SYMBOL(init_level4_pgt)", "SYMBOL(_stext)",
	"NUMBER(KERNEL_IMAGE_SIZE)", "SIZE(page)", "NUMBER(MAX_PHYSMEM_BITS)",
	"NUMBER(VMALLOC_START)", "SYMBOL(vmemmap)", "NUMBER(sme_mask)",
	"SYMBOL(kallsyms_names)", "SYMBOL(kallsyms_num_syms)",
	"SYMBOL(kallsyms_token_table)", "SYMBOL(kallsyms_token_index)",
	"SYMBOL(kallsyms_offsets)", "SYMBOL(kallsyms_relative_base)",
	"SYMBOL(kallsyms_addresses)",
};

static struct vmmap_error *
crash_vmcoreinfo(void *arg, char **text)
{
	(void)arg;
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);
	if (!out)
		return vmmap_error_new(VMMAP_ERROR_NOMEM, "out of memory");
	out[0] = '\0';
	for (size_t i = 0; pc->read_vmcoreinfo &&
			   i < sizeof(vmcoreinfo_keys) / sizeof(vmcoreinfo_keys[0]); i++) {
		char *v = pc->read_vmcoreinfo(vmcoreinfo_keys[i]);
		if (!v)
			continue;
		int n = snprintf(out + len, cap - len, "%s=%s\n", vmcoreinfo_keys[i], v);
		free(v);
		if (n > 0 && (size_t)n < cap - len)
			len += (size_t)n;
	}
	if (len == 0) {
		free(out);
		return vmmap_error_new(VMMAP_ERROR_VMCOREINFO,
				       "this dump gives crash no VMCOREINFO");
	}
	*text = out;
	return NULL;
}

static struct vmmap_error *
crash_symbol(void *arg, const char *name, uint64_t *addr)
{
	(void)arg;
	if (!symbol_exists((char *)name))
		return vmmap_error_new(VMMAP_ERROR_NOT_FOUND, name);
	*addr = symbol_value((char *)name);
	return NULL;
}

static const struct vmmap_source_ops crash_ops = {
	VMMAP_SOURCE_OPS_INIT,
	.name = "crash",
	.read_phys = crash_read_phys,
	.vmcoreinfo = crash_vmcoreinfo,
	.symbol = crash_symbol,
};

static struct vmmap_map *
get_map(void)
{
	if (session_map)
		return session_map;
	struct vmmap_error *err = vmmap_source_create(&crash_ops, NULL, &session_src);
	/* crash's vmlinux has DWARF: it makes the fixmap exact. */
	if (!err)
		err = vmmap_map_build(session_src, pc->namelist, &session_map);
	if (err) {
		error(INFO, "%s\n", vmmap_error_message(err));
		vmmap_error_destroy(err);
		vmmap_source_destroy(session_src);
		session_src = NULL;
		session_map = NULL;
	}
	return session_map;
}

/* ------------------------------------------------------------------ */
/* Subcommands */

/* An address from hex, a symbol, or an expression crash evaluates. */
static int
resolve(const char *arg, uint64_t *addr)
{
	if (!*arg) {	/* crash's own "length of the symbol name is zero!" */
		error(INFO, "an empty word is not an address\n");
		return FALSE;
	}
	struct vmmap_error *err = vmmap_parse_address(arg, addr);
	if (!err)
		return TRUE;
	vmmap_error_destroy(err);
	if (symbol_exists((char *)arg)) {
		*addr = symbol_value((char *)arg);
		return TRUE;
	}
	if (can_eval((char *)arg)) {
		int failed = FALSE;
		ulong v = eval((char *)arg, RETURN_ON_ERROR | QUIET, &failed);
		if (!failed) {
			*addr = v;
			return TRUE;
		}
	}
	error(INFO, "%s: not an address, a symbol or an expression\n", arg);
	return FALSE;
}

/* vmmap's JSON object for a, with "crash_symbol" added inside it when
 * crash names the address. */
static void
print_json_with_crash_symbol(const struct vmmap_annotation *a, const struct syment *sp,
			     ulong off)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = sp ? open_memstream(&buf, &len) : NULL;
	if (!m) {
		vmmap_print_annotation_json(a, fp);
		return;
	}
	vmmap_print_annotation_json(a, m);
	fclose(m);
	if (len && buf[len - 1] == '}') {
		fprintf(fp, "%.*s,\"crash_symbol\":", (int)len - 1, buf);
		char sym[256];
		snprintf(sym, sizeof(sym), "%s+0x%lx", sp->name, off);
		vmmap_print_json_string(sym, fp);
		fputc('}', fp);
	} else {
		fwrite(buf, 1, len, fp);
	}
	free(buf);
}

static void
annotate_args(struct vmmap_map *map, char **args, int n, int json)
{
	if (json)
		fprintf(fp, "{\"addresses\":[");
	int first = TRUE;
	for (int i = 0; i < n; i++) {
		uint64_t addr;
		struct vmmap_annotation a = { VMMAP_ANNOTATION_INIT };
		if (!resolve(args[i], &addr))
			continue;
		struct vmmap_error *err = vmmap_map_annotate(map, addr, 0, &a);
		if (err) {
			error(INFO, "%s\n", vmmap_error_message(err));
			vmmap_error_destroy(err);
			continue;
		}
		/* crash knows module symbols (their kallsyms): name them */
		ulong off = 0;
		struct syment *sp = a.region->kind == VMMAP_REGION_MODULES
					    ? value_search((ulong)addr, &off) : NULL;
		if (json) {
			if (!first)
				fputc(',', fp);
			print_json_with_crash_symbol(&a, sp, off);
		} else {
			vmmap_print_annotation_text(&a, fp);
			if (sp)
				fprintf(fp, "%18s%s+0x%lx (crash's module symbols)\n", "", sp->name, off);
		}
		first = FALSE;
	}
	if (json)
		fprintf(fp, "]}\n");
}

/* Like rd, one 8-byte word a line, each kernel pointer tagged. */
static void
dump_words(struct vmmap_map *map, const char *where, const char *count_arg)
{
	uint64_t addr;
	ulong count = 8;
	if (!resolve(where, &addr))
		return;
	if (count_arg) {
		char *end;
		count = strtoul(count_arg, &end, 0);
		if (*end || count == 0 || count > 65536) {
			error(INFO, "%s: not a count of words (1 to 65536)\n", count_arg);
			return;
		}
	}
	for (ulong i = 0; i < count; i++) {
		ulong word;
		uint64_t at = addr + i * 8;
		if (!readmem(at, KVADDR, &word, sizeof(word), "vmmap -d", RETURN_ON_ERROR | QUIET)) {
			error(INFO, "cannot read 0x%llx\n", (unsigned long long)at);
			return;
		}
		fprintf(fp, "%016llx:  %016lx", (unsigned long long)at, word);
		struct vmmap_annotation a = { VMMAP_ANNOTATION_INIT };
		if (vmmap_is_kernel_pointer(map, word) &&
		    !vmmap_map_annotate(map, word, VMMAP_ANNOTATE_NO_PHYS, &a)) {
			char tag[256];
			vmmap_format_tag(&a, tag, sizeof(tag));
			fprintf(fp, "  [%s]", tag);
		}
		fputc('\n', fp);
	}
}

static const struct vmmap_region *
region_of_kind(struct vmmap_map *map, enum vmmap_region_kind kind)
{
	for (size_t i = 0; i < vmmap_map_num_regions(map); i++)
		if (vmmap_map_region(map, i)->kind == kind)
			return vmmap_map_region(map, i);
	return NULL;
}

/* crash's layout (its `mach` and `help -m` values) against vmmap's. */
static void
cross_check(struct vmmap_map *map)
{
	struct machine_specific *ms = machdep->machspec;
	const struct {
		const char *what;
		enum vmmap_region_kind region;
		int end;	/* 0: start; 1: end, inclusive; 2: end, exclusive */
		ulong crash;
	} rows[] = {
		{ "page_offset (direct map start)", VMMAP_REGION_DIRECT_MAP, 0, ms->page_offset },
		{ "vmalloc start", VMMAP_REGION_VMALLOC, 0, ms->vmalloc_start_addr },
		{ "vmalloc end", VMMAP_REGION_VMALLOC, 1, ms->vmalloc_end },
		{ "vmemmap start", VMMAP_REGION_VMEMMAP, 0, ms->vmemmap_vaddr },
		{ "vmemmap end", VMMAP_REGION_VMEMMAP, 1, ms->vmemmap_end },
		{ "modules start", VMMAP_REGION_MODULES, 0, ms->modules_vaddr },
		/* crash keeps MODULES_END itself, one past the last byte */
		{ "modules end (exclusive)", VMMAP_REGION_MODULES, 2, ms->modules_end },
		{ "kernel text start", VMMAP_REGION_KERNEL_TEXT, 0, __START_KERNEL_map },
	};
	int disagree = 0;
	/* The facts under the layout: crash's own values of them. */
	const struct vmmap_kernel *k = vmmap_map_kernel(map);
	const struct {
		const char *what;
		uint64_t crash, mine;
	} facts[] = {
		{ "phys_base", ms->phys_base, k->phys_base.value },
		{ "kernel offset (KASLR)", (ulong)-kt->relocate, k->kernel_offset.value },
		{ "paging levels", machdep->flags & VM_5LEVEL ? 5 : 4, k->pgtable_levels.value },
	};
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		if (facts[i].crash == facts[i].mine)
			continue;
		disagree++;
		fprintf(fp, "%-32s crash: %016llx  vmmap: %016llx\n", facts[i].what,
			(unsigned long long)facts[i].crash, (unsigned long long)facts[i].mine);
	}
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct vmmap_region *r = region_of_kind(map, rows[i].region);
		if (!r)
			continue;
		uint64_t mine = rows[i].end == 2 ? r->end + 1 : rows[i].end ? r->end : r->start;
		if (mine == rows[i].crash)
			continue;
		disagree++;
		fprintf(fp, "%-32s crash: %016lx  vmmap: %016llx (%s%s)\n", rows[i].what,
			rows[i].crash, (unsigned long long)mine,
			vmmap_provenance_name(r->source), r->exact ? "" : ", approximate");
	}
	if (disagree)
		fprintf(fp, "%d disagreement%s between crash and vmmap\n", disagree,
			disagree == 1 ? "" : "s");
	else
		fprintf(fp, "crash and vmmap agree on the layout\n");
}

static void
cmd_vmmap(void)
{
	int c, json = FALSE, dump = FALSE, check = FALSE;
	/* "+": options first, so that "vmmap -d ADDR -3" reads -3 as a
	 * (bad) count, not as an option */
	while ((c = getopt(argcnt, args, "+jdc")) != EOF) {
		switch (c) {
		case 'j': json = TRUE; break;
		case 'd': dump = TRUE; break;
		case 'c': check = TRUE; break;
		default: argerrs++; break;
		}
	}
	int rest = argcnt - optind;
	const char *why = argerrs ? NULL
		: check && json ? "-c and -j do not go together"
		: check && dump ? "-c and -d do not go together"
		: check && rest ? "-c takes no operand: it compares the whole layout"
		: dump && json ? "-d prints words, not JSON: no -j with it"
		: dump && rest < 1 ? "-d needs an address"
		: dump && rest > 2 ? "-d takes an address and a count of words"
		: NULL;
	if (argerrs || why) {
		if (why)
			error(INFO, "%s\n", why);
		cmd_usage(pc->curcmd, SYNOPSIS);
		return;
	}
	struct vmmap_map *map = get_map();
	if (!map)
		return;
	if (check)
		cross_check(map);
	else if (dump)
		dump_words(map, args[optind], rest == 2 ? args[optind + 1] : NULL);
	else if (rest)
		annotate_args(map, &args[optind], rest, json);
	else if (json)
		vmmap_print_map_json(map, fp);
	else
		vmmap_print_map_text(map, fp);
}

static char *help_vmmap[] = {
	"vmmap",
	"the kernel's virtual memory map, and where addresses point",
	"[-j] [address | symbol | expression] ...\n"
	"       vmmap -d address [count]\n"
	"       vmmap -c",
	"  Without arguments, print the effective x86_64 kernel memory map of this",
	"  dump: paging depth, KASLR offset, the bases of the direct map, vmalloc",
	"  and vmemmap, and every region of the kernel's mm.rst for its era, each",
	"  with the source of the fact (vmcoreinfo, memory, kallsyms, vmlinux,",
	"  page-tables, layout, era-table) and whether it is exact.",
	"",
	"  With arguments, annotate each address (hex, a symbol, or an expression):",
	"  its region, the offset into it, the physical address and page frame",
	"  number from the kernel's own page tables, and symbol or module.",
	"",
	"    -j  JSON output, as the vmmap command-line tool prints it.",
	"    -d  read count (default 8) 8-byte words from address, like rd, and",
	"        tag every word that is a kernel pointer.",
	"    -c  compare crash's idea of the layout (mach, help -m) with vmmap's,",
	"        phys_base, the KASLR offset and the paging depth included, and",
	"        print every disagreement with both values.",
	"  A module address also gets crash's name for it (its module symbols).",
	"\nEXAMPLE",
	"  Where do these point? (a 6.1 kernel with KASLR; the fixmap page is the",
	"  IO-APIC's, which the page tables, not arithmetic, say)",
	"",
	"    crash> vmmap start_kernel jiffies ffffffffff5fc000",
	"    ffffffffbdef2c63  kernel_text:start_kernel+0x0  phys 0xeaf2c63 pfn 0xeaf2 [page-tables]",
	"    ffffffffbde079c0  kernel_text:jiffies+0x0  phys 0xea079c0 pfn 0xea07 [page-tables]",
	"    ffffffffff5fc000  fixmap+0x3fd000  phys 0xfec00000 pfn 0xfec00 [page-tables]",
	"",
	"  Read memory by eye: the modules list head points into two modules.",
	"",
	"    crash> vmmap -d modules 2",
	"    ffffffffbdea82a0:  ffffffffc01e6288  [modules:[loop]+0x4288]",
	"    ffffffffbdea82a8:  ffffffffc01db108  [modules:[dummy]+0x2108]",
	"",
	"  Compare with crash's own layout (a 5-level dump: crash 8.0.2 ends",
	"  vmalloc after 1280 TB, the kernel's VMALLOC_SIZE_TB_L5 is 12800):",
	"",
	"    crash> vmmap -c",
	"    vmalloc end                      crash: ff71f7c87fffffff  vmmap: ff9ef7c87fffffff (memory)",
	"    1 disagreement between crash and vmmap",
	NULL
};

void __attribute__((constructor))
vmmap_init(void)
{
	register_extension(command_table);
}

void __attribute__((destructor))
vmmap_fini(void)
{
	vmmap_map_destroy(session_map);
	vmmap_source_destroy(session_src);
	session_map = NULL;
	session_src = NULL;
}
