/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * The dump-file source: libkdumpfile reads every dump format (ELF,
 * compressed kdump, flattened, sadump), libaddrxlat walks the page
 * tables, libelf lists an ELF dump's program headers.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "../error.h"
#include "../notes.h"
#include "../source.h"
#include "dumpcheck.h"

#define DUMP_PAGE_SIZE 4096ULL

struct dumpfile {
	char *path;
	int fd;
	kdump_ctx_t *kctx;
	addrxlat_ctx_t *axctx;
	addrxlat_sys_t *axsys;
	struct dumpcheck_result check;	/* notes and missing memory */
	bool diskdump;			/* a compressed kdump (filtered_out()) */
	bool live;			/* a file of procfs: /proc/kcore */
	/* An ELF dump's physical memory held in the file: its PT_LOADs'
	 * [p_paddr, p_paddr + p_filesz), sorted and merged (elf_held()). */
	struct held { uint64_t start, end; } *held;
	size_t nheld;
	uint64_t reads, bytes;		/* for VMMAP_STATS (print_stats()) */
};

/* VMMAP_STATS set: what this handle read, said on stderr when it is
 * closed: reads asked of it, and libkdumpfile's page cache hits and
 * misses (a miss reads a page from the file and, in a compressed
 * kdump, inflates it). A debugging aid for the speed of a command. */
static void
print_stats(const struct dumpfile *df)
{
	if (!getenv("VMMAP_STATS"))
		return;
	kdump_num_t hits = 0, misses = 0;
	if (df->kctx) {
		kdump_get_number_attr(df->kctx, "cache.hits", &hits);
		kdump_get_number_attr(df->kctx, "cache.misses", &misses);
	}
	fprintf(stderr, "vmmap stats: %s: %llu reads of %llu bytes; page cache %llu hits, %llu misses (pages %s)\n",
		df->path ? df->path : "?", (unsigned long long)df->reads,
		(unsigned long long)df->bytes, (unsigned long long)hits,
		(unsigned long long)misses, df->diskdump ? "inflated" : "read from the file");
}

/*
 * libkdumpfile 0.5.0 and 0.5.1 deallocate a context's attributes before
 * the format's cleanup hook runs, and the compressed-kdump ("diskdump")
 * hook then unlinks its overrides from the freed page_size and
 * memory.pagemap attributes: kdump_free() reads and writes freed
 * memory (valgrind: invalid read/write of size 8 in kdump_free; a heap
 * corrupted for whatever comes next). Fixed in 0.5.2, commit 97c716a
 * "Run attribute cleanup hooks before deallocating attributes". On
 * those versions a compressed kdump's context is not freed: a few KiB
 * leaked per dump opened, instead of a corrupted heap.
 */
static bool
kdump_free_is_unsafe(kdump_ctx_t *kctx)
{
#if KDUMPFILE_VER_MAJOR == 0 && KDUMPFILE_VER_MINOR == 5 && KDUMPFILE_VER_MICRO < 2
	const char *format = NULL;
	return kdump_get_string_attr(kctx, KDUMP_ATTR_FILE_FORMAT, &format) == KDUMP_OK &&
	       format && strcmp(format, "diskdump") == 0;
#else
	(void)kctx;
	return false;
#endif
}

static void
dumpfile_destroy(void *arg)
{
	struct dumpfile *df = arg;
	print_stats(df);
	/* Translation objects before the dump context: the other order
	 * makes addrxlat_ctx_decref() read memory kdump_free() freed. */
	if (df->axctx)
		addrxlat_ctx_decref(df->axctx);
	if (df->axsys)
		addrxlat_sys_decref(df->axsys);
	if (df->kctx && kdump_free_is_unsafe(df->kctx))
		/* release the page cache at least */
		kdump_set_number_attr(df->kctx, "cache.size", 0);
	else if (df->kctx)
		kdump_free(df->kctx);
	if (df->fd >= 0)
		close(df->fd);
	dumpcheck_fini(&df->check);
	free(df->held);
	free(df->path);
	free(df);
}

/* libkdumpfile's status as a vmmap error that keeps its message. Its
 * KDUMP_ERR_SYSTEM is an OS error (errno still holds it), not only a
 * lack of memory. */
