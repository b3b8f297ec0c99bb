/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/* Text and JSON output shared by the CLI and the debugger plugins. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "map.h"
#include "output.h"

void
vmmap_format_size(uint64_t size, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB", "PB", "EB" };
	if (size == 0) {	/* the whole 2^64 space wrapped around */
		snprintf(buf, len, "16 EB");
		return;
	}
	/* One unit per magnitude, the largest that fits: a column of
	 * sizes reads at a glance ("1267 GB" next to "~19.6 TB" did not). */
	int u = 0;
	while (u < 6 && size >> (10 * (u + 1)))
		u++;
	uint64_t unit = 1ULL << (10 * u);
	if (size % unit == 0)
		snprintf(buf, len, "%" PRIu64 " %s", size / unit, units[u]);
	else
		snprintf(buf, len, "~%.1f %s", (double)size / (double)unit, units[u]);
}

static void
print_fact_text(FILE *f, const char *label, const struct vmmap_fact *fact,
		const char *value)
{
	fprintf(f, "%-18s %-20s [%s%s]\n", label, value,
		vmmap_provenance_name(fact->source), fact->exact ? "" : ", guess");
}

static void
print_hex_fact(FILE *f, const char *label, const struct vmmap_fact *fact)
{
	char v[32];
	if (fact->known)
		snprintf(v, sizeof(v), "0x%016" PRIx64, fact->value);
	else
		snprintf(v, sizeof(v), "unknown");
	print_fact_text(f, label, fact, v);
}

/* Is range i inside another range of its module (a part of a block
 * that the module finder also saw)? Only whole blocks are listed. */
static bool
inside_another(const struct module_list *ml, size_t i)
{
	const struct module_range *r = &ml->ranges[i];
	for (size_t j = 0; j < ml->nranges; j++) {
		const struct module_range *o = &ml->ranges[j];
		if (j != i && o->module == r->module && o->start <= r->start && r->end <= o->end &&
		    (o->start != r->start || o->end != r->end || j < i))
			return true;
	}
	return false;
}

/* The loaded modules' memory blocks (text, data, ...), one row each. */
static void
print_modules_text(const struct module_list *ml, FILE *f)
{
	if (!ml->nranges)
		return;
	fprintf(f, "\nMODULES (%zu)\n%-18s %-18s %-9s %s\n", ml->n, "START", "END", "SIZE",
		"MODULE");
	for (size_t i = 0; i < ml->nranges; i++) {
		const struct module_range *r = &ml->ranges[i];
		if (inside_another(ml, i))
			continue;
		char size[32];
		vmmap_format_size(r->end - r->start + 1, size, sizeof(size));
		fprintf(f, "%016" PRIx64 "   %016" PRIx64 "   %-9s %s\n", r->start, r->end, size,
			ml->names[r->module]);
	}
}

void
vmmap_print_map_text(const struct vmmap_map *map, FILE *f)
{
	const struct vmmap_kernel *k = &map->k;
	char v[32];
	fprintf(f, "%-18s %s (x86_64)\n", "kernel", k->release[0] ? k->release : "unknown");
	snprintf(v, sizeof(v), "%" PRIu64 "-level", k->pgtable_levels.value);
	print_fact_text(f, "paging", &k->pgtable_levels, v);
	print_fact_text(f, "kaslr", &k->kaslr, k->kaslr.value ? "yes" : "no");
	print_hex_fact(f, "kernel_offset", &k->kernel_offset);
	print_hex_fact(f, "phys_base", &k->phys_base);
	print_hex_fact(f, "image_phys", &k->image_phys);
	print_hex_fact(f, "page_offset_base", &k->page_offset_base);
	print_hex_fact(f, "vmalloc_base", &k->vmalloc_base);
	print_hex_fact(f, "vmemmap_base", &k->vmemmap_base);
	const struct notes *notes = &map->kr->notes;
	for (size_t i = 0; i < notes->n; i++)
		fprintf(f, "note: %s\n", notes->v[i]);
	fprintf(f, "\n%-18s %-18s %-9s %-21s %s\n", "START", "END", "SIZE", "NAME",
		"DESCRIPTION [SOURCE]");
	for (size_t i = 0; i < map->regions.n; i++) {
		const struct vmmap_region *r = &map->regions.r[i];
		char size[32];
		vmmap_format_size(r->end - r->start + 1, size, sizeof(size));
		fprintf(f, "%016" PRIx64 "   %016" PRIx64 "   %-9s %-21s %s [%s%s]\n",
			r->start, r->end, size, r->name, r->description,
			vmmap_provenance_name(r->source), r->exact ? "" : ", approximate");
	}
	print_modules_text(&map->modules, f);
}

