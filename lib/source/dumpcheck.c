/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * Checking what libkdumpfile will trust, before it sees it (dumpcheck.h).
 * All multi-byte fields are little-endian: x86_64 dumps only.
 */
#include "config.h"

#include <elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../error.h"
#include "../vmcoreinfo.h"
#include "dumpcheck.h"

#define VMCOREINFO_MAX (1u << 20)	/* the kernel's is one page */

static uint64_t
le(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Does [off, off + len) lie in a file of size bytes? */
static bool
inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* ------------------------------------------------------------------ */
/* VMCOREINFO: libkdumpfile parses it too, and trusts its values (a
 * PAGESIZE of 0 ends in SIGFPE; found by fuzz_open). vmmap's strict
 * parser reads it first. */

/* libkdumpfile makes each key a path of attributes, split at '.': a
 * key like ".fd: L(prb)" crashed it (SIGSEGV, found by fuzz_open). The
 * kernel's keys are letters, digits and "_().-" (OFFSET(page.flags),
 * BUILD-ID), never starting or ending with '.', never "..". */
static struct vmmap_error *
check_vmcoreinfo_keys(const char *text, size_t len, const char *path)
{
	unsigned line = 1;
	for (size_t i = 0; i < len; line++) {
		size_t end = i;
		while (end < len && text[end] != '\n')
			end++;
		size_t eq = i;
		while (eq < end && text[eq] != '=')
			eq++;
		bool ok = eq == end || eq > i;	/* a line without '=': the parser says */
		for (size_t k = i; ok && k < eq; k++) {
			char c = text[k];
			ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			     c == '_' || c == '(' || c == ')' || c == '-' ||
			     (c == '.' && k > i && k + 1 < eq && text[k + 1] != '.');
		}
		if (!ok)
			return vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
						  "%s: VMCOREINFO line %u has a key no kernel writes: '%.*s'",
						  path, line, (int)(eq - i > 40 ? 40 : eq - i), text + i);
		i = end + 1;
	}
	return NULL;
}

static struct vmmap_error *
check_vmcoreinfo_text(const char *text, size_t len, const char *path)
{
	/* vmmap's parser stops at a NUL, libkdumpfile reads on past it
	 * (and crashed on what followed, found by fuzz_open): only the
	 * note's padding may follow a NUL. */
	const char *nul = memchr(text, 0, len);
	for (const char *p = nul; p && p < text + len; p++)
		if (*p)
			return vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
						  "%s: VMCOREINFO has a NUL byte %zu bytes into its %zu",
						  path, (size_t)(nul - text), len);
	struct vmmap_error *err = check_vmcoreinfo_keys(text, nul ? (size_t)(nul - text) : len, path);
	if (err)
		return err;
	struct vmcoreinfo *vi = NULL;
	err = vmcoreinfo_parse(text, len, &vi);
	if (!err) {
		const char *ps = vmcoreinfo_get(vi, "PAGESIZE");
		uint64_t v;
		/* x86_64's pages are 4 KiB */
		if (ps && (!parse_dec_u64(ps, strlen(ps), &v) || v != 4096))
			err = vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
						 "VMCOREINFO PAGESIZE=%.20s is not x86_64's 4096", ps);
	}
	vmcoreinfo_destroy(vi);
	return vmmap_error_prefix(err, "%s", path);
}

/* The VMCOREINFO at [off, off + len) of the file. */
static struct vmmap_error *
check_vmcoreinfo_at(int fd, uint64_t off, uint64_t len, const char *path)
{
	if (len == 0 || len > VMCOREINFO_MAX)
		return len ? vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
						"%s: a VMCOREINFO of %llu bytes", path,
						(unsigned long long)len)
			   : NULL;
	char *text = malloc(len);
	if (!text)
		return &vmmap_enomem;
	struct vmmap_error *err = pread(fd, text, len, (off_t)off) == (ssize_t)len
		? check_vmcoreinfo_text(text, len, path)
		: vmmap_error_format(VMMAP_ERROR_FORMAT, "%s: unreadable VMCOREINFO", path);
	free(text);
	return err;
}

/* ------------------------------------------------------------------ */
/* Compressed kdump ("KDUMP   " / "DISKDUMP"): makedumpfile's struct
 * disk_dump_header and kdump_sub_header (diskdump_mod.h: phys_base,
 * dump_level, split, start_pfn, end_pfn, then the offset and size of
 * VMCOREINFO at 32 and of the ELF notes at 48; the checks before this
 * read 40 and 56, one field off, and so checked nothing useful). */

