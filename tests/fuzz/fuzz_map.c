/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Map building from a synthetic dump whose headers, note and memory
 * (page tables, kernel variables, kallsyms, struct pages) the fuzzer
 * patches; lookups and page state on the map built. */
#include <stdio.h>
#include <stdlib.h>

#include "memdump.h"

static const uint8_t *base;
static size_t base_len;
static FILE *devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memdump_load_base(&base, &base_len);
	devnull = fopen("/dev/null", "w");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmmap_source *src;
	struct vmmap_map *map;
	struct vmmap_error *err = memdump_source(base, base_len, data, size, &src);
	if (err) {
		vmmap_error_destroy(err);
		return 0;
	}
	err = vmmap_map_build(src, NULL, &map);
	if (!err) {
		static const uint64_t probes[] = {
			0, 0xffff8d8040001000ULL, 0xffffd28140001000ULL,
			0xffffffffbb010010ULL, 0xffffffffff5fc000ULL, UINT64_MAX,
		};
		for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
			struct vmmap_annotation a = { VMMAP_ANNOTATION_INIT };
			vmmap_error_destroy(vmmap_map_annotate(map, probes[i], 0, &a));
			vmmap_print_annotation_json(&a, devnull);
		}
		/* page state: the crafted struct pages (pfns 0-63), beyond
		 * them, and absurd pfns */
		static const uint64_t pfns[] = { 0, 1, 4, 5, 9, 10, 12, 17, 63, 64, 1ULL << 40, UINT64_MAX };
		for (size_t i = 0; i < sizeof(pfns) / sizeof(pfns[0]); i++) {
			struct vmmap_page p = { VMMAP_PAGE_INIT };
			char text[400];
			vmmap_error_destroy(vmmap_map_page(map, pfns[i], &p));
			vmmap_format_page(&p, text, sizeof(text));
			vmmap_print_page_json(&p, devnull);
		}
		struct vmmap_annotation a = { VMMAP_ANNOTATION_INIT };
		vmmap_error_destroy(vmmap_map_annotate(map, 0xfffff58280000248ULL, 0, &a));
		vmmap_print_annotation_json(&a, devnull);
		vmmap_print_map_json(map, devnull);
		vmmap_print_map_text(map, devnull);
		vmmap_map_destroy(map);
	}
	vmmap_error_destroy(err);
	vmmap_source_destroy(src);
	return 0;
}