/* The length of the well-formed UTF-8 sequence at s (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t
utf8_sequence(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
		 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	if (n == 0 || n > left)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

bool
vmmap_is_utf8(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		size_t n = u[i] ? utf8_sequence(u + i, len - i) : 0;
		if (!n)
			return false;
		i += n;
	}
	return true;
}

static void
json_string_n(const char *s, size_t len, FILE *f)
{
	const unsigned char *u = (const unsigned char *)s;
	fputc('"', f);
	for (size_t i = 0; i < len;) {
		unsigned char c = u[i];
		size_t n = utf8_sequence(u + i, len - i);
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else if (n)
			fwrite(u + i, 1, n, f);	/* UTF-8 as it is */
		else
			fputs("\\ufffd", f);	/* a byte that is no UTF-8 */
		i += n ? n : 1;
	}
	fputc('"', f);
}

void
vmmap_print_json_string(const char *s, FILE *f)
{
	json_string_n(s, strlen(s), f);
}

static void
base64(const unsigned char *s, size_t len, FILE *f)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	fputc('"', f);
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < len ? (uint32_t)s[i + 1] << 8 : 0) |
			     (i + 2 < len ? s[i + 2] : 0);
		char out[4] = { digits[v >> 18], digits[(v >> 12) & 63],
				i + 1 < len ? digits[(v >> 6) & 63] : '=',
				i + 2 < len ? digits[v & 63] : '=' };
		fwrite(out, 1, 4, f);
	}
	fputc('"', f);
}

void
vmmap_print_json_field(const char *key, const char *s, size_t len, FILE *f)
{
	if (vmmap_is_utf8(s, len)) {
		fprintf(f, "\"%s\":", key);
		json_string_n(s, len, f);
	} else {
		fprintf(f, "\"%s_base64\":", key);
		base64((const unsigned char *)s, len, f);
	}
}

/* "key":"name+0x10", no comma. */
static void
json_symbol(FILE *f, const char *key, const char *name, uint64_t offset)
{
	char sym[200];
	snprintf(sym, sizeof(sym), "%s+0x%" PRIx64, name, offset);
	fprintf(f, "\"%s\":", key);
	vmmap_print_json_string(sym, f);
}

static void
json_hex(FILE *f, const char *key, uint64_t v, bool comma)
{
	fprintf(f, "\"%s\":\"0x%" PRIx64 "\"%s", key, v, comma ? "," : "");
}

struct named_fact {
	const char *name;
	const struct vmmap_fact *fact;
};

