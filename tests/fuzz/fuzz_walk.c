/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * The walkers that identify what an address points at (slab freelists,
 * CPU freelists, the vmalloc area tree, the task list, CPU stacks,
 * module symbol tables, struct layouts from the BTF), on a real dump
 * whose memory the fuzzer damages where those walkers read it.
 *
 * The seed dump ($VMMAP_FUZZ_REAL_DUMP) is a real ELF dump with BTF.
 * Once, at start: a map of the intact dump gives the addresses to ask
 * about (tasks' task_structs and stacks, the CPUs' stacks, objects in
 * slab pages, and the addresses listed in $VMMAP_FUZZ_ADDRS, e.g. the
 * guest's module addresses); asking about them with every read
 * recorded gives the pages the walkers read, apart from those the map
 * and the BTF took before. An input is a list of patches into those
 * pages: records of [len 1..16][page index, 2 bytes LE][offset in the
 * page, 2 bytes LE][len bytes].
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memdump.h"

#define MAX_PROBES 256
#define MAX_RECORDS 64

static const uint8_t *base;
static size_t base_len;
static FILE *devnull;
static uint64_t probes[MAX_PROBES];
static size_t nprobes;

/* File offsets of 4 KiB pages, sorted: what the map and the BTF read
 * (before) and what the walkers read after them (targets). */
struct page_set {
	uint64_t *pages;
	size_t n, cap;
};
static struct page_set before, targets;
static struct page_set *recording;

static void
record(void *ctx, uint64_t off, size_t len)
{
	(void)ctx;
	struct page_set *s = recording;
	for (uint64_t p = off & ~4095ULL; s && p < off + len; p += 4096) {
		if (s->n && s->pages[s->n - 1] == p)
			continue;
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 4096;
			s->pages = realloc(s->pages, s->cap * sizeof(*s->pages));
			if (!s->pages)
				exit(1);
		}
		s->pages[s->n++] = p;
	}
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void
sort_unique(struct page_set *s)
{
	qsort(s->pages, s->n, sizeof(*s->pages), cmp_u64);
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++)
		if (!k || s->pages[k - 1] != s->pages[i])
			s->pages[k++] = s->pages[i];
	s->n = k;
}

static void
add_probe(uint64_t addr)
{
	if (nprobes < MAX_PROBES)
		probes[nprobes++] = addr;
}

/* Everything identification does for one address, and the outputs. */
static void
ask(struct vmmap_map *map, uint64_t addr)
{
	struct vmmap_annotation a = { VMMAP_ANNOTATION_INIT };
	if (vmmap_map_annotate(map, addr, 0, &a)) {
		fprintf(stderr, "annotate failed\n");
		abort();
	}
	vmmap_print_annotation_json(&a, devnull);
	vmmap_print_annotation_text(&a, devnull);
	char tag[256];
	vmmap_format_tag(&a, tag, sizeof(tag));
}

/* What a map of the dump is asked: the probes, the task list, the CPU
 * stacks, the slab census and a few layouts. */
static void
walk_all(struct vmmap_map *map)
{
	const struct vmmap_task *tasks;
	const struct vmmap_cpu_stack *stacks;
	const struct vmmap_struct *st;
	struct vmmap_slab_cache *caches;
	size_t n;
	for (size_t i = 0; i < nprobes; i++)
		ask(map, probes[i]);
	vmmap_error_destroy(vmmap_map_tasks(map, &tasks, &n));
	vmmap_error_destroy(vmmap_map_cpu_stacks(map, &stacks, &n, NULL));
	if (!vmmap_map_slab_caches(map, &caches, &n))
		free(caches);
	static const char *const types[] = { "task_struct", "kmem_cache", "vmap_area", "module" };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!vmmap_map_struct(map, types[i], &st))
			for (size_t k = 0; vmmap_struct_member(st, k); k++)
				;
}

