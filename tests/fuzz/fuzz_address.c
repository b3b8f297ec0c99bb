/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Address parsing, as the CLI and the plugins take addresses. */
#include <stdlib.h>
#include <string.h>
#include <vmmap/vmmap.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	uint64_t v;
	vmmap_error_destroy(vmmap_parse_address(text, &v));
	free(text);
	return 0;
}