#define DISKDUMP_BLOCK_SIZE_OFF 428
#define DISKDUMP_HEADER_BYTES 464
#define KDUMP_SUB_VMCOREINFO_OFF 32	/* offset_vmcoreinfo, size_vmcoreinfo */
#define KDUMP_SUB_NOTE_OFF 48		/* offset_note, size_note */

static struct vmmap_error *
bad_kdump(const char *path, const char *what)
{
	return vmmap_error_format(VMMAP_ERROR_FORMAT,
				  "%s: corrupt compressed kdump header: %s", path, what);
}

static struct vmmap_error *
check_kdump(int fd, const char *path, uint64_t size)
{
	unsigned char h[DISKDUMP_HEADER_BYTES];
	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return bad_kdump(path, "file shorter than its header");
	uint64_t version = le(h + 8, 4);
	uint64_t block = le(h + DISKDUMP_BLOCK_SIZE_OFF, 4);
	uint64_t sub_blocks = le(h + DISKDUMP_BLOCK_SIZE_OFF + 4, 4);
	uint64_t bitmap_blocks = le(h + DISKDUMP_BLOCK_SIZE_OFF + 8, 4);
	if (version < 1 || version > 10)
		return bad_kdump(path, "unknown header_version");
	if (block < 4096 || block > 65536 || (block & (block - 1)))
		return bad_kdump(path, "block_size is not a page size");
	if (sub_blocks == 0 || bitmap_blocks == 0 ||
	    (1 + sub_blocks + bitmap_blocks) * block > size)
		return vmmap_error_format(VMMAP_ERROR_FORMAT,
					  "%s: truncated or corrupt compressed kdump: header and bitmaps need %llu bytes, the file has %llu",
					  path,
					  (unsigned long long)((1 + sub_blocks + bitmap_blocks) * block),
					  (unsigned long long)size);
	/* The sub-header's (offset, size) pairs must lie in the file. */
	unsigned char sub[72];
	if (pread(fd, sub, sizeof(sub), (off_t)block) != (ssize_t)sizeof(sub))
		return bad_kdump(path, "no sub-header");
	const int pairs[] = { KDUMP_SUB_VMCOREINFO_OFF, KDUMP_SUB_NOTE_OFF };
	for (size_t i = 0; version >= 3 && i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (!inside(le(sub + pairs[i], 8), le(sub + pairs[i] + 8, 8), size))
			return bad_kdump(path, "sub-header points outside the file");
	if (version >= 3)
		return check_vmcoreinfo_at(fd, le(sub + KDUMP_SUB_VMCOREINFO_OFF, 8),
					   le(sub + KDUMP_SUB_VMCOREINFO_OFF + 8, 8), path);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* ELF */

static struct vmmap_error *
bad_elf(const char *path, const char *what)
{
	return vmmap_error_format(VMMAP_ERROR_FORMAT, "%s: corrupt ELF dump: %s", path, what);
}

/* Class, machine, type: a 32-bit header on a 64-bit body crashes
 * libkdumpfile; a vmlinux given as the dump is crash's argument order. */
static struct vmmap_error *
check_elf_ident(const unsigned char *h, const char *path)
{
	if (h[EI_CLASS] != ELFCLASS64)
		return vmmap_error_format(VMMAP_ERROR_UNSUPPORTED,
					  "%s: a 32-bit ELF file; vmmap reads x86_64 dumps only", path);
	unsigned machine = h[EI_DATA] == ELFDATA2LSB ? h[18] | h[19] << 8 : h[18] << 8 | h[19];
	if (machine != EM_X86_64)
		return vmmap_error_format(VMMAP_ERROR_UNSUPPORTED,
					  "%s: an ELF file of machine %u; vmmap reads x86_64 dumps only",
					  path, machine);
	if (h[EI_DATA] != ELFDATA2LSB)
		return bad_elf(path, "big-endian x86_64");
	/* A dump is ET_CORE; a vmlinux is ET_EXEC. */
	unsigned type = h[16] | h[17] << 8;
	if (type == ET_EXEC || type == ET_DYN || type == ET_REL)
		return vmmap_error_format(VMMAP_ERROR_FORMAT,
					  "%s: an ELF %s (a vmlinux?), not a dump: give a vmlinux with --vmlinux FILE, after the dump",
					  path, type == ET_REL ? "object" : "executable");
	return NULL;
}

/* The header tables must lie in the file (libkdumpfile reads the
 * section table too, though a dump needs none: e_shoff or e_shnum of
 * garbage crash it). */
static struct vmmap_error *
check_elf_tables(const Elf64_Ehdr *eh, const char *path, uint64_t size)
{
	if (eh->e_ehsize < sizeof(*eh))
		return bad_elf(path, "e_ehsize smaller than an ELF header");
	if (eh->e_phnum == 0 || eh->e_phnum == PN_XNUM)
		return bad_elf(path, eh->e_phnum ? "extended program header numbering" : "no program headers");
	if (eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    !inside(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), size))
		return vmmap_error_format(VMMAP_ERROR_FORMAT,
					  "%s: truncated or corrupt: %u program headers at byte %llu do not fit in %llu bytes",
					  path, eh->e_phnum, (unsigned long long)eh->e_phoff,
					  (unsigned long long)size);
	if (eh->e_shoff == 0 && eh->e_shnum == 0)
		return NULL;
	if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shnum == 0 ||
	    !inside(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr), size) ||
	    (eh->e_shstrndx != SHN_UNDEF && eh->e_shstrndx >= eh->e_shnum))
		return bad_elf(path, "its section header table does not fit in the file");
	return NULL;
}