void
vmmap_print_map_json(const struct vmmap_map *map, FILE *f)
{
	const struct vmmap_kernel *k = &map->k;
	const struct named_fact facts[] = {
		{ "release", &k->release_fact },
		{ "pgtable_levels", &k->pgtable_levels },
		{ "kaslr", &k->kaslr },
		{ "kernel_offset", &k->kernel_offset },
		{ "phys_base", &k->phys_base },
		{ "page_offset_base", &k->page_offset_base },
		{ "vmalloc_base", &k->vmalloc_base },
		{ "vmemmap_base", &k->vmemmap_base },
		{ "physmem_end", &k->physmem_end },
		{ "kernel_image_size", &k->kernel_image_size },
		{ "kasan", &k->kasan },
		{ "cpu_entry_area", &k->cpu_entry_area },
		{ "ldt_remap_low", &k->ldt_remap_low },
		{ "image_phys", &k->image_phys },
	};
	size_t nf = sizeof(facts) / sizeof(facts[0]);
	fprintf(f, "{\"kernel\":{\"release\":");
	vmmap_print_json_string(k->release, f);
	fprintf(f, ",\"arch\":\"x86_64\",\"pgtable_levels\":%" PRIu64 ",\"kaslr\":%s,",
		k->pgtable_levels.value, k->kaslr.value ? "true" : "false");
	json_hex(f, "kernel_offset", k->kernel_offset.value, true);
	json_hex(f, "phys_base", k->phys_base.value, true);
	json_hex(f, "image_phys", k->image_phys.value, true);
	json_hex(f, "page_offset_base", k->page_offset_base.value, true);
	json_hex(f, "vmalloc_base", k->vmalloc_base.value, true);
	json_hex(f, "vmemmap_base", k->vmemmap_base.value, true);
	/* every fact "sources" and "exact" name has its value here */
	json_hex(f, "physmem_end", k->physmem_end.value, true);
	json_hex(f, "kernel_image_size", k->kernel_image_size.value, true);
	fprintf(f, "\"kasan\":%s,\"cpu_entry_area\":%s,\"ldt_remap_low\":%s,",
		k->kasan.value ? "true" : "false", k->cpu_entry_area.value ? "true" : "false",
		k->ldt_remap_low.value ? "true" : "false");
	fprintf(f, "\"sources\":{");
	for (size_t i = 0; i < nf; i++)
		fprintf(f, "\"%s\":\"%s\"%s", facts[i].name,
			vmmap_provenance_name(facts[i].fact->source), i + 1 < nf ? "," : "");
	fprintf(f, "},\"exact\":{");
	for (size_t i = 0; i < nf; i++)
		fprintf(f, "\"%s\":%s%s", facts[i].name,
			facts[i].fact->exact ? "true" : "false", i + 1 < nf ? "," : "");
	fprintf(f, "},\"notes\":[");
	const struct notes *notes = &map->kr->notes;
	for (size_t i = 0; i < notes->n; i++) {
		vmmap_print_json_string(notes->v[i], f);
		if (i + 1 < notes->n)
			fputc(',', f);
	}
	fprintf(f, "]},\"regions\":[");
	for (size_t i = 0; i < map->regions.n; i++) {
		const struct vmmap_region *r = &map->regions.r[i];
		fprintf(f, "{\"name\":\"%s\",", r->name);
		json_hex(f, "start", r->start, true);
		json_hex(f, "end", r->end, true);
		json_hex(f, "size", r->end - r->start + 1, true);
		fprintf(f, "\"description\":");
		vmmap_print_json_string(r->description, f);
		fprintf(f, ",\"source\":\"%s\",\"exact\":%s}%s",
			vmmap_provenance_name(r->source), r->exact ? "true" : "false",
			i + 1 < map->regions.n ? "," : "");
	}
	fprintf(f, "],\"modules\":[");
	const struct module_list *ml = &map->modules;
	bool comma = false;
	for (size_t i = 0; i < ml->nranges; i++) {
		const struct module_range *r = &ml->ranges[i];
		if (inside_another(ml, i))
			continue;
		fprintf(f, "%s{\"name\":", comma ? "," : "");
		comma = true;
		vmmap_print_json_string(ml->names[r->module], f);
		fputc(',', f);
		json_hex(f, "start", r->start, true);
		json_hex(f, "end", r->end, true);
		json_hex(f, "size", r->end - r->start + 1, false);
		fputc('}', f);
	}
	fprintf(f, "]}\n");
}

/* Appending to a fixed buffer, truncating like snprintf: annotation of
 * long texts formats a tag per pointer, and printf's format parsing was
 * a fifth of that time. */
