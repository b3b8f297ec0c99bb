/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Symbol files: a vmlinux (ELF symbol table via libelf, and a couple
 * of DWARF facts via libdw when it has debug info) or a System.map
 * ("ffffffff81000000 T _text" lines). Addresses are link-time ones;
 * the caller applies the KASLR offset.
 */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../error.h"
#include "../vmcoreinfo.h"
#include "../vmlinux.h"

static char
elf_symbol_type(Elf *elf, const GElf_Sym *sym)
{
	bool global = GELF_ST_BIND(sym->st_info) != STB_LOCAL;
	if (sym->st_shndx == SHN_ABS)
		return global ? 'A' : 'a';
	if (GELF_ST_TYPE(sym->st_info) == STT_FUNC)
		return global ? 'T' : 't';
	Elf_Scn *scn = elf_getscn(elf, sym->st_shndx);
	GElf_Shdr shdr;
	if (!scn || !gelf_getshdr(scn, &shdr))
		return '?';
	char c = 'D';
	if (shdr.sh_type == SHT_NOBITS)
		c = 'B';
	else if (shdr.sh_flags & SHF_EXECINSTR)
		c = 'T';
	else if (!(shdr.sh_flags & SHF_WRITE))
		c = 'R';
	return global ? c : (char)(c - 'A' + 'a');
}

/* The GNU build ID note (the kernel's .notes section) as hex. */
static void
load_build_id(Elf *elf, struct vmlinux_facts *f)
{
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr shdr;
		Elf_Data *data;
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off, next;
		while ((next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    memcmp((char *)data->d_buf + name_off, "GNU", 4) == 0 &&
			    nh.n_descsz > 0 && nh.n_descsz <= 20) {
				const uint8_t *id = (const uint8_t *)data->d_buf + desc_off;
				for (size_t i = 0; i < nh.n_descsz; i++)
					snprintf(f->build_id + 2 * i, 3, "%02x", id[i]);
				f->have_build_id = true;
				return;
			}
			off = next;
		}
	}
}

static struct vmmap_error *
load_elf_symbols(Elf *elf, const char *path, struct symtab *out)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data || !shdr.sh_entsize)
			break;
		size_t n = shdr.sh_size / shdr.sh_entsize;
		for (size_t i = 1; i < n; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(data, i, &sym))
				continue;
			int t = GELF_ST_TYPE(sym.st_info);
			if (t == STT_FILE || t == STT_SECTION || sym.st_shndx == SHN_UNDEF)
				continue;
			const char *name = elf_strptr(elf, shdr.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			struct vmmap_error *err = symtab_add(
				out, sym.st_value, elf_symbol_type(elf, &sym),
				name, strlen(name));
			if (err)
				return err;
		}
		return NULL;
	}
	return vmmap_error_format(VMMAP_ERROR_SYMBOLS,
				  "%s: ELF file without a symbol table", path);
}

/* Top-level DIEs are enough: enum fixed_addresses and struct page are
 * declared at file scope in every CU that uses them. */
static void
scan_cu(Dwarf_Die *cu, struct vmlinux_facts *f)
{
	Dwarf_Die die;
	if (dwarf_child(cu, &die) != 0)
		return;
	do {
		int tag = dwarf_tag(&die);
		const char *name = dwarf_diename(&die);
		if (!name)
			continue;
		if (tag == DW_TAG_structure_type && !f->have_struct_page_size &&
		    strcmp(name, "page") == 0 && !dwarf_hasattr(&die, DW_AT_declaration)) {
			Dwarf_Word size;
			int s = dwarf_bytesize(&die);
			if (s > 0) {
				size = (Dwarf_Word)s;
				f->struct_page_size = size;
				f->have_struct_page_size = true;
			}
		} else if (tag == DW_TAG_enumeration_type && !f->have_fixmap_pages &&
			   strcmp(name, "fixed_addresses") == 0) {
			Dwarf_Die e;
			if (dwarf_child(&die, &e) != 0)
				continue;
			do {
				const char *en = dwarf_diename(&e);
				Dwarf_Attribute attr;
				Dwarf_Word v;
				if (en && strcmp(en, "__end_of_fixed_addresses") == 0 &&
				    dwarf_attr(&e, DW_AT_const_value, &attr) &&
				    dwarf_formudata(&attr, &v) == 0) {
					f->fixmap_pages = v;
					f->have_fixmap_pages = true;
				}
			} while (dwarf_siblingof(&e, &e) == 0);
		}
	} while ((!f->have_fixmap_pages || !f->have_struct_page_size) &&
		 dwarf_siblingof(&die, &die) == 0);
}

