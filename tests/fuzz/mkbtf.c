/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * The seed of fuzz_btf (corpus/btf/slab.btf): a small BTF made with
 * libbpf's writer, of the shapes the walkers meet in kernel BTF: a
 * struct with an anonymous union holding an anonymous struct (struct
 * slab's freelist), pointers, arrays, typedefs, a bit field, an enum.
 *   cc -o mkbtf tests/fuzz/mkbtf.c -lbpf && ./mkbtf corpus/btf/slab.btf
 */
#include <bpf/btf.h>
#include <stdint.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
	struct btf *b = btf__new_empty();
	int ulong = btf__add_int(b, "long unsigned int", 8, 0);
	int uint = btf__add_int(b, "unsigned int", 4, 0);
	int chr = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	int vptr = btf__add_ptr(b, 0);
	int cptr = btf__add_ptr(b, chr);
	int kc = btf__add_struct(b, "kmem_cache", 96);
	btf__add_field(b, "cpu_slab", vptr, 0, 0);
	btf__add_field(b, "size", uint, 24 * 8, 0);
	btf__add_field(b, "object_size", uint, 28 * 8, 0);
	btf__add_field(b, "offset", uint, 40 * 8, 0);
	btf__add_field(b, "name", cptr, 88 * 8, 0);
	int kcptr = btf__add_ptr(b, kc);
	int inner = btf__add_struct(b, NULL, 16);
	btf__add_field(b, "freelist", vptr, 0, 0);
	btf__add_field(b, "inuse", uint, 64, 16);
	btf__add_field(b, "objects", uint, 80, 15);
	int u = btf__add_union(b, NULL, 16);
	btf__add_field(b, NULL, inner, 0, 0);
	btf__add_field(b, "counters", ulong, 0, 0);
	btf__add_struct(b, "slab", 64);
	btf__add_field(b, "flags", ulong, 0, 0);
	btf__add_field(b, "slab_cache", kcptr, 64, 0);
	btf__add_field(b, NULL, u, 128, 0);
	int arr = btf__add_array(b, uint, chr, 16);
	int td = btf__add_typedef(b, "comm_t", arr);
	btf__add_struct(b, "task_struct", 64);
	btf__add_field(b, "pid", uint, 0, 0);
	btf__add_field(b, "comm", td, 64, 0);
	btf__add_enum(b, "pagetype", 4);
	btf__add_enum_value(b, "PGTY_slab", 0xf5);
	uint32_t len;
	const void *raw = btf__raw_data(b, &len);
	FILE *f = fopen(argc > 1 ? argv[1] : "slab.btf", "wb");
	if (!f || fwrite(raw, 1, len, f) != len)
		return 1;
	fclose(f);
	btf__free(b);
	return 0;
}