struct tagbuf {
	char *p;
	size_t len, pos;
};

static void
tag_str(struct tagbuf *t, const char *s)
{
	while (*s && t->pos + 1 < t->len)	/* names are short: no strlen */
		t->p[t->pos++] = *s++;
}

static void
tag_hex(struct tagbuf *t, uint64_t v)
{
	char digits[19] = "0x";
	int n = v ? (67 - __builtin_clzll(v)) / 4 : 1;	/* hex digits */
	for (int i = n - 1; i >= 0; i--, v >>= 4)
		digits[2 + i] = "0123456789abcdef"[v & 15];
	if (t->pos + 2 + (size_t)n < t->len) {
		memcpy(t->p + t->pos, digits, 2 + (size_t)n);
		t->pos += 2 + (size_t)n;
	} else {
		digits[2 + n] = '\0';
		tag_str(t, digits);
	}
}

/* "ERR_PTR(-22) EINVAL", "NULL+0x18", "LIST_POISON2". */
static void
tag_special(struct tagbuf *t, const struct vmmap_annotation *a)
{
	tag_str(t, a->special);
	if (a->err_ptr) {
		char num[16];
		snprintf(num, sizeof(num), "(-%d)", a->err_ptr);
		tag_str(t, num);
		if (a->err_name) {
			tag_str(t, " ");
			tag_str(t, a->err_name);
		}
	} else if (strcmp(a->special, "NULL") == 0) {
		tag_str(t, "+");
		tag_hex(t, a->address);
	}
}

/* The tag and its length. */
size_t
format_tag(const struct vmmap_annotation *a, char *buf, size_t len)
{
	if (len == 0)
		return 0;
	struct tagbuf t = { buf, len, 0 };
	if (a->special) {	/* no pointer: no region tag */
		tag_special(&t, a);
		buf[t.pos] = '\0';
		return t.pos;
	}
	tag_str(&t, a->region->name);
	if (a->symbol) {
		tag_str(&t, ":");
		tag_str(&t, a->symbol);
		tag_str(&t, "+");
		tag_hex(&t, a->symbol_offset);
	} else if (a->module && a->module_symbol) {
		tag_str(&t, ":");
		tag_str(&t, a->module_symbol);
		tag_str(&t, "+");
		tag_hex(&t, a->module_symbol_offset);
		tag_str(&t, " [");
		tag_str(&t, a->module);
		tag_str(&t, "]");
	} else if (a->module) {
		tag_str(&t, ":[");
		tag_str(&t, a->module);
		tag_str(&t, "]+");
		tag_hex(&t, a->module_offset);
	} else if (a->have_cpu_stack) {
		/* the kernel's names: irq_stack, DF_stack, DF_stack_guard, entry_stack */
		const struct vmmap_cpu_stack *c = &a->cpu_stack;
		tag_str(&t, ":");
		if (c->kind == VMMAP_CPU_STACK_EXCEPTION)
			tag_str(&t, c->name);
		tag_str(&t, c->kind == VMMAP_CPU_STACK_IRQ ? "irq_stack"
			    : c->kind == VMMAP_CPU_STACK_ENTRY ? "entry_stack" : "_stack");
		if (c->guard)
			tag_str(&t, "_guard");
		tag_str(&t, "+");
		tag_hex(&t, a->cpu_stack_offset);
		char cpu[24];
		snprintf(cpu, sizeof(cpu), " [CPU %u]", c->cpu);
		tag_str(&t, cpu);
	} else {
		tag_str(&t, "+");
		tag_hex(&t, a->offset);
		if (!a->region->exact)
			tag_str(&t, "?");
	}
	/* what a pointer into freed memory or past RAM needs said at once */
	if (a->have_page && a->page.status == VMMAP_PAGE_OK && a->page.type == VMMAP_PAGE_TYPE_BUDDY &&
	    !a->in_struct_page)
		tag_str(&t, " free");
	else if (a->have_page && a->page.status == VMMAP_PAGE_NO_STRUCT_PAGE && !a->in_struct_page)
		tag_str(&t, " no page");
	if (a->have_slab_check && a->slab_check.damage) {
		tag_str(&t, " (");
		tag_str(&t, a->slab_check.damage);
		tag_str(&t, " overwritten)");
	}
	buf[t.pos] = '\0';
	return t.pos;
}