/* What the notes and program headers of an ELF dump show of its kind. */
struct elf_seen {
	bool vmcoreinfo;	/* a VMCOREINFO note */
	bool taskstruct;	/* a CORE NT_TASKSTRUCT note: only /proc/kcore writes one */
	bool no_phys;		/* a load segment at p_paddr -1: /proc/kcore's vmalloc,
				 * modules, vmemmap (fs/proc/kcore.c, 4.19+) */
};

#ifndef NT_TASKSTRUCT
#define NT_TASKSTRUCT 4
#endif

/* The VMCOREINFO note of a PT_NOTE segment, if it has one. */
static struct vmmap_error *
check_elf_notes(int fd, const Elf64_Phdr *ph, const char *path, struct elf_seen *seen)
{
	static const char name[] = "VMCOREINFO";
	uint64_t p = 0;
	while (p + sizeof(Elf64_Nhdr) <= ph->p_filesz) {
		Elf64_Nhdr nh;
		if (pread(fd, &nh, sizeof(nh), (off_t)(ph->p_offset + p)) != sizeof(nh))
			return NULL;
		uint64_t name_at = p + sizeof(nh);
		uint64_t desc_at = name_at + (((uint64_t)nh.n_namesz + 3) & ~3ULL);
		uint64_t next = desc_at + (((uint64_t)nh.n_descsz + 3) & ~3ULL);
		/* (libkdumpfile reads a last note whose padding is missing) */
		if (desc_at + nh.n_descsz > ph->p_filesz)
			return NULL;
		char n[sizeof(name)];
		if (nh.n_namesz == sizeof("CORE") && nh.n_type == NT_TASKSTRUCT &&
		    pread(fd, n, sizeof("CORE"), (off_t)(ph->p_offset + name_at)) == sizeof("CORE") &&
		    memcmp(n, "CORE", sizeof("CORE")) == 0)
			seen->taskstruct = true;
		if (nh.n_namesz == sizeof(name) &&
		    pread(fd, n, sizeof(n), (off_t)(ph->p_offset + name_at)) == sizeof(n) &&
		    memcmp(n, name, sizeof(name)) == 0) {
			seen->vmcoreinfo = true;
			return check_vmcoreinfo_at(fd, ph->p_offset + desc_at, nh.n_descsz, path);
		}
		p = next;
	}
	return NULL;
}

/* Notes must be whole (VMCOREINFO is in one); load segments the file
 * is too short for only lose memory: a note names what is missing,
 * and reads there fail. */
