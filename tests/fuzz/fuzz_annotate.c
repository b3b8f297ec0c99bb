/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* The annotate text scanner, over a map of the seed dump. */
#include <stdio.h>
#include <stdlib.h>

#include "memdump.h"

static struct vmmap_map *map;
static FILE *devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const uint8_t *base;
	size_t len;
	struct vmmap_source *src;
	memdump_load_base(&base, &len);
	if (memdump_source(base, len, NULL, 0, &src) || vmmap_map_build(src, NULL, &map)) {
		fprintf(stderr, "cannot build the seed map\n");
		exit(1);
	}
	devnull = fopen("/dev/null", "w");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vmmap_annotate_text(map, (const char *)data, size, devnull);
	return 0;
}