static struct vmmap_error *
kdump_error(struct dumpfile *df, kdump_status status, const char *what)
{
	int errnum = errno;
	enum vmmap_error_code code = VMMAP_ERROR_FORMAT;
	const char *msg = kdump_get_err(df->kctx);
	if (!msg)
		msg = "failed";
	if (status == KDUMP_ERR_SYSTEM)
		return errnum ? vmmap_error_os(errnum, "%s: %s", what, msg)
			      : vmmap_error_format(VMMAP_ERROR_OS, "%s: %s", what, msg);
	if (status == KDUMP_ERR_NODATA)
		code = VMMAP_ERROR_FAULT;
	else if (status == KDUMP_ERR_NOKEY)
		code = VMMAP_ERROR_NOT_FOUND;
	return vmmap_error_format(code, "%s: %s", what, msg);
}

/* A compressed kdump's page map (one bit per page the file holds), or
 * NULL if libkdumpfile has none. */
static kdump_bmp_t *
diskdump_pagemap(struct dumpfile *df)
{
	kdump_attr_t attr;
	if (kdump_get_attr(df->kctx, KDUMP_ATTR_FILE_PAGEMAP, &attr) != KDUMP_OK ||
	    attr.type != KDUMP_BITMAP)
		return NULL;
	return attr.val.bitmap;
}

/*
 * libkdumpfile 0.5.1 (Debian bookworm's) crashes in kdump_read() on a
 * compressed kdump after a mix of reads of present pages and of pages
 * makedumpfile filtered out: a NULL buffer written to (valgrind:
 * invalid write of size 8 at 0x0 under memmove), after some hundreds of
 * random 1-byte reads; neither kind of read alone does it, 0.5.6 does
 * not. So a compressed kdump's page map is asked first, and a read
 * that would touch a filtered page never reaches kdump_read().
 */
static bool
filtered_out(struct dumpfile *df, uint64_t addr, size_t len)
{
	kdump_bmp_t *map = df->diskdump && len ? diskdump_pagemap(df) : NULL;
	if (!map)
		return false;
	kdump_addr_t first = addr / DUMP_PAGE_SIZE, clear = first;
	kdump_addr_t last = (addr + len - 1) / DUMP_PAGE_SIZE;
	return kdump_bmp_find_clear(map, &clear) == KDUMP_OK && clear <= last;
}

/*
 * libkdumpfile 0.5.1 reads the page just below an ELF segment's start
 * from that segment (find_closest_file_load() takes a segment up to a
 * page above the address): the page before each segment read as
 * present, zeros (measured: phys 0xbf000 of the 6.1 fixture, whose
 * segment starts at 0xc0000; phys 0 of a /proc/kcore, whose first RAM
 * segment starts at 0x1000). So an ELF dump's reads are first checked
 * against its segments' file-backed ranges.
 */