/* The addresses to ask about, from the intact dump. */
static void
find_probes(struct vmmap_map *map)
{
	const struct vmmap_task *tasks;
	const struct vmmap_cpu_stack *stacks;
	size_t n;
	struct vmmap_error *err = vmmap_map_tasks(map, &tasks, &n);
	for (size_t i = 0; !err && i < n && i < 24; i++) {
		add_probe(tasks[i].task_struct + 0x18);
		add_probe(tasks[i].stack + 0x200);
	}
	vmmap_error_destroy(err);
	err = vmmap_map_cpu_stacks(map, &stacks, &n, NULL);
	for (size_t i = 0; !err && i < n && i < 16; i++)
		add_probe(stacks[i].start + 8);
	vmmap_error_destroy(err);
	/* objects in slab pages spread over RAM: the page of every
	 * 64th pfn that is a slab page, up to 64 of them */
	uint64_t direct = vmmap_map_kernel(map)->page_offset_base.value;
	size_t slabs = 0;
	for (uint64_t pfn = 0; pfn < (1u << 20) && slabs < 64; pfn += 61) {
		struct vmmap_page p = { VMMAP_PAGE_INIT };
		struct vmmap_error *e = vmmap_map_page(map, pfn, &p);
		if (!e && p.status == VMMAP_PAGE_OK && p.type == VMMAP_PAGE_TYPE_SLAB) {
			add_probe(direct + pfn * 4096 + 0x48);
			slabs++;
		}
		vmmap_error_destroy(e);
	}
	const char *path = getenv("VMMAP_FUZZ_ADDRS");
	FILE *f = path ? fopen(path, "r") : NULL;
	char line[128];
	while (f && fgets(line, sizeof(line), f))
		add_probe(strtoull(line, NULL, 16));
	if (f)
		fclose(f);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *path = getenv("VMMAP_FUZZ_REAL_DUMP");
	if (!path || setenv("VMMAP_FUZZ_DUMP", path, 1)) {
		fprintf(stderr, "set VMMAP_FUZZ_REAL_DUMP to a real ELF dump with BTF\n");
		exit(1);
	}
	memdump_load_base(&base, &base_len);
	devnull = fopen("/dev/null", "w");
	struct vmmap_source *src;
	struct vmmap_map *map;
	recording = &before;
	if (memdump_source_patched(base, base_len, NULL, 0, record, NULL, &src) ||
	    vmmap_map_build(src, NULL, &map)) {
		fprintf(stderr, "the seed dump does not make a map\n");
		exit(1);
	}
	const struct vmmap_struct *st;
	struct vmmap_error *err = vmmap_map_struct(map, "task_struct", &st);
	if (err) {
		fprintf(stderr, "the seed dump's BTF: %s\n", vmmap_error_message(err));
		vmmap_error_destroy(err);
		exit(1);
	}
	find_probes(map);
	recording = &targets;
	walk_all(map);
	recording = NULL;
	vmmap_map_destroy(map);
	vmmap_source_destroy(src);
	sort_unique(&before);
	sort_unique(&targets);
	size_t k = 0;
	for (size_t i = 0; i < targets.n; i++)
		if (!bsearch(&targets.pages[i], before.pages, before.n, sizeof(uint64_t), cmp_u64))
			targets.pages[k++] = targets.pages[i];
	targets.n = k;
	fprintf(stderr, "fuzz_walk: %zu probes, %zu pages read by the walkers (%zu before them)\n",
		nprobes, targets.n, before.n);
	if (!targets.n)
		exit(1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memdump_patch patches[MAX_RECORDS];
	size_t n = 0;
	while (size >= 5 && n < MAX_RECORDS) {
		size_t len = data[0] % 16 + 1;
		uint64_t page = targets.pages[(data[1] | data[2] << 8) % targets.n];
		uint64_t in_page = (data[3] | data[4] << 8) % 4096;
		data += 5;
		size -= 5;
		if (len > size)
			len = size;
		patches[n++] = (struct memdump_patch){ page + in_page, len, data };
		data += len;
		size -= len;
	}
	struct vmmap_source *src;
	struct vmmap_map *map;
	struct vmmap_error *err = memdump_source_patched(base, base_len, patches, n, NULL, NULL, &src);
	if (err) {
		vmmap_error_destroy(err);
		return 0;
	}
	err = vmmap_map_build(src, NULL, &map);
	if (!err) {
		walk_all(map);
		vmmap_map_destroy(map);
	}
	vmmap_error_destroy(err);
	vmmap_source_destroy(src);
	return 0;
}