void
vmmap_format_tag(const struct vmmap_annotation *a, char *buf, size_t len)
{
	format_tag(a, buf, len);
}

const char *
vmmap_cpu_stack_kind_name(enum vmmap_cpu_stack_kind kind)
{
	switch (kind) {
	case VMMAP_CPU_STACK_IRQ: return "irq";
	case VMMAP_CPU_STACK_EXCEPTION: return "exception";
	case VMMAP_CPU_STACK_ENTRY: return "entry";
	default: return "none";
	}
}

/* "#DF" for DF: the vector's name (the kernel's stack names are the
 * vectors' without the '#', MCE for #MC). */
static const char *
vector_name(const char *name, char *buf, size_t len)
{
	if (strcmp(name, "NMI") == 0)
		return name;
	snprintf(buf, len, "#%s", strcmp(name, "MCE") == 0 ? "MC" : name);
	return buf;
}

/* "IRQ stack of CPU 1 (+0x3f28 from its base)", "#DF exception stack
 * of CPU 0 (...)", "guard page below the #DF exception stack of CPU 0
 * (+0x10)", "entry stack of CPU 1 (...)". */
static void
print_cpu_stack_text(const struct vmmap_annotation *a, FILE *f)
{
	const struct vmmap_cpu_stack *c = &a->cpu_stack;
	char v[16], size[32];
	vmmap_format_size(c->end - c->start, size, sizeof(size));
	fprintf(f, "%18s", "");
	if (c->guard)
		fprintf(f, "guard page below the %s exception stack of CPU %u (+0x%" PRIx64 ")\n",
			vector_name(c->name, v, sizeof(v)), c->cpu, a->cpu_stack_offset);
	else if (c->kind == VMMAP_CPU_STACK_EXCEPTION)
		fprintf(f, "%s exception stack of CPU %u (+0x%" PRIx64 " from its base 0x%" PRIx64 ", %s)\n",
			vector_name(c->name, v, sizeof(v)), c->cpu, a->cpu_stack_offset, c->start, size);
	else
		fprintf(f, "%s stack of CPU %u (+0x%" PRIx64 " from its base 0x%" PRIx64 ", %s)\n",
			c->kind == VMMAP_CPU_STACK_IRQ ? "IRQ" : "entry", c->cpu, a->cpu_stack_offset,
			c->start, size);
}

static void
print_cpu_stack_json(const struct vmmap_annotation *a, FILE *f)
{
	const struct vmmap_cpu_stack *c = &a->cpu_stack;
	fprintf(f, "\"stack\":{\"kind\":\"%s\",\"cpu\":%u,", vmmap_cpu_stack_kind_name(c->kind), c->cpu);
	if (c->name)
		fprintf(f, "\"name\":\"%s\",", c->name);
	if (c->guard)
		fprintf(f, "\"guard\":true,");
	json_hex(f, "start", c->start, true);
	json_hex(f, "end", c->end, true);
	json_hex(f, "offset", a->cpu_stack_offset, false);
	fprintf(f, "},");
}

const char *
vmmap_object_state_name(enum vmmap_object_state state)
{
	switch (state) {
	case VMMAP_OBJECT_ALLOCATED: return "allocated";
	case VMMAP_OBJECT_FREE: return "free";
	case VMMAP_OBJECT_FREE_PERCPU: return "free-percpu";
	case VMMAP_OBJECT_CORRUPT: return "corrupt";
	case VMMAP_OBJECT_PADDING: return "padding";
	default: return "unknown";
	}
}