static bool
elf_not_held(const struct dumpfile *df, uint64_t addr, size_t len)
{
	if (!df->held || !len)
		return false;
	uint64_t end = len > UINT64_MAX - addr ? UINT64_MAX : addr + len;
	size_t lo = 0, hi = df->nheld;
	while (lo < hi) {	/* the first range ending above addr */
		size_t mid = lo + (hi - lo) / 2;
		if (df->held[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == df->nheld || df->held[lo].start > addr || df->held[lo].end < end;
}

static int
held_cmp(const void *a, const void *b)
{
	const struct held *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* The file-backed physical ranges of an ELF dump's load segments
 * (none but p_paddr -1 ones: /proc/kcore's vmalloc, modules, vmemmap). */
static struct vmmap_error *
elf_held(struct dumpfile *df)
{
	struct vmmap_error *err = NULL;
	Elf *elf = elf_begin(df->fd, ELF_C_READ, NULL);
	size_t phnum;
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getphdrnum(elf, &phnum))
		goto out;	/* not ELF: libkdumpfile's own checks */
	struct held *h = calloc(phnum ? phnum : 1, sizeof(*h));
	if (!h) {
		err = &vmmap_enomem;
		goto out;
	}
	size_t n = 0;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD || !ph.p_filesz ||
		    ph.p_paddr == UINT64_MAX)
			continue;
		uint64_t end = ph.p_filesz > UINT64_MAX - ph.p_paddr ? UINT64_MAX
								       : ph.p_paddr + ph.p_filesz;
		h[n++] = (struct held){ ph.p_paddr, end };
	}
	qsort(h, n, sizeof(*h), held_cmp);
	size_t m = 0;	/* merge overlapping and adjacent ranges */
	for (size_t i = 0; i < n; i++) {
		if (m && h[i].start <= h[m - 1].end) {
			if (h[i].end > h[m - 1].end)
				h[m - 1].end = h[i].end;
		} else {
			h[m++] = h[i];
		}
	}
	df->held = h;
	df->nheld = m;
out:
	if (elf)
		elf_end(elf);
	return err;
}

static struct vmmap_error *
dumpfile_read_phys(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct dumpfile *df = arg;
	size_t got = len;
	if (dumpcheck_missing(&df->check, addr, len))
		return vmmap_error_fault(addr, "physical 0x%llx lies past the end of the truncated dump",
					 (unsigned long long)addr);
	if (elf_not_held(df, addr, len))
		return vmmap_error_fault(addr, "physical 0x%llx: the dump does not hold that page",
					 (unsigned long long)addr);
	if (filtered_out(df, addr, len))
		return vmmap_error_fault(addr, "physical 0x%llx: the dump does not hold that page",
					 (unsigned long long)addr);
	/* MACHPHYSADDR: same space as kernel-physical on x86_64 without
	 * Xen, and usable before the translation system is complete. */
	df->reads++;
	df->bytes += len;
	kdump_status st = kdump_read(df->kctx, KDUMP_MACHPHYSADDR, addr, buf,
				     &got);
	if (st == KDUMP_OK)
		return NULL;
	if (st == KDUMP_ERR_SYSTEM)
		return kdump_error(df, st, "reading the dump");
	return vmmap_error_fault(addr, "cannot read %zu bytes at physical 0x%llx: %s", len,
				 (unsigned long long)addr, kdump_get_err(df->kctx));
}

/* Does the file hold the page at addr? An ELF dump's segments, a
 * compressed kdump's bitmap say exactly what dumpfile_read_phys()
 * would find; another format: -1, unknown. */
static int
dumpfile_holds_page(void *arg, uint64_t addr)
{
	struct dumpfile *df = arg;
	if (dumpcheck_missing(&df->check, addr, 1))
		return 0;
	if (df->held)
		return !elf_not_held(df, addr, 1);
	kdump_bmp_t *map = df->diskdump ? diskdump_pagemap(df) : NULL;
	if (!map)
		return -1;
	kdump_addr_t page = addr / DUMP_PAGE_SIZE, set = page;
	return kdump_bmp_find_set(map, &set) == KDUMP_OK && set == page;
}

/* Runs of present pages from libkdumpfile's file.pagemap bitmap (one
 * bit per page held in the file: ELF segments, or the kdump bitmap
 * after makedumpfile's filtering). */
static struct vmmap_error *
dumpfile_present_range(void *arg, uint64_t addr, uint64_t *start, uint64_t *end)
{
	struct dumpfile *df = arg;
	/* kdump_get_attr(), the same in 0.5.1 to 0.5.6: 0.5.6 changed the
	 * arguments of kdump_get_typed_attr(). */
	kdump_attr_t attr;
	kdump_status st = kdump_get_attr(df->kctx, KDUMP_ATTR_FILE_PAGEMAP, &attr);
	if (st != KDUMP_OK)
		return kdump_error(df, st, "no page map");
	if (attr.type != KDUMP_BITMAP)
		return vmmap_error_create(VMMAP_ERROR_FORMAT,
					  "no page map: " KDUMP_ATTR_FILE_PAGEMAP " is not a bitmap");
	kdump_bmp_t *bmp = attr.val.bitmap;
	kdump_addr_t first = addr / DUMP_PAGE_SIZE;
	if (kdump_bmp_find_set(bmp, &first) != KDUMP_OK)
		return vmmap_error_create(VMMAP_ERROR_NOT_FOUND, "no more pages");
	kdump_addr_t last = first;
	/* libkdumpfile 0.5.1 finds no clear bit after overlapping ELF
	 * segments (a kernel-text segment inside the RAM one, as
	 * /proc/vmcore writes them): go on one page at a time there. */
	if (kdump_bmp_find_clear(bmp, &last) != KDUMP_OK || last <= first)
		last = first + 1;
	*start = (uint64_t)first * DUMP_PAGE_SIZE;
	*end = (uint64_t)last * DUMP_PAGE_SIZE;
	return NULL;
}

static struct vmmap_error *
dumpfile_page_walk(void *arg, uint64_t vaddr, uint64_t *paddr)
{
	struct dumpfile *df = arg;
	const addrxlat_meth_t *meth =
		addrxlat_sys_get_meth(df->axsys, ADDRXLAT_SYS_METH_PGT);
	if (!meth || meth->kind != ADDRXLAT_PGT)
		return vmmap_error_create(VMMAP_ERROR_NOT_FOUND,
					  "no kernel page table known to libaddrxlat");
	addrxlat_step_t step = {
		.ctx = df->axctx,
		.sys = df->axsys,
		.meth = meth,
	};
	step.base.addr = vaddr;
	step.base.as = ADDRXLAT_KVADDR;
	addrxlat_ctx_clear_err(df->axctx);
	/* addrxlat_walk() launches from step.base itself. */
	addrxlat_status st = addrxlat_walk(&step);
	if (st == ADDRXLAT_ERR_NOMEM)
		return &vmmap_enomem;
	if (st == ADDRXLAT_ERR_NODATA)	/* a page table the dump lacks */
		return vmmap_error_format(VMMAP_ERROR_FORMAT, "page walk of 0x%llx: %s",
					  (unsigned long long)vaddr, addrxlat_ctx_get_err(df->axctx));
	if (st != ADDRXLAT_OK)
		return vmmap_error_fault(vaddr, "page walk of 0x%llx: %s",
					 (unsigned long long)vaddr,
					 addrxlat_ctx_get_err(df->axctx));
	*paddr = step.base.addr;
	return NULL;
}

static struct vmmap_error *
dumpfile_vmcoreinfo(void *arg, char **text)
{
	struct dumpfile *df = arg;
	kdump_status st = kdump_vmcoreinfo_raw(df->kctx, text);
	if (st == KDUMP_ERR_SYSTEM)
		return kdump_error(df, st, df->path);
	if (st != KDUMP_OK)
		return vmmap_error_format(VMMAP_ERROR_VMCOREINFO,
					  "%s: the dump carries no VMCOREINFO (%s)", df->path,
					  kdump_get_err(df->kctx));
	return NULL;
}

static struct vmmap_error *
dumpfile_load_segments(void *arg, uint64_t (**segs)[3], size_t *n)
{
	struct dumpfile *df = arg;
	struct vmmap_error *err = NULL;
	Elf *elf = elf_begin(df->fd, ELF_C_READ, NULL);
	size_t phnum;
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getphdrnum(elf, &phnum)) {
		err = vmmap_error_create(VMMAP_ERROR_NOT_FOUND,
					 "the dump is not an ELF file");
		goto out;
	}
	uint64_t (*out)[3] = calloc(phnum ? phnum : 1, sizeof(*out));
	if (!out) {
		err = &vmmap_enomem;
		goto out;
	}
	size_t count = 0;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr phdr;
		if (!gelf_getphdr(elf, i, &phdr) || phdr.p_type != PT_LOAD)
			continue;
		out[count][0] = phdr.p_vaddr;
		out[count][1] = phdr.p_paddr;
		out[count][2] = phdr.p_memsz;
		count++;
	}
	*segs = out;
	*n = count;
out:
	if (elf)
		elf_end(elf);
	return err;
}

