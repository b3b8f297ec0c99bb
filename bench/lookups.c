/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * bench/lookups.c: in-process address lookups per second.
 *
 *   lookups DUMP [NADDRS [REPS]]
 *
 * Builds the map of DUMP through the public API, makes NADDRS addresses
 * with a fixed-seed xorshift (half uniform over the kernel half of the
 * address space, half uniform inside a randomly chosen kernel region of
 * the map, interleaved), then times REPS passes of a vmmap_map_find()
 * loop over them, and as a reference REPS passes of a loop that only
 * sums the addresses. Prints "key value" lines for bench/run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vmmap/vmmap.h>

#define KERNEL_HALF_START 0xffff800000000000ULL

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64* (Vigna): fixed seed, so every run sees the same addresses. */
static uint64_t
rng_next(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [lo, hi] (inclusive), hi - lo + 1 may be 2^64. */
static uint64_t
rng_between(uint64_t lo, uint64_t hi)
{
	uint64_t span = hi - lo + 1;
	return span == 0 ? rng_next() : lo + rng_next() % span;
}

static double
now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void
die(struct vmmap_error *err, const char *what)
{
	fprintf(stderr, "lookups: %s: %s\n", what, vmmap_error_message(err));
	vmmap_error_destroy(err);
	exit(1);
}

/* The regions of the kernel half: everything but user and noncanonical. */
static size_t
kernel_regions(const struct vmmap_map *map, const struct vmmap_region **out,
	       size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < vmmap_map_num_regions(map) && n < max; i++) {
		const struct vmmap_region *r = vmmap_map_region(map, i);
		if (strcmp(r->name, "user") != 0 && strcmp(r->name, "noncanonical") != 0)
			out[n++] = r;
	}
	return n;
}

static uint64_t *
make_addresses(const struct vmmap_map *map, size_t count)
{
	const struct vmmap_region *regs[256];
	size_t nregs = kernel_regions(map, regs, 256);
	uint64_t *addrs = malloc(count * sizeof(*addrs));
	if (!addrs || nregs == 0) {
		fprintf(stderr, "lookups: no memory or no kernel regions\n");
		exit(1);
	}
	for (size_t i = 0; i < count; i++) {
		if (rng_next() & 1) {
			addrs[i] = rng_between(KERNEL_HALF_START, UINT64_MAX);
		} else {
			const struct vmmap_region *r = regs[rng_next() % nregs];
			addrs[i] = rng_between(r->start, r->end);
		}
	}
	return addrs;
}

/* One pass of lookups; the sum of the regions' starts keeps it alive. */
static uint64_t
find_pass(const struct vmmap_map *map, const uint64_t *addrs, size_t count)
{
	uint64_t acc = 0;
	for (size_t i = 0; i < count; i++)
		acc += vmmap_map_find(map, addrs[i])->start;
	return acc;
}

/* The reference: the same loop with only an addition in it. */
static uint64_t
sum_pass(const uint64_t *addrs, size_t count)
{
	uint64_t acc = 0;
	for (size_t i = 0; i < count; i++)
		acc += addrs[i];
	return acc;
}

/* The number of pfns with struct pages, roughly: up to the first
 * stretch of 64 Ki pfns without one. */
static uint64_t
count_pfns(struct vmmap_map *map)
{
	uint64_t last = 0;
	for (uint64_t pfn = 0; pfn < last + (1ULL << 16) && pfn < (1ULL << 36); pfn += 512) {
		struct vmmap_page p = { VMMAP_PAGE_INIT };
		if (!vmmap_map_page(map, pfn, &p) && p.status == VMMAP_PAGE_OK)
			last = pfn;
	}
	return last + 512;
}

/* One pass of page-state lookups of random pfns. */
static uint64_t
page_pass(struct vmmap_map *map, const uint64_t *pfns, size_t count)
{
	uint64_t acc = 0;
	for (size_t i = 0; i < count; i++) {
		struct vmmap_page p = { VMMAP_PAGE_INIT };
		vmmap_map_page(map, pfns[i], &p);
		acc += p.type + p.flags;
	}
	return acc;
}

/* One pass of full annotations (page walk, page state, slab object,
 * vmalloc area, task) of addresses in the direct map. */
