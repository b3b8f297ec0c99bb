/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
#include "memdump.h"

#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAD_MAX (512u << 10)	/* the program headers of a pruned dump: thousands */
#define MAX_PATCHES 64
#define MAX_LOADS 8192

struct memdump {
	const uint8_t *base;
	size_t base_len;
	struct memdump_patch patches[MAX_PATCHES];
	size_t npatches;
	void (*on_read)(void *ctx, uint64_t off, size_t len);
	void *ctx;
	uint8_t *head;			/* patched copy of the file's start */
	size_t head_len;
	uint64_t (*loads)[4];		/* vaddr, paddr, offset, filesz; by paddr */
	size_t nloads;
	char *vmcoreinfo;
};

void
memdump_load_base(const uint8_t **base, size_t *len)
{
	const char *path = getenv("VMMAP_FUZZ_DUMP");
	FILE *f = path ? fopen(path, "rb") : NULL;
	if (!f) {
		fprintf(stderr, "set VMMAP_FUZZ_DUMP to the seed dump (tests/fuzz/compact.spec)\n");
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc(n);
	if (!buf || fread(buf, 1, n, f) != (size_t)n)
		exit(1);
	fclose(f);
	*base = buf;
	*len = (size_t)n;
}

/* Copy [off, off+len) of the patched file into out. */
static void
copy_patched(const struct memdump *md, uint64_t off, uint8_t *out, size_t len)
{
	memcpy(out, md->base + off, len);
	for (size_t i = 0; i < md->npatches; i++) {
		const struct memdump_patch *p = &md->patches[i];
		for (size_t k = 0; k < p->len; k++)
			if (p->off + k >= off && p->off + k < off + len)
				out[p->off + k - off] = p->bytes[k];
	}
}

static struct vmmap_error *
fault(uint64_t addr)
{
	char msg[64];
	snprintf(msg, sizeof(msg), "physical 0x%llx is not in the dump",
		 (unsigned long long)addr);
	return vmmap_error_new(VMMAP_ERROR_FAULT, msg);
}

static struct vmmap_error *
md_read_phys(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct memdump *md = arg;
	/* from the last load starting at or below addr, downwards: loads
	 * may overlap (a kernel-text segment inside the RAM one) */
	size_t lo = 0, hi = md->nloads;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (md->loads[mid][1] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i-- > 0;) {
		uint64_t paddr = md->loads[i][1], off = md->loads[i][2], fsz = md->loads[i][3];
		if (addr < paddr || addr - paddr > fsz || len > fsz - (addr - paddr))
			continue;
		uint64_t at = off + (addr - paddr);
		if (at > md->base_len || len > md->base_len - at)
			continue;
		copy_patched(md, at, buf, len);
		if (md->on_read)
			md->on_read(md->ctx, at, len);
		return NULL;
	}
	return fault(addr);
}

static struct vmmap_error *
md_vmcoreinfo(void *arg, char **text)
{
	struct memdump *md = arg;
	if (!md->vmcoreinfo)
		return vmmap_error_new(VMMAP_ERROR_VMCOREINFO, "no VMCOREINFO note");
	*text = strdup(md->vmcoreinfo);
	return NULL;
}

static struct vmmap_error *
md_load_segments(void *arg, uint64_t (**segs)[3], size_t *n)
{
	struct memdump *md = arg;
	uint64_t (*out)[3] = calloc(md->nloads + 1, sizeof(*out));
	for (size_t i = 0; out && i < md->nloads; i++) {
		out[i][0] = md->loads[i][0];
		out[i][1] = md->loads[i][1];
		out[i][2] = md->loads[i][3];
	}
	*segs = out;
	*n = md->nloads;
	return NULL;
}

static void
md_destroy(void *arg)
{
	struct memdump *md = arg;
	free(md->vmcoreinfo);
	free(md->head);
	free(md->loads);
	free(md);
}

static const struct vmmap_source_ops md_ops = {
	VMMAP_SOURCE_OPS_INIT,
	.name = "fuzz-memdump",
	.read_phys = md_read_phys,
	.vmcoreinfo = md_vmcoreinfo,
	.load_segments = md_load_segments,
	.destroy = md_destroy,
};

static int
by_paddr(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

static void
parse_headers(struct memdump *md)
{
	Elf *elf = elf_memory((char *)md->head, md->head_len);
	size_t phnum;
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getphdrnum(elf, &phnum)) {
		if (elf)
			elf_end(elf);
		return;
	}
	for (size_t i = 0; i < phnum && i < MAX_LOADS + 8; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, i, &ph))
			continue;
		if (ph.p_type == PT_LOAD && md->nloads < MAX_LOADS && md->loads) {
			uint64_t *l = md->loads[md->nloads++];
			l[0] = ph.p_vaddr;
			l[1] = ph.p_paddr;
			l[2] = ph.p_offset;
			l[3] = ph.p_filesz;
		} else if (ph.p_type == PT_NOTE && !md->vmcoreinfo &&
			   ph.p_offset < md->head_len && ph.p_filesz <= md->head_len - ph.p_offset) {
			Elf_Data *d = elf_getdata_rawchunk(elf, ph.p_offset, ph.p_filesz, ELF_T_NHDR);
			size_t off = 0, name, desc;
			GElf_Nhdr nh;
			while (d && (off = gelf_getnote(d, off, &nh, &name, &desc)) > 0) {
				if (nh.n_namesz == 11 &&
				    memcmp((char *)d->d_buf + name, "VMCOREINFO", 10) == 0) {
					md->vmcoreinfo = strndup((char *)d->d_buf + desc, nh.n_descsz);
					break;
				}
			}
		}
	}
	elf_end(elf);
}

struct vmmap_error *
memdump_source_patched(const uint8_t *base, size_t base_len, const struct memdump_patch *patches,
		       size_t n, void (*on_read)(void *ctx, uint64_t off, size_t len), void *ctx,
		       struct vmmap_source **ret)
{
	struct memdump *md = calloc(1, sizeof(*md));
	md->base = base;
	md->base_len = base_len;
	for (size_t i = 0; i < n && md->npatches < MAX_PATCHES; i++) {
		struct memdump_patch p = patches[i];
		if (p.off >= base_len)
			continue;
		if (p.len > base_len - p.off)
			p.len = base_len - p.off;
		md->patches[md->npatches++] = p;
	}
	md->on_read = on_read;
	md->ctx = ctx;
	md->head_len = base_len < HEAD_MAX ? base_len : HEAD_MAX;
	md->head = malloc(md->head_len);
	md->loads = malloc(MAX_LOADS * sizeof(*md->loads));
	if (!md->head || !md->loads)
		exit(1);
	copy_patched(md, 0, md->head, md->head_len);
	elf_version(EV_CURRENT);
	parse_headers(md);
	qsort(md->loads, md->nloads, sizeof(*md->loads), by_paddr);
	return vmmap_source_create(&md_ops, md, ret);
}

struct vmmap_error *
memdump_source(const uint8_t *base, size_t base_len, const uint8_t *data,
	       size_t size, struct vmmap_source **ret)
{
	struct memdump_patch patches[MAX_PATCHES];
	size_t n = 0;
	while (size >= 4 && n < MAX_PATCHES) {
		size_t len = data[0] % 32 + 1;
		uint64_t off = (data[1] | data[2] << 8 | (uint64_t)data[3] << 16) % base_len;
		data += 4;
		size -= 4;
		if (len > size)
			len = size;
		patches[n++] = (struct memdump_patch){ off, len, data };
		data += len;
		size -= len;
	}
	return memdump_source_patched(base, base_len, patches, n, NULL, NULL, ret);
}
