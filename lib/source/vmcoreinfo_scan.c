/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * VMCOREINFO found in the dump's memory, for dumps that carry no
 * VMCOREINFO note: QEMU's dump-guest-memory (virsh dump) without the
 * vmcoreinfo device, or a note lost to corruption. The kernel keeps the
 * text in memory all along: vmcoreinfo_data, a zeroed page allocated at
 * boot (kernel/vmcore_info.c, kernel/crash_core.c before 6.9) holding
 * "OSRELEASE=...\n" onwards, and its copy in the ELF note vmcoreinfo_note
 * (the text after the "VMCOREINFO\0" name), both kept by makedumpfile.
 * A candidate is text starting with "OSRELEASE=" at a page start or
 * after a NUL; it is taken only if it parses and names what a map
 * needs (PAGESIZE=4096, KERNELOFFSET, the page-table root).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../error.h"
#include "../source.h"
#include "../vmcoreinfo.h"
#include "../vmcoreinfo_scan.h"

#define KEY "OSRELEASE="
#define TEXT_MAX 4096	/* VMCOREINFO_BYTES is a page */

/* The NUL-terminated text at pa, read from the dump (it may run into
 * the next page, which the chunk may not hold). */
static char *
read_text(struct vmmap_source *src, uint64_t pa)
{
	char *buf = calloc(1, TEXT_MAX + 1);
	if (!buf)
		return NULL;
	size_t got = 0;
	while (got < TEXT_MAX) {	/* page by page: stop at one not in the dump */
		size_t n = 4096 - ((pa + got) & 4095);
		if (n > TEXT_MAX - got)
			n = TEXT_MAX - got;
		struct vmmap_error *err = source_read_phys(src, pa + got, buf + got, n);
		vmmap_error_destroy(err);
		if (err)
			break;
		if (memchr(buf + got, '\0', n))
			break;
		got += n;
	}
	return buf;
}

/* Does text parse, and name what the kernel reader needs? */
static bool
usable(const char *text)
{
	struct vmcoreinfo *vi;
	struct vmmap_error *err = vmcoreinfo_parse(text, strlen(text), &vi);
	if (err) {
		vmmap_error_destroy(err);
		return false;
	}
	const char *ps = vmcoreinfo_get(vi, "PAGESIZE");
	bool ok = ps && strcmp(ps, "4096") == 0 && vmcoreinfo_get(vi, "KERNELOFFSET") &&
		  (vmcoreinfo_get(vi, "SYMBOL(init_top_pgt)") ||
		   vmcoreinfo_get(vi, "SYMBOL(init_level4_pgt)"));
	vmcoreinfo_destroy(vi);
	return ok;
}

/* Candidates in one chunk read at pa: KEY at a page start or after a
 * NUL. */
static void
search_chunk(struct vmmap_source *src, const char *base, size_t len, uint64_t pa,
	     struct vmcoreinfo_found *found)
{
	for (const char *p = base; (p = memmem(p, len - (size_t)(p - base), KEY, sizeof(KEY) - 1));
	     p++) {
		size_t off = (size_t)(p - base);
		if (off % 4096 != 0 && p[-1] != '\0')
			continue;
		char *text = read_text(src, pa + off);
		if (!text)
			return;
		if (!usable(text)) {
			free(text);
			continue;
		}
		found->count++;
		if (!found->text) {
			found->text = text;
			found->pa = pa + off;
		} else {
			/* the note's copy and the data page match, but for
			 * CRASHTIME, added to both at the crash */
			if (strcmp(found->text, text) != 0)
				found->differ = true;
			free(text);
		}
	}
}

/* Bounds for a hostile page map: runs of present pages visited (a
 * makedumpfile ELF dump has a few dozen, a compressed one a few
 * thousand), and a run whose pages do not read is left at once. */
#define MAX_RUNS 65536
#define CHUNK (1u << 20)

struct vmmap_error *
vmcoreinfo_scan(struct vmmap_source *src, struct vmcoreinfo_found *found)
{
	memset(found, 0, sizeof(*found));
	char *buf = malloc(CHUNK);
	if (!buf)
		return &vmmap_enomem;
	struct vmmap_error *err = NULL;
	uint64_t addr = 0, s, e;
	unsigned runs = 0;
	while (runs++ < MAX_RUNS && !(err = source_present_range(src, addr, &s, &e))) {
		if (e <= s || e <= addr)
			break;	/* a page map going backwards */
		for (uint64_t p = s; p < e; p += CHUNK) {
			size_t n = e - p < CHUNK ? (size_t)(e - p) : CHUNK;
			struct vmmap_error *rerr = source_read_phys(src, p, buf, n);
			vmmap_error_destroy(rerr);
			if (rerr)
				break;
			search_chunk(src, buf, n, p, found);
		}
		addr = e;
	}
	free(buf);
	if (err && vmmap_error_code(err) != VMMAP_ERROR_NOT_FOUND && !found->text)
		return err;	/* no page map at all */
	vmmap_error_destroy(err);
	if (!found->text)
		return vmmap_error_create(VMMAP_ERROR_VMCOREINFO,
					  runs > MAX_RUNS
						  ? "no VMCOREINFO text in the first 65536 runs of the dump's pages"
						  : "no VMCOREINFO text in the dump's memory either");
	return NULL;
}
