/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Unit tests of the parsers and layout rules, against values worked out
 * by hand from the kernel sources. TAP output. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "arch/x86_64/layout.h"
#include "vmcoreinfo.h"

static int n, failed;

static void
ok(int cond, const char *what)
{
	n++;
	if (!cond)
		failed++;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", n, what);
}

static int
parse_fails(const char *text, enum vmmap_error_code code)
{
	struct vmcoreinfo *vi = NULL;
	struct vmmap_error *err = vmcoreinfo_parse(text, strlen(text), &vi);
	int r = err && vmmap_error_code(err) == code;
	vmmap_error_destroy(err);
	vmcoreinfo_destroy(vi);
	return r;
}

static void
test_vmcoreinfo(void)
{
	static const char text[] = "OSRELEASE=6.1.0\nNUMBER(phys_base)=-16777216\n"
			   "SYMBOL(_stext)=ffffffff81000000\nKERNELOFFSET=2c000000\n"
			   "SIZE(page)=64\nNUMBER(big)=99999999999999999999\n"
			   "PAGESIZE=4096\nPAGESIZE=4096\n\0garbage after NUL";
	struct vmcoreinfo *vi;
	struct vmmap_error *err = vmcoreinfo_parse(text, sizeof(text) - 1, &vi);
	ok(!err, "well-formed VMCOREINFO parses (NUL ends it, identical duplicate allowed)");
	if (err)
		return;
	int64_t pb;
	uint64_t v;
	ok(!vmcoreinfo_number(vi, "phys_base", &pb) && pb == -16777216,
	   "NUMBER(phys_base) is signed decimal");
	ok(!vmcoreinfo_symbol(vi, "_stext", &v) && v == 0xffffffff81000000ULL,
	   "SYMBOL() is hex without 0x");
	ok(!vmcoreinfo_hex(vi, "KERNELOFFSET", &v) && v == 0x2c000000, "KERNELOFFSET is hex");
	ok(!vmcoreinfo_unsigned(vi, "SIZE(page)", &v) && v == 64, "SIZE() is decimal");
	err = vmcoreinfo_number(vi, "big", &pb);
	ok(err && vmmap_error_code(err) == VMMAP_ERROR_VMCOREINFO, "overflowing NUMBER() is an error");
	vmmap_error_destroy(err);
	err = vmcoreinfo_number(vi, "absent", &pb);
	ok(err && vmmap_error_code(err) == VMMAP_ERROR_NOT_FOUND, "an absent key is NOT_FOUND");
	vmmap_error_destroy(err);
	vmcoreinfo_destroy(vi);
	ok(parse_fails("OSRELEASE=1\nOSRELEASE=2\n", VMMAP_ERROR_VMCOREINFO),
	   "a key with two values is a contradiction");
	ok(parse_fails("OSRELEASE=1\nno equals sign\n", VMMAP_ERROR_VMCOREINFO),
	   "a line without '=' is rejected");
	ok(parse_fails("=value\n", VMMAP_ERROR_VMCOREINFO), "an empty key is rejected");
	ok(parse_fails("A=\x01\n", VMMAP_ERROR_VMCOREINFO), "control characters are rejected");
	ok(parse_fails("", VMMAP_ERROR_VMCOREINFO), "empty VMCOREINFO is rejected");
}

static void
test_numbers(void)
{
	uint64_t v;
	int64_t s;
	ok(parse_hex_u64("ffffffffffffffff", 16, &v) && v == UINT64_MAX, "16 hex digits");
	ok(!parse_hex_u64("1ffffffffffffffff", 17, &v), "17 hex digits rejected");
	ok(!parse_hex_u64("", 0, &v), "empty hex rejected");
	ok(parse_dec_i64("-9223372036854775808", 20, &s) && s == INT64_MIN, "INT64_MIN");
	ok(!parse_dec_i64("9223372036854775808", 19, &s), "INT64_MAX + 1 rejected");
	ok(!parse_dec_u64("18446744073709551616", 20, &v), "2^64 rejected");
	struct vmmap_error *err = vmmap_parse_address("0xFFFF888000000000", &v);
	ok(!err && v == 0xffff888000000000ULL, "address with 0X and upper case");
	vmmap_error_destroy(err);
	err = vmmap_parse_address("0x", &v);
	ok(err && vmmap_error_code(err) == VMMAP_ERROR_INVALID_ARGUMENT, "'0x' is not an address");
	vmmap_error_destroy(err);
}

static void
test_layout(void)
{
	/* pgtable_64_types.h and fixmap.h, worked by hand. */
	ok(x86_64_kasan_shadow_start(4) == 0xffffec0000000000ULL, "KASAN shadow start, 4-level");
	ok(x86_64_kasan_shadow_start(5) == 0xffdffc0000000000ULL, "KASAN shadow start, 5-level");
	ok(x86_64_vmalloc_size(5) == 12800ULL << 40, "VMALLOC_SIZE_TB_L5 is 12800");
	/* FIXADDR_TOP = 0xffffffffff7ff000; 0x600 pages below it. */
	ok(x86_64_fixaddr_start(0x600) == 0xffffffffff1ff000ULL, "FIXADDR_TOT_START of 0x600 pages");
	ok(x86_64_fixed_page_offset(4, true) == 0xffff888000000000ULL, "4.20+ 4-level page offset");
	ok(x86_64_fixed_page_offset(5, false) == 0xff10000000000000ULL, "pre-4.20 5-level page offset");
	char buf[32];
	vmmap_format_size(1520ULL << 20, buf, sizeof(buf));
	ok(strcmp(buf, "~1.5 GB") == 0, "size 1520 MiB is ~1.5 GB (one unit per magnitude)");
	vmmap_format_size(3554ULL << 30, buf, sizeof(buf));
	ok(strcmp(buf, "~3.5 TB") == 0, "size 3554 GiB is ~3.5 TB");
	vmmap_format_size(113, buf, sizeof(buf));
	ok(strcmp(buf, "113 B") == 0, "size 113 B");
	vmmap_format_size(64ULL << 40, buf, sizeof(buf));
	ok(strcmp(buf, "64 TB") == 0, "size 64 TB");
}

int
main(void)
{
	test_vmcoreinfo();
	test_numbers();
	test_layout();
	printf("1..%d\n", n);
	return failed != 0;
}