const char *
vmmap_check_name(enum vmmap_check check)
{
	switch (check) {
	case VMMAP_CHECK_INTACT: return "intact";
	case VMMAP_CHECK_OVERWRITTEN: return "overwritten";
	case VMMAP_CHECK_UNREADABLE: return "unreadable";
	default: return "unchecked";
	}
}

/* "slub_debug: right red zone overwritten at 0xffff...: 0x41, not 0xcc
 * (1 byte); red zone overwritten, poison unchecked" */
static void
print_slab_check_text(const struct vmmap_slab_check *ck, FILE *f)
{
	fprintf(f, "%18sslub_debug: ", "");
	if (ck->damage)
		fprintf(f, "%s overwritten at 0x%" PRIx64 ": 0x%02x, not 0x%02x (%" PRIu64 " byte%s differ%s); ",
			ck->damage, ck->damage_addr, ck->found, ck->expected, ck->damaged_bytes,
			ck->damaged_bytes == 1 ? "" : "s", ck->damaged_bytes == 1 ? "s" : "");
	fprintf(f, "red zone %s, poison %s\n", vmmap_check_name(ck->red_zone), vmmap_check_name(ck->poison));
}

static void
print_slab_check_json(const struct vmmap_slab_check *ck, FILE *f)
{
	fprintf(f, ",\"slub_debug\":{\"red_zone\":\"%s\",\"poison\":\"%s\"", vmmap_check_name(ck->red_zone),
		vmmap_check_name(ck->poison));
	if (ck->damage)
		fprintf(f, ",\"damage\":{\"what\":\"%s\",\"address\":\"0x%" PRIx64 "\",\"found\":\"0x%02x\","
			"\"expected\":\"0x%02x\",\"bytes\":%" PRIu64 "}",
			ck->damage, ck->damage_addr, ck->found, ck->expected, ck->damaged_bytes);
	fputc('}', f);
}

/* "slab object kmalloc-1k+0x10 (0xffff..., 1024 of 1024 bytes, allocated)" */
static void
print_object_text(const struct vmmap_object *o, FILE *f)
{
	fprintf(f, "%18s", "");
	if (!o->cache && o->state == VMMAP_OBJECT_PADDING && o->note) {
		fprintf(f, "%s\n", o->note);	/* a KFENCE guard page */
		return;
	}
	if (!o->cache) {
		fprintf(f, "slab object: unknown (%s)\n", o->note ? o->note : "?");
		return;
	}
	if (o->state == VMMAP_OBJECT_PADDING)
		fprintf(f, "slab %s: padding between or after its objects (%" PRIu64 "-byte slots)",
			o->cache, o->slot_size);
	else
		fprintf(f, "slab object %s+0x%" PRIx64 " (object 0x%" PRIx64 ", %" PRIu64 " bytes, %s)",
			o->cache, o->offset, o->start, o->object_size,
			vmmap_object_state_name(o->state));
	if (o->note)
		fprintf(f, " (%s)", o->note);
	fputc('\n', f);
}

static void
print_object_json(const struct vmmap_annotation *a, FILE *f)
{
	const struct vmmap_object *o = &a->object;
	fprintf(f, "\"object\":{\"kind\":\"slab\",\"state\":\"%s\"", vmmap_object_state_name(o->state));
	if (o->cache) {
		fprintf(f, ",\"cache\":");
		vmmap_print_json_string(o->cache, f);
		fprintf(f, ",\"cache_addr\":\"0x%" PRIx64 "\",\"size\":%" PRIu64 ",\"slot_size\":%" PRIu64,
			o->cache_addr, o->object_size, o->slot_size);
		if (o->state != VMMAP_OBJECT_PADDING)
			fprintf(f, ",\"start\":\"0x%" PRIx64 "\",\"offset\":\"0x%" PRIx64 "\"", o->start,
				o->offset);
	}
	if (o->note) {
		fprintf(f, ",\"note\":");
		vmmap_print_json_string(o->note, f);
	}
	if (a->have_slab_check)
		print_slab_check_json(&a->slab_check, f);
	if (a->kfence)
		fprintf(f, ",\"kfence\":true");
	fprintf(f, "},");
}