static struct vmmap_error *dumpfile_clone(void *arg, void **ret);

static const struct vmmap_source_ops dumpfile_ops = {
	VMMAP_SOURCE_OPS_INIT,
	.name = "libkdumpfile",
	.read_phys = dumpfile_read_phys,
	.page_walk = dumpfile_page_walk,
	.vmcoreinfo = dumpfile_vmcoreinfo,
	.load_segments = dumpfile_load_segments,
	.present_range = dumpfile_present_range,
	.clone = dumpfile_clone,
	.destroy = dumpfile_destroy,
};

static struct vmmap_error *
check_arch(struct dumpfile *df)
{
	const char *arch = NULL;
	kdump_status st = kdump_get_string_attr(df->kctx, KDUMP_ATTR_ARCH_NAME,
						&arch);
	if (st != KDUMP_OK || !arch)
		return vmmap_error_format(VMMAP_ERROR_FORMAT,
					  "%s: cannot tell the dump's architecture",
					  df->path);
	if (strcmp(arch, KDUMP_ARCH_X86_64) != 0)
		return vmmap_error_format(VMMAP_ERROR_UNSUPPORTED,
					  "%s: a dump of a %s machine; vmmap reads x86_64 dumps only",
					  df->path, arch);
	return NULL;
}

/*
 * makedumpfile -F writes a "flattened" stream for pipes: a 4 KiB header
 * starting with "makedumpfile", then records of (big-endian int64
 * offset, int64 size, data) that say where each piece belongs in the
 * real kdump file, ended by offset -1 (makedumpfile's
 * makedumpfile_data_header). libkdumpfile 0.5.1 does not read it, so
 * lay the records out in an anonymous file and read that instead.
 */