static uint64_t
identify_pass(struct vmmap_map *map, const uint64_t *addrs, size_t count)
{
	uint64_t acc = 0;
	for (size_t i = 0; i < count; i++) {
		struct vmmap_annotation a = { VMMAP_ANNOTATION_INIT };
		vmmap_map_annotate(map, addrs[i], 0, &a);
		acc += a.have_object ? a.object.start : a.pfn;
	}
	return acc;
}

/* Run a pass reps times; fill rates[] with millions per second. */
#define TIME_PASSES(reps, rates, count, checksum, expr)                   \
	for (int rep_ = 0; rep_ < (reps); rep_++) {                       \
		double t0_ = now_seconds();                               \
		(checksum) ^= (expr);                                     \
		double dt_ = now_seconds() - t0_;                         \
		(rates)[rep_] = (double)(count) / dt_ / 1e6;              \
	}

static void
report(const char *key, double *rates, int reps)
{
	qsort(rates, (size_t)reps, sizeof(*rates), compare_doubles);
	printf("%s_median_mps %.3f\n", key, rates[reps / 2]);
	printf("%s_best_mps %.3f\n", key, rates[reps - 1]);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: lookups DUMP [NADDRS [REPS]]\n");
		return 2;
	}
	size_t count = argc > 2 ? strtoul(argv[2], NULL, 0) : 4000000;
	int reps = argc > 3 ? atoi(argv[3]) : 7;
	if (count == 0 || reps <= 0 || reps > 1000) {
		fprintf(stderr, "lookups: bad NADDRS or REPS\n");
		return 2;
	}

	struct vmmap_source *src;
	struct vmmap_map *map;
	double t0 = now_seconds();
	struct vmmap_error *err = vmmap_source_open_dump(argv[1], &src);
	if (err)
		die(err, argv[1]);
	err = vmmap_map_build(src, NULL, &map);
	if (err)
		die(err, "building the map");
	double build_s = now_seconds() - t0;

	uint64_t *addrs = make_addresses(map, count);
	double *find_rates = calloc((size_t)reps, sizeof(double));
	double *sum_rates = calloc((size_t)reps, sizeof(double));
	if (!find_rates || !sum_rates)
		return 1;
	uint64_t checksum = find_pass(map, addrs, count);	/* warm-up */
	TIME_PASSES(reps, find_rates, count, checksum, find_pass(map, addrs, count));
	TIME_PASSES(reps, sum_rates, count, checksum, sum_pass(addrs, count));

	/* page state: every pfn with a struct page equally likely */
	uint64_t npfn = count_pfns(map);
	size_t npages = count / 4;
	uint64_t *pfns = malloc(npages * sizeof(*pfns));
	double *page_rates = calloc((size_t)reps, sizeof(double));
	if (!pfns || !page_rates)
		return 1;
	for (size_t i = 0; i < npages; i++)
		pfns[i] = rng_next() % npfn;
	checksum ^= page_pass(map, pfns, npages);	/* warm-up */
	TIME_PASSES(reps, page_rates, npages, checksum, page_pass(map, pfns, npages));

	/* identification: direct-map addresses of the same pfns */
	size_t nident = npages / 10;
	uint64_t *idaddrs = malloc(nident * sizeof(*idaddrs));
	double *ident_rates = calloc((size_t)reps, sizeof(double));
	if (!idaddrs || !ident_rates)
		return 1;
	uint64_t pob = vmmap_map_kernel(map)->page_offset_base.value;
	for (size_t i = 0; i < nident; i++)
		idaddrs[i] = pob + pfns[i] * 4096 + (rng_next() % 4096);
	checksum ^= identify_pass(map, idaddrs, nident);	/* warm-up: BTF, tasks */
	TIME_PASSES(reps, ident_rates, nident, checksum, identify_pass(map, idaddrs, nident));

	printf("addresses %zu\n", count);
	printf("identify_lookups %zu\n", nident);
	printf("pfns %llu\n", (unsigned long long)npfn);
	printf("page_lookups %zu\n", npages);
	printf("regions %zu\n", vmmap_map_num_regions(map));
	printf("build_ms %.3f\n", build_s * 1e3);
	report("find", find_rates, reps);
	report("sum", sum_rates, reps);
	report("page", page_rates, reps);
	report("identify", ident_rates, reps);
	printf("checksum %016llx\n", (unsigned long long)checksum);

	free(addrs);
	free(pfns);
	free(idaddrs);
	free(ident_rates);
	free(page_rates);
	free(find_rates);
	free(sum_rates);
	vmmap_map_destroy(map);
	vmmap_source_destroy(src);
	return 0;
}