/* "vmalloc area 0x...-0x... (20 KB, vmap, 4 pages) by irq_init_percpu_irqstack+0x12b" */
static void
print_vmalloc_text(const struct vmmap_vmalloc_area *v, FILE *f)
{
	char size[32];
	vmmap_format_size(v->end - v->start, size, sizeof(size));
	fprintf(f, "%18svmalloc area 0x%" PRIx64 "-0x%" PRIx64 " (%s", "", v->start, v->end, size);
	if (v->have_vm) {
		if (v->kind)
			fprintf(f, ", %s", v->kind);
		if (v->nr_pages)
			fprintf(f, ", %" PRIu64 " pages", v->nr_pages);
		if (v->phys_addr)
			fprintf(f, ", phys 0x%" PRIx64, v->phys_addr);
		fprintf(f, ")");
		if (v->caller_symbol)
			fprintf(f, " by %s+0x%" PRIx64, v->caller_symbol, v->caller_offset);
		else
			fprintf(f, " by 0x%" PRIx64, v->caller);
	} else {
		fprintf(f, ", no vm_struct)");
	}
	fputc('\n', f);
}

static void
print_vmalloc_json(const struct vmmap_vmalloc_area *v, FILE *f)
{
	fprintf(f, "\"vmalloc\":{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64 "\"", v->start, v->end);
	if (v->have_vm) {
		fprintf(f, ",\"flags\":\"0x%" PRIx64 "\",\"nr_pages\":%" PRIu64 ",\"caller\":\"0x%" PRIx64 "\"",
			v->flags, v->nr_pages, v->caller);
		if (v->kind)
			fprintf(f, ",\"kind\":\"%s\"", v->kind);
		if (v->phys_addr)
			fprintf(f, ",\"phys_addr\":\"0x%" PRIx64 "\"", v->phys_addr);
		if (v->caller_symbol) {
			fputc(',', f);
			json_symbol(f, "caller_symbol", v->caller_symbol, v->caller_offset);
		}
	}
	fprintf(f, "},");
}

void
vmmap_print_annotation_text(const struct vmmap_annotation *a, FILE *f)
{
	char tag[256];
	vmmap_format_tag(a, tag, sizeof(tag));
	/* the tag padded: the phys column lines up from address to address */
	bool more = a->have_phys || (a->mapped == 0 && !a->special) ||
		    (!a->region->exact && !a->special);
	fprintf(f, "%016" PRIx64 "  %-*s", a->address, more ? 36 : 0, tag);
	if (a->have_phys)
		fprintf(f, "  phys 0x%" PRIx64 " pfn 0x%" PRIx64 " [%s]", a->phys, a->pfn,
			vmmap_provenance_name(a->phys_source));
	if (a->page_size) {
		char size[32];
		vmmap_format_size(a->page_size, size, sizeof(size));
		fprintf(f, "  %s page %s%s%s", size, a->access & VMMAP_ACCESS_RW ? "rw" : "ro",
			a->access & VMMAP_ACCESS_NX ? " nx" : " x",
			a->access & VMMAP_ACCESS_GLOBAL ? " global" : "");
	}
	if (a->mapped == 0 && !a->special)
		fprintf(f, "  (not mapped)");
	if (a->in_dump == 0)
		fprintf(f, "  (not in the dump)");
	if (!a->region->exact && !a->special)
		fprintf(f, "  (region bounds approximate)");
	fputc('\n', f);
	if (a->have_page) {
		char page[400];
		vmmap_format_page(&a->page, page, sizeof(page));
		if (a->in_struct_page)
			fprintf(f, "%18s+0x%" PRIx64 "%s%s%s in the struct page of pfn 0x%" PRIx64 "\n", "",
				a->struct_page_offset, a->struct_page_field ? " (" : "",
				a->struct_page_field ? a->struct_page_field : "",
				a->struct_page_field ? ")" : "", a->page.pfn);
		fprintf(f, "%18s%s\n", "", page);
	}
	if (a->have_object)
		print_object_text(&a->object, f);
	if (a->have_slab_check)
		print_slab_check_text(&a->slab_check, f);
	if (a->have_vmalloc)
		print_vmalloc_text(&a->vmalloc, f);
	if (a->have_task)
		fprintf(f, "%18s%s+0x%" PRIx64 " of pid %d (%s)\n", "", a->task.what, a->task.offset,
			a->task.task->pid, a->task.task->comm);
	if (a->have_cpu_stack)
		print_cpu_stack_text(a, f);
}

