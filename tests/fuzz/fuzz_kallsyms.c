/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* The kallsyms decoder and finder. The input is a 64-byte header of table
 * locations (u32 offsets into the rest, plus the expected _stext
 * offset) followed by the memory that holds the tables, mapped at
 * 0xffffffff81000000. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "kallsyms.h"

#define BASE 0xffffffff81000000ULL

struct mem {
	const uint8_t *p;
	size_t n;
};

static struct vmmap_error *
read_mem(void *arg, uint64_t vaddr, void *buf, size_t len)
{
	const struct mem *m = arg;
	if (vaddr < BASE || vaddr - BASE > m->n || len > m->n - (vaddr - BASE))
		return vmmap_error_new(VMMAP_ERROR_FAULT, "outside the input");
	memcpy(buf, m->p + (vaddr - BASE), len);
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 64)
		return 0;
	uint32_t f[8];
	memcpy(f, data, sizeof(f));
	struct kallsyms_location loc = {
		.names = BASE + f[0], .num_syms = BASE + f[1],
		.token_table = BASE + f[2], .token_index = BASE + f[3],
		.offsets = BASE + f[4], .relative_base = BASE + f[5],
		.addresses = (f[6] & 1) ? BASE + f[6] : 0,
		.stext = f[7] ? BASE + f[7] : 0,
		.image_start = 0xffffffff80000000ULL,	/* __START_KERNEL_map */
	};
	struct mem m = { data + 64, size - 64 };
	struct symtab st;
	symtab_init(&st, VMMAP_FROM_KALLSYMS);
	struct vmmap_error *err = NULL;
	/* Bit 1 of f[6]: no locations given, the tables are searched for
	 * as in a pre-6.0 kernel image (kallsyms_find). */
	if (f[6] & 2)
		err = kallsyms_find(read_mem, &m, BASE, m.n, &loc);
	if (!err)
		err = kallsyms_decode(&loc, read_mem, &m, &st);
	if (!err) {
		symtab_finish(&st);
		symtab_by_name(&st, "_stext");
		symtab_by_addr(&st, BASE + 0x1000);
		/* A lookup without the table answers as the table does. */
		struct kallsyms *ks;
		static const char *const want[] = { "_stext", "a", "ab", "abc" };
		uint64_t addrs[4];
		bool found[4];
		if (!kallsyms_open(&loc, read_mem, &m, &ks)) {
			if (!kallsyms_lookup(ks, want, 4, addrs, found))
				for (int i = 0; i < 4; i++) {
					const struct symtab_entry *e = symtab_by_name(&st, want[i]);
					if (found[i] != !!e || (e && e->addr != addrs[i]))
						abort();
				}
			kallsyms_close(ks);
		}
	}
	vmmap_error_destroy(err);
	symtab_fini(&st);
	return 0;
}