#define FLAT_SIGNATURE "makedumpfile"
#define FLAT_HEADER_SIZE 4096
#define FLAT_MAX_RECORD (1ULL << 30)

static bool
is_flattened(int fd)
{
	char sig[16];
	return pread(fd, sig, sizeof(sig), 0) == (ssize_t)sizeof(sig) &&
	       memcmp(sig, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE)) == 0;
}

static uint64_t
be64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static struct vmmap_error *
unflatten(struct dumpfile *df)
{
	int out = memfd_create("vmmap-unflattened", MFD_CLOEXEC);
	if (out < 0)
		return vmmap_error_os(errno, "%s: memfd_create", df->path);
	struct vmmap_error *err = NULL;
	char *buf = malloc(1 << 20);
	off_t pos = FLAT_HEADER_SIZE;
	uint64_t total = 0, end = 0;	/* bytes in records; the file's end */
	if (!buf) {
		err = &vmmap_enomem;
		goto out;
	}
	for (;;) {
		unsigned char rec[16];
		if (pread(df->fd, rec, sizeof(rec), pos) != (ssize_t)sizeof(rec)) {
			err = vmmap_error_format(VMMAP_ERROR_FORMAT,
						 "%s: truncated flattened dump (no end marker)",
						 df->path);
			goto out;
		}
		int64_t offset = (int64_t)be64(rec);
		uint64_t size = be64(rec + 8);
		pos += sizeof(rec);
		if (offset == -1)
			break;
		if (offset < 0 || size > FLAT_MAX_RECORD) {
			err = vmmap_error_format(VMMAP_ERROR_FORMAT,
						 "%s: corrupt flattened dump record at byte %lld",
						 df->path, (long long)(pos - 16));
			goto out;
		}
		total += size;
		if ((uint64_t)offset + size > end)
			end = (uint64_t)offset + size;
		for (uint64_t done = 0; done < size;) {
			size_t n = size - done > (1 << 20) ? (1 << 20) : size - done;
			if (pread(df->fd, buf, n, pos) != (ssize_t)n) {
				err = vmmap_error_format(VMMAP_ERROR_FORMAT,
							 "%s: truncated flattened dump", df->path);
				goto out;
			}
			if (pwrite(out, buf, n, offset + done) != (ssize_t)n) {
				err = vmmap_error_os(errno, "%s: unflattening", df->path);
				goto out;
			}
			pos += n;
			done += n;
		}
	}
	/* The records of a real flattened dump cover nearly all its file
	 * (makedumpfile leaves small alignment gaps: 6,876 bytes of 4.7 MB
	 * measured); a record far past the others makes a sparse file of
	 * gigabytes, whose header libkdumpfile then trusts (a 24 GiB
	 * allocation, found by fuzz_open). */
	if (end > 2 * total + (1 << 20))
		err = vmmap_error_format(VMMAP_ERROR_FORMAT,
					 "%s: corrupt flattened dump: its records reach byte %llu but hold %llu bytes",
					 df->path, (unsigned long long)end, (unsigned long long)total);
out:
	free(buf);
	if (err) {
		close(out);
		return err;
	}
	close(df->fd);
	df->fd = out;
	return NULL;
}