void
vmmap_print_annotation_json(const struct vmmap_annotation *a, FILE *f)
{
	fprintf(f, "{");
	json_hex(f, "address", a->address, true);
	fprintf(f, "\"region\":\"%s\",", a->region->name);
	json_hex(f, "offset", a->offset, true);
	if (a->have_phys) {
		json_hex(f, "phys", a->phys, true);
		json_hex(f, "pfn", a->pfn, true);
	}
	if (a->symbol) {
		json_symbol(f, "symbol", a->symbol, a->symbol_offset);
		fputc(',', f);
	}
	if (a->module) {
		fprintf(f, "\"module\":");
		vmmap_print_json_string(a->module, f);
		fputc(',', f);
	}
	if (a->module_symbol) {
		json_symbol(f, "module_symbol", a->module_symbol, a->module_symbol_offset);
		fputc(',', f);
	}
	if (a->mapped >= 0)
		fprintf(f, "\"mapped\":%s,", a->mapped ? "true" : "false");
	if (a->in_dump >= 0)
		fprintf(f, "\"in_dump\":%s,", a->in_dump ? "true" : "false");
	if (a->page_size)
		fprintf(f, "\"page_size\":%" PRIu64 ",\"rw\":%s,\"nx\":%s,\"global\":%s,",
			a->page_size, a->access & VMMAP_ACCESS_RW ? "true" : "false",
			a->access & VMMAP_ACCESS_NX ? "true" : "false",
			a->access & VMMAP_ACCESS_GLOBAL ? "true" : "false");
	if (a->special) {
		fprintf(f, "\"special\":\"%s\",", a->special);
		if (a->err_ptr)
			fprintf(f, "\"errno\":%d,", a->err_ptr);
		if (a->err_name)
			fprintf(f, "\"errno_name\":\"%s\",", a->err_name);
	}
	if (a->have_page) {
		if (a->in_struct_page)
			fprintf(f, "\"struct_page_offset\":\"0x%" PRIx64 "\",", a->struct_page_offset);
		if (a->struct_page_field)
			fprintf(f, "\"struct_page_field\":\"%s\",", a->struct_page_field);
		fprintf(f, "\"page\":");
		vmmap_print_page_json(&a->page, f);
		fputc(',', f);
	}
	if (a->have_object)
		print_object_json(a, f);
	if (a->have_vmalloc)
		print_vmalloc_json(&a->vmalloc, f);
	if (a->have_task) {
		fprintf(f, "\"task\":{\"what\":\"%s\",\"offset\":\"0x%" PRIx64 "\",\"pid\":%d,\"tgid\":%d,"
			"\"comm\":", a->task.what, a->task.offset, a->task.task->pid, a->task.task->tgid);
		vmmap_print_json_string(a->task.task->comm, f);
		fprintf(f, ",\"task_struct\":\"0x%" PRIx64 "\"},", a->task.task->task_struct);
	}
	if (a->have_cpu_stack)
		print_cpu_stack_json(a, f);
	fprintf(f, "\"exact\":%s}", a->region->exact ? "true" : "false");
}