static struct vmmap_error *
check_elf_segments(int fd, const Elf64_Ehdr *eh, const char *path, uint64_t size,
		   struct dumpcheck_result *out)
{
	struct elf_seen seen = { 0 };
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh->e_phoff + i * sizeof(ph))) != sizeof(ph))
			return bad_elf(path, "unreadable program header");
		if (ph.p_type == PT_NOTE && !inside(ph.p_offset, ph.p_filesz, size))
			return vmmap_error_format(VMMAP_ERROR_FORMAT,
						  "%s: truncated: its ELF notes end at byte %llu, the file has %llu",
						  path, (unsigned long long)(ph.p_offset + ph.p_filesz),
						  (unsigned long long)size);
		struct vmmap_error *err;
		if (ph.p_type == PT_NOTE && (err = check_elf_notes(fd, &ph, path, &seen)))
			return err;
		/* A segment without a physical address holds nothing a
		 * physical read reaches (kcore's vmalloc, modules, vmemmap:
		 * libkdumpfile leaves them out of its physical map too). */
		if (ph.p_type == PT_LOAD && ph.p_paddr == UINT64_MAX)
			seen.no_phys = true;
		if (ph.p_type != PT_LOAD || ph.p_paddr == UINT64_MAX ||
		    inside(ph.p_offset, ph.p_filesz, size))
			continue;
		uint64_t have = ph.p_offset < size ? size - ph.p_offset : 0;
		notes_add(&out->notes, "truncated dump: physical 0x%llx-0x%llx (load segment %u) lies past the end of the file (%llu bytes); it reads as absent",
			  (unsigned long long)(ph.p_paddr + have),
			  (unsigned long long)(ph.p_paddr + ph.p_filesz - 1), i,
			  (unsigned long long)size);
		struct missing_range *m = realloc(out->missing, (out->nmissing + 1) * sizeof(*m));
		if (!m)
			return &vmmap_enomem;
		out->missing = m;
		/* libkdumpfile would read zeroes there: the source refuses */
		m[out->nmissing++] = (struct missing_range){ ph.p_paddr + have,
							     ph.p_paddr + ph.p_filesz };
	}
	out->kcore = seen.no_phys || seen.taskstruct;
	/* Before 4.19 kcore had no VMCOREINFO note (and every p_paddr 0):
	 * say so rather than "carries no VMCOREINFO" later. */
	if (out->kcore && !seen.vmcoreinfo)
		return vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
					  "%s: a /proc/kcore without a VMCOREINFO note (kernels before 4.19 write none); vmmap needs it",
					  path);
	return NULL;
}

static struct vmmap_error *
check_elf(int fd, const char *path, uint64_t size, struct dumpcheck_result *out)
{
	Elf64_Ehdr eh;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		return vmmap_error_format(VMMAP_ERROR_FORMAT,
					  "%s: not a readable dump: cut inside its ELF header", path);
	struct vmmap_error *err = check_elf_ident(eh.e_ident, path);
	if (!err)
		err = check_elf_tables(&eh, path, size);
	if (!err)
		err = check_elf_segments(fd, &eh, path, size, out);
	return err;
}

void
dumpcheck_fini(struct dumpcheck_result *r)
{
	notes_fini(&r->notes);
	free(r->missing);
	r->missing = NULL;
	r->nmissing = 0;
}

bool
dumpcheck_missing(const struct dumpcheck_result *r, uint64_t start, uint64_t len)
{
	uint64_t end = len > UINT64_MAX - start ? UINT64_MAX : start + len;
	for (size_t i = 0; i < r->nmissing; i++)
		if (start < r->missing[i].end && r->missing[i].start < end)
			return true;
	return false;
}

struct vmmap_error *
dumpcheck(int fd, const char *path, uint64_t size, struct dumpcheck_result *out)
{
	unsigned char magic[8];
	if (pread(fd, magic, sizeof(magic), 0) != sizeof(magic))
		return NULL;	/* too short for anything: libkdumpfile says so */
	if (memcmp(magic, ELFMAG, SELFMAG) == 0) {
		/* check the class before reading a 64-bit header */
		unsigned char ident[EI_NIDENT + 4];
		if (pread(fd, ident, sizeof(ident), 0) == sizeof(ident) && ident[EI_CLASS] != ELFCLASS64)
			return check_elf_ident(ident, path);
		return check_elf(fd, path, size, out);
	}
	if (memcmp(magic, "KDUMP   ", 8) == 0 || memcmp(magic, "DISKDUMP", 8) == 0)
		return check_kdump(fd, path, size);
	return NULL;	/* another format: libkdumpfile decides */
}