/* Is path a file of procfs (/proc/kcore)? Asked of the path, so that it
 * also answers when the file cannot be opened. */
static bool
on_procfs(const char *path, int fd)
{
	struct statfs sf;
	if (fd >= 0 ? fstatfs(fd, &sf) : statfs(path, &sf))
		return false;
	return sf.f_type == PROC_SUPER_MAGIC;
}

/* The notes of a live kernel's memory (/proc/kcore) and of a file of
 * its shape. */
static void
note_kcore(struct dumpfile *df)
{
	if (df->live)
		notes_add(&df->check.notes,
			  "live kernel: %s is the running kernel's memory, read while it changes: values read at different moments (a list, a page-table walk, a page's state) may disagree; memory that is no System RAM (ACPI tables, device memory) is not in it",
			  df->path);
	else if (df->check.kcore)
		notes_add(&df->check.notes,
			  "a /proc/kcore-shaped ELF file: physical memory read through its direct-map and kernel-text segments");
}

static struct vmmap_error *
open_file(struct dumpfile *df)
{
	df->fd = open(df->path, O_RDONLY | O_CLOEXEC);
	const char *base = strrchr(df->path, '/');
	if (df->fd < 0 && (errno == EACCES || errno == EPERM) &&
	    strcmp(base ? base + 1 : df->path, "kcore") == 0 && on_procfs(df->path, -1))
		/* fs/proc/kcore.c: mode 0400 root (EACCES), and open_kcore()
		 * wants CAP_SYS_RAWIO (EPERM for a root without it) */
		return vmmap_error_os(errno, "%s: reading the running kernel needs root (CAP_SYS_RAWIO)",
				      df->path);
	if (df->fd < 0)
		return vmmap_error_os(errno, "%s", df->path);
	struct stat st;
	if (fstat(df->fd, &st) < 0)
		return vmmap_error_os(errno, "%s", df->path);
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return vmmap_error_format(VMMAP_ERROR_FORMAT,
					  "%s: not a regular file", df->path);
	df->live = on_procfs(df->path, df->fd);
	/* A file of /proc has the size its kernel says: /proc/kcore's is
	 * the end of its highest segment (~128 TiB, sparse), 0 for most
	 * others; a size of 0 there says nothing. */
	if (st.st_size == 0 && !df->live)
		return vmmap_error_format(VMMAP_ERROR_FORMAT,
					  "%s: empty file, not a dump", df->path);
	struct vmmap_error *err;
	uint64_t size = st.st_size ? (uint64_t)st.st_size : UINT64_MAX;
	if (is_flattened(df->fd)) {
		/* the unflattened file gets the same checks */
		if ((err = unflatten(df)))
			return err;
		if (fstat(df->fd, &st) < 0)
			return vmmap_error_os(errno, "%s", df->path);
		size = (uint64_t)st.st_size;
	}
	if ((err = dumpcheck(df->fd, df->path, size, &df->check)))
		return err;
	note_kcore(df);
	return NULL;
}

/* A libkdumpfile context on df->fd, set up as vmmap needs it. */
static struct vmmap_error *
open_kdump(struct dumpfile *df, const char *path)
{
	struct vmmap_error *err;
	df->kctx = kdump_new();
	if (!df->kctx)
		return &vmmap_enomem;
	/* Never let libkdumpfile guess missing pages as zeroes, and make
	 * it read(2) rather than mmap(2): a mapping of a file cut short
	 * ends in SIGBUS (measured on a kdump file cut at 5000 bytes). */
	kdump_set_number_attr(df->kctx, KDUMP_ATTR_ZERO_EXCLUDED, 0);
	kdump_set_number_attr(df->kctx, KDUMP_ATTR_FILE_MMAP_POLICY, KDUMP_MMAP_NEVER);
	/* 64 cached pages (libkdumpfile's default is 1024, 4 MiB): page-table
	 * walks and kallsyms reads need few; a scan streams. */
	kdump_set_number_attr(df->kctx, "cache.size", 64);
	kdump_status st = kdump_open_fd(df->kctx, df->fd);
	if (st != KDUMP_OK) {
		/* libkdumpfile reports the attribute it was setting first:
		 * "Cannot set file.set.0.fd: <the reason>"; keep the reason. */
		const char *msg = kdump_get_err(df->kctx);
		const char *why = msg ? strstr(msg, ".fd: ") : NULL;
		return vmmap_error_format(VMMAP_ERROR_FORMAT, "%s: not a readable dump: %s", path,
					  why ? why + 5 : msg ? msg : "unknown format");
	}
	if ((err = check_arch(df)))
		return err;
	const char *format = NULL;
	df->diskdump = kdump_get_string_attr(df->kctx, KDUMP_ATTR_FILE_FORMAT, &format) == KDUMP_OK &&
		       format && strcmp(format, "diskdump") == 0;
	/* Some formats (compressed kdump) leave the OS unset; VMCOREINFO
	 * and the Linux translation system need it. */
	st = kdump_set_string_attr(df->kctx, KDUMP_ATTR_OSTYPE, "linux");
	if (st != KDUMP_OK)
		return kdump_error(df, st, path);
	return NULL;
}

