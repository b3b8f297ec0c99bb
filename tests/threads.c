/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Lookups on one built map from many threads must give what one thread
 * gives (vmmap.h promises this). TAP output.
 * usage: threads DUMP */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vmmap/vmmap.h>

#define THREADS 4
#define ADDRS 4096

static struct vmmap_map *map;
static uint64_t addrs[ADDRS];
static struct vmmap_annotation want[ADDRS];

static int
same(const struct vmmap_annotation *a, const struct vmmap_annotation *b)
{
	return a->region == b->region && a->offset == b->offset &&
	       a->have_phys == b->have_phys && a->phys == b->phys &&
	       (a->symbol == NULL) == (b->symbol == NULL) &&
	       (!a->symbol || strcmp(a->symbol, b->symbol) == 0);
}

static void *
worker(void *arg)
{
	long mismatches = 0;
	(void)arg;
	for (int round = 0; round < 4; round++)
		for (int i = 0; i < ADDRS; i++) {
			struct vmmap_annotation a = { VMMAP_ANNOTATION_INIT };
			struct vmmap_error *err = vmmap_map_annotate(map, addrs[i], 0, &a);
			if (err || !same(&a, &want[i]))
				mismatches++;
			vmmap_error_destroy(err);
		}
	return (void *)mismatches;
}

int
main(int argc, char **argv)
{
	struct vmmap_source *src;
	struct vmmap_error *err;
	if (argc != 2 || (err = vmmap_source_open_dump(argv[1], &src)) ||
	    (err = vmmap_map_build(src, NULL, &map))) {
		printf("1..1\nnot ok 1 - cannot build the map\n");
		return 0;
	}
	/* Addresses across every region, including mapped pages. */
	size_t nr = vmmap_map_num_regions(map);
	for (int i = 0; i < ADDRS; i++) {
		const struct vmmap_region *r = vmmap_map_region(map, (size_t)i % nr);
		uint64_t span = r->end - r->start;
		addrs[i] = r->start + (span / ADDRS) * (uint64_t)(i / nr) % (span + 1);
	}
	addrs[0] = 0xffff888000001000ULL;	/* direct map, mapped */
	addrs[1] = 0xffffffff81100010ULL;	/* kernel text, symbol */
	addrs[2] = 0xffffc90000001000ULL;	/* vmalloc page */
	for (int i = 0; i < ADDRS; i++) {
		want[i].size = sizeof(want[i]);
		vmmap_map_annotate(map, addrs[i], 0, &want[i]);
	}
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	long bad = 0;
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad += (long)r;
	}
	printf("1..2\n%s 1 - %d threads x %d lookups agree with one thread (%ld mismatches)\n",
	       bad ? "not ok" : "ok", THREADS, 4 * ADDRS, bad);
	printf("%s 2 - the sample includes mapped pages with physical addresses\n",
	       want[0].have_phys && want[2].have_phys && want[1].symbol ? "ok" : "not ok");
	vmmap_map_destroy(map);
	vmmap_source_destroy(src);
	return 0;
}