static void
load_dwarf_facts(Elf *elf, struct vmlinux_facts *f)
{
	Dwarf *dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (!dw)
		return;
	Dwarf_Off off = 0, next;
	size_t hsize;
	while ((!f->have_fixmap_pages || !f->have_struct_page_size) &&
	       dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		if (dwarf_offdie(dw, off + hsize, &cu))
			scan_cu(&cu, f);
		off = next;
	}
	dwarf_end(dw);
}

static struct vmmap_error *
parse_system_map_line(const char *line, size_t len, struct symtab *out,
		      bool *ok)
{
	/* "<16 hex> <type> <name>" */
	*ok = false;
	const char *sp1 = memchr(line, ' ', len);
	if (!sp1 || sp1 - line > 16 || len < (size_t)(sp1 - line) + 4 || sp1[2] != ' ')
		return NULL;
	uint64_t addr;
	if (!parse_hex_u64(line, sp1 - line, &addr))
		return NULL;
	const char *name = sp1 + 3;
	size_t namelen = len - (name - line);
	if (namelen == 0)
		return NULL;
	*ok = true;
	return symtab_add(out, addr, sp1[1], name, namelen);
}

static struct vmmap_error *
load_system_map(FILE *f, const char *path, struct symtab *out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	size_t lineno = 0;
	struct vmmap_error *err = NULL;
	while ((len = getline(&line, &cap, f)) > 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		bool ok;
		err = parse_system_map_line(line, len, out, &ok);
		if (err)
			break;
		if (!ok) {
			err = vmmap_error_format(VMMAP_ERROR_SYMBOLS,
						 "%s: neither an ELF vmlinux nor a System.map (line %zu)",
						 path, lineno);
			break;
		}
	}
	free(line);
	if (!err && out->n == 0)
		err = vmmap_error_format(VMMAP_ERROR_SYMBOLS,
					 "%s: no symbols in this file", path);
	return err;
}

struct vmmap_error *
vmlinux_load(const char *path, struct symtab *out, struct vmlinux_facts *facts)
{
	memset(facts, 0, sizeof(*facts));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vmmap_error_format(VMMAP_ERROR_OS, "%s: %s", path,
					  strerror(errno));
	char magic[4] = { 0 };
	ssize_t got = pread(fd, magic, sizeof(magic), 0);
	struct vmmap_error *err = NULL;
	if (got == 4 && memcmp(magic, ELFMAG, SELFMAG) == 0) {
		elf_version(EV_CURRENT);
		Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
		GElf_Ehdr ehdr;
		if (!elf || !gelf_getehdr(elf, &ehdr))
			err = vmmap_error_format(VMMAP_ERROR_SYMBOLS,
						 "%s: unreadable ELF file: %s", path,
						 elf_errmsg(-1));
		else if (ehdr.e_machine != EM_X86_64)
			err = vmmap_error_format(VMMAP_ERROR_SYMBOLS,
						 "%s: not an x86_64 vmlinux", path);
		else {
			err = load_elf_symbols(elf, path, out);
			if (!err) {
				load_build_id(elf, facts);
				load_dwarf_facts(elf, facts);
			}
		}
		if (elf)
			elf_end(elf);
		close(fd);
		return err;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return vmmap_error_format(VMMAP_ERROR_OS, "%s: %s", path,
					  strerror(errno));
	}
	err = load_system_map(f, path, out);
	fclose(f);
	return err;
}