/* A second handle for reading pages from another thread: the same file
 * opened again (through /proc/self/fd, which also reaches the memfd of
 * a flattened dump), in a context of its own. */
static struct vmmap_error *
dumpfile_clone(void *arg, void **ret)
{
	struct dumpfile *df = arg;
	struct dumpfile *c = calloc(1, sizeof(*c));
	if (!c)
		return &vmmap_enomem;
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", df->fd);
	c->fd = open(proc, O_RDONLY | O_CLOEXEC);
	struct vmmap_error *err = NULL;
	if (c->fd < 0)
		err = vmmap_error_os(errno, "%s: cannot open again", df->path);
	else if (!(c->path = strdup(df->path)))
		err = &vmmap_enomem;
	else if (df->held && !(c->held = malloc(df->nheld * sizeof(*c->held))))
		err = &vmmap_enomem;
	else {
		if (df->held)
			memcpy(c->held, df->held, df->nheld * sizeof(*c->held));
		c->nheld = df->nheld;
		err = open_kdump(c, df->path);
	}
	if (err) {
		dumpfile_destroy(c);
		return err;
	}
	*ret = c;
	return NULL;
}

struct vmmap_error *
vmmap_source_open_dump(const char *path, struct vmmap_source **ret)
{
	struct dumpfile *df = calloc(1, sizeof(*df));
	if (!df)
		return &vmmap_enomem;
	df->fd = -1;
	struct vmmap_error *err = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		free(df);
		return vmmap_error_create(VMMAP_ERROR_OS, "libelf is too old");
	}
	df->path = strdup(path);
	if (!df->path) {
		err = &vmmap_enomem;
		goto fail;
	}
	err = open_file(df);
	if (!err)
		err = elf_held(df);
	if (err)
		goto fail;
	err = open_kdump(df, path);
	if (err)
		goto fail;
	kdump_status st = kdump_get_addrxlat(df->kctx, &df->axctx, &df->axsys);
	if (st != KDUMP_OK) {
		/* A 4.14-4.16 kernel has no NUMBER(pgtable_l5_enabled);
		 * without CPU registers libaddrxlat cannot choose the paging
		 * depth. Retry with 4-level as its default (the default
		 * wins over detection, so only after a failure). */
		kdump_clear_err(df->kctx);
		if (df->axctx)
			addrxlat_ctx_decref(df->axctx);
		if (df->axsys)
			addrxlat_sys_decref(df->axsys);
		df->axctx = NULL;
		df->axsys = NULL;
		kdump_set_number_attr(df->kctx, KDUMP_ATTR_XLAT_DEFAULT ".virt_bits", 48);
		st = kdump_get_addrxlat(df->kctx, &df->axctx, &df->axsys);
	}
	if (st != KDUMP_OK) {
		err = kdump_error(df, st, path);
		goto fail;
	}
	err = vmmap_source_create(&dumpfile_ops, df, ret);
	if (err)
		goto fail;
	(*ret)->holds_page = dumpfile_holds_page;
	notes_move(&(*ret)->notes, &df->check.notes);
	return NULL;
fail:
	dumpfile_destroy(df);
	return err;
}
