/* SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later */
/*
 * vmmap: the effective x86_64 kernel memory map of a vmcore.
 *   vmmap map DUMP... [--vmlinux FILE] [--json|--jsonl] [-j N]
 *   vmmap addr DUMP... ADDR... [--vmlinux FILE] [--json|--jsonl] [-j N]
 *   vmmap annotate DUMP [FILE|-] [--vmlinux FILE]
 *   vmmap annotate --input FILE|- DUMP... [--jsonl] [-j N]
 *   vmmap scan DUMP... [--vmlinux FILE] [--json|--jsonl] [-j N]
 *   vmmap page DUMP PFN[-PFN]... [--vmlinux FILE] [--json]
 *   vmmap slabs DUMP... [--json|--jsonl] [-j N]
 *   vmmap tasks DUMP... [--json|--jsonl] [-j N]
 * Exit status: 0 ok, 1 bad input (in a batch: any dump failed), 2 usage.
 * Uses the public API only.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vmmap/vmmap.h>

#include "batch.h"

#define EXIT_BAD_INPUT 1
#define EXIT_USAGE 2

struct options;

struct command {
	const char *name;
	/* Write the result for one built map; json: one JSON object. */
	struct vmmap_error *(*run)(struct vmmap_map *map, const struct options *o,
				   FILE *out, bool json);
};

struct options {
	const struct command *cmd;
	const char *vmlinux;
	const char *input;	/* annotate --input */
	bool json, jsonl;
	bool mapped;		/* scan --mapped */
	bool dangling;		/* scan --dangling */
	bool page_state;	/* annotate --page-state */
	unsigned jobs, timeout;
	char **dumps;
	size_t ndumps;
	char **args;		/* addresses, or annotate's text file */
	size_t nargs;
	char **words;		/* addr: addresses and symbol[+offset]s */
	bool *lenient;		/* per word: from stdin, skipped if bad */
	size_t nwords;
	char *text;		/* annotate in a batch: the whole input */
	size_t text_len;
};

/* Usage errors: one line on stderr, exit 2. */
static int
usage_error(const char *what)
{
	fprintf(stderr, "vmmap: %s (usage: vmmap map|addr|annotate|scan DUMP ...; see vmmap --help)\n",
		what);
	return EXIT_USAGE;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: vmmap map DUMP... [--vmlinux FILE] [--json|--jsonl] [-j N]\n"
		"       vmmap addr DUMP... ADDR... [--vmlinux FILE] [--json|--jsonl] [-j N]\n"
		"                                        (ADDR - reads stdin)\n"
		"       vmmap annotate DUMP [FILE|-] [--vmlinux FILE] [--page-state]\n"
		"       vmmap annotate --input FILE|- DUMP... [--jsonl] [-j N]\n"
		"       vmmap scan DUMP... [--vmlinux FILE] [--json|--jsonl] [-j N] [--mapped] [--dangling]\n"
		"       vmmap page DUMP PFN[-PFN]... [--vmlinux FILE] [--json]   (hex page frame numbers)\n"
		"       vmmap slabs DUMP... [--json|--jsonl] [-j N]   (every slab, by cache)\n"
		"       vmmap tasks DUMP... [--json|--jsonl] [-j N]   (every thread)\n"
		"       vmmap --help | --version\n"
		"batch options: --jsonl (one JSON object per dump per line), -j N (N dumps\n"
		"at once), --timeout SECONDS (per dump). A dump whose name is a hex number\n"
		"is written ./NAME in addr.\n");
}

/* One line on stderr for a failed dump; in JSONL mode the error line
 * goes to stdout instead, so the batch's output names every dump. */
static int
fail(struct vmmap_error *err, const char *dump, bool jsonl)
{
	const char *msg = vmmap_error_message(err);
	if (jsonl)
		batch_print_error_line(stdout, dump, vmmap_error_code_name(vmmap_error_code(err)),
				       msg);
	else if (dump && strncmp(msg, dump, strlen(dump)) != 0)
		fprintf(stderr, "vmmap: %s: %s\n", dump, msg);
	else
		fprintf(stderr, "vmmap: %s\n", msg);
	vmmap_error_destroy(err);
	return EXIT_BAD_INPUT;
}

/* ------------------------------------------------------------------ */
/* Commands */

static struct vmmap_error *
cmd_map(struct vmmap_map *map, const struct options *o, FILE *out, bool json)
{
	(void)o;
	if (json)
		vmmap_print_map_json(map, out);
	else
		vmmap_print_map_text(map, out);
	return NULL;
}

static struct vmmap_error *
cmd_addr(struct vmmap_map *map, const struct options *o, FILE *out, bool json)
{
	size_t done = 0;
	if (json)
		fprintf(out, "{\"addresses\":[");
	for (size_t i = 0; i < o->nwords; i++) {
		uint64_t addr;
		struct vmmap_error *err = vmmap_map_parse_expression(map, o->words[i], &addr);
		if (err && o->lenient[i]) {
			/* one bad word in a pasted log does not stop the rest */
			fprintf(stderr, "vmmap: skipped: %s\n", vmmap_error_message(err));
			vmmap_error_destroy(err);
			continue;
		}
		struct vmmap_annotation a = { VMMAP_ANNOTATION_INIT };
		if (!err)
			err = vmmap_map_annotate(map, addr, 0, &a);
		if (err)
			return err;
		if (json) {
			if (done)
				fputc(',', out);
			vmmap_print_annotation_json(&a, out);
		} else {
			vmmap_print_annotation_text(&a, out);
		}
		done++;
	}
	if (json)
		fprintf(out, "]}\n");
	if (!done)
		return vmmap_error_new(VMMAP_ERROR_INVALID_ARGUMENT,
				       "no address or symbol among the words given");
	return NULL;
}

/* Annotate a stream as it comes (a console log being written works):
 * read(2) what is there, tag up to the last newline (no word spans
 * lines), keep the rest for the next read. When the input comes faster
 * than one block at a time (a file), up to one block per CPU is tagged
 * at once, each into its own buffer, and written in order: lookups in
 * a built map are thread-safe. */
#define ANNOTATE_BLOCK (1 << 20)
#define ANNOTATE_MAX_BLOCKS 4

struct text_block {
	struct vmmap_map *map;
	unsigned flags;		/* VMMAP_ANNOTATE_TEXT_* */
	char *in;		/* ANNOTATE_BLOCK bytes */
	size_t len;		/* to annotate */
	size_t carry;		/* bytes after len: the next block's start */
	char *out;		/* annotated; kept from round to round */
	size_t out_len, out_cap;
	bool failed;
};

static void *
annotate_block(void *arg)
{
	struct text_block *b = arg;
	struct vmmap_error *err = vmmap_annotate_text_flags(b->map, b->in, b->len, b->flags,
							    &b->out, &b->out_cap, &b->out_len);
	b->failed = err != NULL;
	vmmap_error_destroy(err);
	return NULL;
}

/* Where to cut a line longer than a block: after its last character
 * that cannot be part of a word, so no hex word is split. */
static size_t
cut_between_words(const char *text, size_t len)
{
	for (size_t i = len; i > 0; i--) {
		unsigned char c = (unsigned char)text[i - 1];
		if (!(c == '_' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
			return i;
	}
	return len;	/* one word of a whole block: cut it */
}

/* Fill block b after the carry already in it; false at end of input. */
static bool
read_block(int fd, struct text_block *b, struct vmmap_error **err)
{
	size_t have = b->carry;
	for (;;) {
		ssize_t got = read(fd, b->in + have, ANNOTATE_BLOCK - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			*err = vmmap_error_new(VMMAP_ERROR_OS, "cannot read the text to annotate");
		if (got <= 0) {
			b->len = have;	/* the rest, at the end */
			b->carry = 0;
			return false;
		}
		have += (size_t)got;
		const char *nl = memrchr(b->in, '\n', have);
		if (nl || have == ANNOTATE_BLOCK) {
			b->len = nl ? (size_t)(nl - b->in) + 1 : cut_between_words(b->in, have);
			b->carry = have - b->len;
			return true;
		}
	}
}

static struct vmmap_error *
annotate_stream(struct vmmap_map *map, const char *name, unsigned flags, FILE *out)
{
	int fd = strcmp(name, "-") == 0 ? STDIN_FILENO : open(name, O_RDONLY);
	if (fd < 0)
		return vmmap_error_new(VMMAP_ERROR_OS, "cannot open the text to annotate");
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nblocks = cpus < 1 ? 1 : cpus > ANNOTATE_MAX_BLOCKS ? ANNOTATE_MAX_BLOCKS : (size_t)cpus;
	struct text_block b[ANNOTATE_MAX_BLOCKS] = { 0 };
	struct vmmap_error *err = NULL;
	for (size_t i = 0; i < nblocks; i++) {
		b[i].map = map;
		b[i].flags = flags;
		if (!(b[i].in = malloc(ANNOTATE_BLOCK)))
			err = vmmap_error_new(VMMAP_ERROR_NOMEM, "out of memory");
	}
	bool more = !err;
	while (more) {
		/* Read blocks while they come full; a slow stream gives one. */
		size_t n = 0;
		do {
			struct text_block *cur = &b[n++];
			more = read_block(fd, cur, &err);
			if (n < nblocks) {	/* the carry starts the next block */
				memcpy(b[n].in, cur->in + cur->len, cur->carry);
				b[n].carry = cur->carry;
			}
		} while (more && n < nblocks && b[n - 1].len + b[n - 1].carry == ANNOTATE_BLOCK);
		pthread_t tid[ANNOTATE_MAX_BLOCKS];
		bool started[ANNOTATE_MAX_BLOCKS] = { false };
		for (size_t i = 1; i < n; i++)
			started[i] = pthread_create(&tid[i], NULL, annotate_block, &b[i]) == 0;
		annotate_block(&b[0]);
		for (size_t i = 1; i < n; i++) {
			if (started[i])
				pthread_join(tid[i], NULL);
			else
				annotate_block(&b[i]);
		}
		for (size_t i = 0; i < n; i++) {
			if (b[i].failed && !err)
				err = vmmap_error_new(VMMAP_ERROR_NOMEM, "out of memory");
			fwrite(b[i].out, 1, b[i].out_len, out);
		}
		fflush(out);
		/* the last block's carry starts the first of the next round */
		if (n > 1) {
			memcpy(b[0].in, b[n - 1].in + b[n - 1].len, b[n - 1].carry);
			b[0].carry = b[n - 1].carry;
		} else {
			memmove(b[0].in, b[0].in + b[0].len, b[0].carry);
		}
		more = more && !err;
	}
	for (size_t i = 0; i < nblocks; i++) {
		free(b[i].in);
		free(b[i].out);
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return err;
}

static struct vmmap_error *
cmd_annotate(struct vmmap_map *map, const struct options *o, FILE *out, bool json)
{
	unsigned flags = o->page_state ? VMMAP_ANNOTATE_TEXT_PAGE_STATE : 0;
	if (!o->text)
		return annotate_stream(map, o->nargs ? o->args[0] : "-", flags, out);
	char *buf = NULL;
	size_t cap = 0, len = 0;
	struct vmmap_error *err = vmmap_annotate_text_flags(map, o->text, o->text_len, flags, &buf,
							    &cap, &len);
	if (err) {
		free(buf);
		return err;
	}
	if (json) {
		fputc('{', out);
		vmmap_print_json_field("text", buf ? buf : "", len, out);
		fputs("}\n", out);
	} else if (len) {
		fwrite(buf, 1, len, out);
	}
	free(buf);
	return NULL;
}

/* The scan's progress, on a terminal only. */
static void
scan_progress(void *arg, uint64_t done, uint64_t total)
{
	(void)arg;
	fprintf(stderr, "\r\033[Kscanning: %3d%% of %llu MiB", total ? (int)(done * 100 / total) : 100,
		(unsigned long long)(total >> 20));
	if (done == total)
		fputs("\r\033[K", stderr);
}

static struct vmmap_error *
cmd_scan(struct vmmap_map *map, const struct options *o, FILE *out, bool json)
{
	struct vmmap_scan_options so = { VMMAP_SCAN_OPTIONS_INIT, .top = 10, .list_mapped = o->mapped,
					 .list_dangling = o->dangling };
	if (o->ndumps == 1 && !o->jsonl && isatty(STDERR_FILENO))
		so.progress = scan_progress;
	struct vmmap_scan *scan;
	struct vmmap_error *err = vmmap_scan_run(map, &so, &scan);
	if (err)
		return err;
	if (json)
		vmmap_print_scan_json(scan, out);
	else
		vmmap_print_scan_text(scan, out);
	vmmap_scan_destroy(scan);
	return NULL;
}

/* "1048" or "1000-10ff" (hex, inclusive). */
static bool
parse_pfn_range(const char *s, uint64_t *first, uint64_t *last)
{
	char buf[40];
	const char *dash = strchr(s, '-');
	size_t n = dash ? (size_t)(dash - s) : strlen(s);
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	struct vmmap_error *err = vmmap_parse_address(buf, first);
	if (!err && dash)
		err = vmmap_parse_address(dash + 1, last);
	else if (!err)
		*last = *first;
	bool ok = !err && *first <= *last;
	vmmap_error_destroy(err);
	return ok;
}

static struct vmmap_error *
cmd_page(struct vmmap_map *map, const struct options *o, FILE *out, bool json)
{
	const char *sep = "";
	if (json)
		fprintf(out, "{\"pages\":[");
	for (size_t i = 0; i < o->nargs; i++) {
		uint64_t first, last;
		if (!parse_pfn_range(o->args[i], &first, &last)) {
			char msg[120];
			snprintf(msg, sizeof(msg),
				 "'%.40s' is no page frame number or range (hex: 1048, 1000-10ff)",
				 o->args[i]);
			return vmmap_error_new(VMMAP_ERROR_INVALID_ARGUMENT, msg);
		}
		for (uint64_t pfn = first;; pfn++) {
			struct vmmap_page p = { VMMAP_PAGE_INIT };
			struct vmmap_error *err = vmmap_map_page(map, pfn, &p);
			if (err)
				return err;
			if (json) {
				fputs(sep, out);
				vmmap_print_page_json(&p, out);
				sep = ",\n";
			} else {
				char line[400];
				vmmap_format_page(&p, line, sizeof(line));
				fprintf(out, "pfn 0x%llx  %s\n", (unsigned long long)pfn, line);
			}
			if (pfn == last)
				break;
		}
	}
	if (json)
		fprintf(out, "]}\n");
	return NULL;
}

static struct vmmap_error *
cmd_slabs(struct vmmap_map *map, const struct options *o, FILE *out, bool json)
{
	(void)o;
	struct vmmap_slab_cache *c;
	size_t n;
	struct vmmap_error *err = vmmap_map_slab_caches(map, &c, &n);
	if (err)
		return err;
	if (json)
		fprintf(out, "{\"caches\":[");
	else
		fprintf(out, "%-24s %8s %8s %6s %6s %9s %9s %9s %9s %7s %7s\n", "CACHE", "OBJSIZE",
			"SLOTSIZE", "ORDER", "SLABS", "OBJECTS", "FREE", "PARTIAL", "PERCPU", "CORRUPT",
			"MISSING");
	for (size_t i = 0; i < n; i++) {
		if (json) {
			fprintf(out, "%s{\"name\":", i ? "," : "");
			vmmap_print_json_string(c[i].name, out);
			fprintf(out, ",\"addr\":\"0x%llx\",\"object_size\":%llu,\"slot_size\":%llu,"
				"\"order\":%u,\"slabs\":%llu,\"objects\":%llu,\"free\":%llu,"
				"\"free_partial\":%llu,\"free_percpu\":%llu,\"corrupt\":%llu,"
				"\"missing\":%llu}",
				(unsigned long long)c[i].addr, (unsigned long long)c[i].object_size,
				(unsigned long long)c[i].slot_size, c[i].order,
				(unsigned long long)c[i].slabs, (unsigned long long)c[i].objects,
				(unsigned long long)c[i].free, (unsigned long long)c[i].free_partial,
				(unsigned long long)c[i].free_percpu, (unsigned long long)c[i].corrupt,
				(unsigned long long)c[i].missing);
		} else {
			fprintf(out, "%-24s %8llu %8llu %6u %6llu %9llu %9llu %9llu %9llu %7llu %7llu\n",
				c[i].name,
				(unsigned long long)c[i].object_size, (unsigned long long)c[i].slot_size,
				c[i].order, (unsigned long long)c[i].slabs,
				(unsigned long long)c[i].objects, (unsigned long long)c[i].free,
				(unsigned long long)c[i].free_partial,
				(unsigned long long)c[i].free_percpu, (unsigned long long)c[i].corrupt,
				(unsigned long long)c[i].missing);
		}
	}
	if (json)
		fprintf(out, "]}\n");
	free(c);
	return NULL;
}

static struct vmmap_error *
cmd_tasks(struct vmmap_map *map, const struct options *o, FILE *out, bool json)
{
	(void)o;
	const struct vmmap_task *t;
	size_t n;
	struct vmmap_error *err = vmmap_map_tasks(map, &t, &n);
	if (err)
		return err;
	if (json)
		fprintf(out, "{\"tasks\":[");
	else
		fprintf(out, "%8s %8s %-16s %-18s %s\n", "PID", "TGID", "COMM", "TASK", "STACK");
	for (size_t i = 0; i < n; i++) {
		if (json) {
			fprintf(out, "%s{\"pid\":%d,\"tgid\":%d,\"comm\":", i ? "," : "", t[i].pid,
				t[i].tgid);
			vmmap_print_json_string(t[i].comm, out);
			fprintf(out, ",\"task_struct\":\"0x%llx\",\"stack\":\"0x%llx\"}",
				(unsigned long long)t[i].task_struct, (unsigned long long)t[i].stack);
		} else {
			fprintf(out, "%8d %8d %-16s %016llx   %016llx\n", t[i].pid, t[i].tgid, t[i].comm,
				(unsigned long long)t[i].task_struct, (unsigned long long)t[i].stack);
		}
	}
	/* then the CPUs' own stacks: IRQ, entry and exception stacks */
	const struct vmmap_cpu_stack *c = NULL;
	const char *note = NULL;
	size_t nc = 0;
	err = vmmap_map_cpu_stacks(map, &c, &nc, &note);
	vmmap_error_destroy(err);	/* none: no BTF, and then no tasks either */
	if (json)
		fprintf(out, "],\"cpu_stacks\":[");
	else if (nc)
		fprintf(out, "\n%4s %-9s %-12s %-18s %-18s %s\n", "CPU", "KIND", "NAME", "START", "END",
			"SIZE");
	for (size_t i = 0; i < nc; i++) {
		const char *kind = vmmap_cpu_stack_kind_name(c[i].kind);
		char name[24];
		snprintf(name, sizeof(name), "%s%s", c[i].name ? c[i].name : "-", c[i].guard ? " guard" : "");
		if (json) {
			fprintf(out, "%s{\"cpu\":%u,\"kind\":\"%s\",", i ? "," : "", c[i].cpu, kind);
			if (c[i].name)
				fprintf(out, "\"name\":\"%s\",", c[i].name);
			if (c[i].guard)
				fprintf(out, "\"guard\":true,");
			fprintf(out, "\"start\":\"0x%llx\",\"end\":\"0x%llx\"}",
				(unsigned long long)c[i].start, (unsigned long long)c[i].end);
		} else {
			char size[32];
			vmmap_format_size(c[i].end - c[i].start, size, sizeof(size));
			fprintf(out, "%4u %-9s %-12s %016llx   %016llx   %s\n", c[i].cpu, kind, name,
				(unsigned long long)c[i].start, (unsigned long long)c[i].end, size);
		}
	}
	if (json) {
		fprintf(out, "]");
		if (note) {
			fprintf(out, ",\"cpu_stacks_note\":");
			vmmap_print_json_string(note, out);
		}
		fprintf(out, "}\n");
	} else if (note) {
		fprintf(out, "note: CPU stacks: %s\n", note);
	}
	return NULL;
}

static const struct command commands[] = {
	{ "map", cmd_map },
	{ "addr", cmd_addr },
	{ "annotate", cmd_annotate },
	{ "scan", cmd_scan },
	{ "page", cmd_page },
	{ "slabs", cmd_slabs },
	{ "tasks", cmd_tasks },
};

/* ------------------------------------------------------------------ */
/* One dump */

/* The command's JSON object with "dump" and "ok" put in front. */
static struct vmmap_error *
print_jsonl(struct vmmap_map *map, const struct options *o, const char *dump)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return vmmap_error_new(VMMAP_ERROR_NOMEM, "out of memory");
	struct vmmap_error *err = o->cmd->run(map, o, m, true);
	fclose(m);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	if (!err && (len < 2 || buf[0] != '{'))
		err = vmmap_error_new(VMMAP_ERROR_NOMEM, "no result");
	if (!err) {
		fputc('{', stdout);
		vmmap_print_json_field("dump", dump, strlen(dump), stdout);
		fputs(",\"ok\":true,", stdout);
		fwrite(buf + 1, 1, len - 1, stdout);
		fputc('\n', stdout);
	}
	free(buf);
	return err;
}

static int
run_dump(const char *dump, void *arg)
{
	const struct options *o = arg;
	struct vmmap_source *src;
	struct vmmap_map *map;
	struct vmmap_error *err = vmmap_source_open_dump(dump, &src);
	if (err)
		return fail(err, dump, o->jsonl);
	err = vmmap_map_build(src, o->vmlinux, &map);
	if (!err) {
		err = o->jsonl ? print_jsonl(map, o, dump) : o->cmd->run(map, o, stdout, o->json);
		vmmap_map_destroy(map);
	}
	vmmap_source_destroy(src);
	return err ? fail(err, dump, o->jsonl) : 0;
}

/* ------------------------------------------------------------------ */
/* Command line */

static bool
parse_count(const char *s, unsigned max, unsigned *ret)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v < 1 || v > max)
		return false;
	*ret = (unsigned)v;
	return true;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "vmlinux", required_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'J' },
		{ "jsonl", no_argument, NULL, 'L' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "input", required_argument, NULL, 'i' },
		{ "mapped", no_argument, NULL, 'M' },
		{ "dangling", no_argument, NULL, 'D' },
		{ "page-state", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	opterr = 0;
	/* getopt permutes, so options may follow the dumps; '-' alone stays
	 * an operand. */
	while ((c = getopt_long(argc, argv, "hVj:i:", longopts, NULL)) != -1) {
		switch (c) {
		case 'v': o->vmlinux = optarg; break;
		case 'J': o->json = true; break;
		case 'L': o->jsonl = true; break;
		case 'i': o->input = optarg; break;
		case 'M': o->mapped = true; break;
		case 'D': o->dangling = true; break;
		case 'P': o->page_state = true; break;
		case 'j':
			if (!parse_count(optarg, 1024, &o->jobs))
				return usage_error("-j wants a number of dumps at once, 1 to 1024");
			break;
		case 'T':
			if (!parse_count(optarg, 86400, &o->timeout))
				return usage_error("--timeout wants seconds, 1 to 86400");
			break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("vmmap %s\n", PACKAGE_VERSION); exit(0);
		default:
			if (optopt == 'v')
				fprintf(stderr, "vmmap: --vmlinux needs a file: --vmlinux FILE (see vmmap --help)\n");
			else if (optopt == 'T')
				fprintf(stderr, "vmmap: --timeout needs seconds (see vmmap --help)\n");
			else if (optopt == 'j' || optopt == 'i')
				fprintf(stderr, "vmmap: option -%c needs an argument (see vmmap --help)\n",
					optopt);
			else
				fprintf(stderr, "vmmap: unknown option '%s' (see vmmap --help)\n",
					argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	/* "vmmap help" and "vmmap help map": the usage, as --help */
	if (argc - optind >= 1 && strcmp(argv[optind], "help") == 0) {
		usage(stdout);
		exit(0);
	}
	if (argc - optind < 2)
		return usage_error("a command and a dump are needed");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			o->cmd = &commands[i];
	if (!o->cmd) {
		fprintf(stderr, "vmmap: unknown command '%s' (see vmmap --help)\n", argv[optind]);
		return EXIT_USAGE;
	}
	o->dumps = argv + optind + 1;
	o->ndumps = (size_t)(argc - optind - 1);
	return 0;
}

/* An operand of addr that names no file: an address or symbol. */
static bool
is_address_operand(const char *s)
{
	uint64_t v;
	if (strcmp(s, "-") == 0)
		return true;
	struct vmmap_error *err = vmmap_parse_address(s, &v);
	vmmap_error_destroy(err);
	return !err;
}

/* Does an operand look like a symbol[+offset] (checked per dump)? A
 * word starting with a digit must be an address. */
static bool
symbol_like(const char *s)
{
	if (!*s || isdigit((unsigned char)*s))
		return false;
	for (; *s && *s != '+' && *s != '-'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '$')
			return false;
	return true;
}

/* Split the operands into dumps and the command's own arguments. */
static int
split_operands(struct options *o)
{
	size_t ndumps = o->ndumps;
	if (o->cmd->run == cmd_addr) {
		/* The first operand is always a dump; then dumps run up to
		 * the first operand that is an address or not a file (a bad
		 * address must be reported as one). */
		ndumps = 1;
		/* (a word with a '/' is a path, mistyped or not: it is
		 * reported as a missing file, not as a bad address) */
		while (ndumps < o->ndumps && !is_address_operand(o->dumps[ndumps]) &&
		       (access(o->dumps[ndumps], F_OK) == 0 || strchr(o->dumps[ndumps], '/')))
			ndumps++;
		if (ndumps == o->ndumps)
			return usage_error("addr needs at least one address");
	} else if (o->cmd->run == cmd_page) {
		if (o->ndumps < 2)
			return usage_error("page needs a dump and page frame numbers");
		ndumps = 1;
	} else if (o->cmd->run == cmd_annotate && !o->input) {
		if (o->ndumps > 2)
			return usage_error("several dumps: give the text with --input FILE");
		ndumps = 1;
	}
	if (o->input && o->cmd->run != cmd_annotate)
		return usage_error("--input is for annotate");
	if (o->mapped && o->cmd->run != cmd_scan)
		return usage_error("--mapped is for scan");
	if (o->dangling && o->cmd->run != cmd_scan)
		return usage_error("--dangling is for scan");
	if (o->page_state && o->cmd->run != cmd_annotate)
		return usage_error("--page-state is for annotate");
	o->args = o->dumps + ndumps;
	o->nargs = o->ndumps - ndumps;
	o->ndumps = ndumps;
	if (o->nargs && o->cmd->run != cmd_addr && o->cmd->run != cmd_annotate &&
	    o->cmd->run != cmd_page)
		return usage_error("too many operands");
	if (o->json && o->jsonl)
		return usage_error("--json and --jsonl exclude each other");
	if (o->json && o->ndumps > 1)
		return usage_error("--json writes one document per dump: use --jsonl for several dumps");
	return 0;
}

/* Addresses and symbols from the command line, or whitespace-separated
 * words on stdin. A command-line word that is neither hex nor a symbol
 * is an error before any dump is opened; stdin's words are checked per
 * dump, and a bad one is skipped with a warning. */
static int
add_word(struct options *o, size_t *cap, const char *w, bool lenient)
{
	if (o->nwords == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		char **words = realloc(o->words, *cap * sizeof(*words));
		bool *flags = words ? realloc(o->lenient, *cap * sizeof(*flags)) : NULL;
		if (words)
			o->words = words;
		if (!flags) {
			fprintf(stderr, "vmmap: out of memory\n");
			return EXIT_BAD_INPUT;
		}
		o->lenient = flags;
	}
	if (!(o->words[o->nwords] = strdup(w))) {
		fprintf(stderr, "vmmap: out of memory\n");
		return EXIT_BAD_INPUT;
	}
	o->lenient[o->nwords++] = lenient;
	return 0;
}

static int
collect_addresses(struct options *o)
{
	size_t cap = 0;
	char word[64];
	int rc;
	for (size_t i = 0; i < o->nargs; i++) {
		if (strcmp(o->args[i], "-") == 0) {
			/* Words from logs and oopses: "RIP:", "0x18,",
			 * "0010:[<ffffffff81000000>]", "schedule+0x10/0x30":
			 * split at the punctuation, drop a "/size". */
			while (scanf("%63s", word) == 1) {
				char *slash = strchr(word, '/');
				if (slash)
					*slash = '\0';
				for (char *w = strtok(word, "[]<>(){},;:='\""); w;
				     w = strtok(NULL, "[]<>(){},;:='\""))
					if ((rc = add_word(o, &cap, w, true)))
						return rc;
			}
			continue;
		}
		uint64_t v;
		struct vmmap_error *err = vmmap_parse_address(o->args[i], &v);
		if (err && !symbol_like(o->args[i]))
			return fail(err, NULL, false);
		vmmap_error_destroy(err);
		if ((rc = add_word(o, &cap, o->args[i], false)))
			return rc;
	}
	return 0;
}

/* annotate --input: the whole text, read once for every dump. */
static int
read_input(struct options *o)
{
	FILE *in = strcmp(o->input, "-") == 0 ? stdin : fopen(o->input, "r");
	if (!in) {
		fprintf(stderr, "vmmap: %s: cannot open: %s\n", o->input, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	FILE *m = open_memstream(&o->text, &o->text_len);
	char buf[65536];
	size_t got;
	while (m && (got = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, got, m);
	bool bad = ferror(in);
	if (in != stdin)
		fclose(in);
	if (!m || fclose(m) != 0 || bad) {
		fprintf(stderr, "vmmap: %s: cannot read\n", o->input);
		return EXIT_BAD_INPUT;
	}
	return 0;
}

static int
check_text_file(const struct options *o)
{
	if (o->cmd->run != cmd_annotate || o->input || !o->nargs || strcmp(o->args[0], "-") == 0)
		return 0;
	if (access(o->args[0], R_OK) == 0)
		return 0;
	fprintf(stderr, "vmmap: %s: cannot open: %s\n", o->args[0], strerror(errno));
	return EXIT_BAD_INPUT;
}

int
main(int argc, char **argv)
{
	struct options o = { .jobs = 1 };
	int rc = parse_options(argc, argv, &o);
	if (rc || (rc = split_operands(&o)) || (rc = check_text_file(&o)))
		return rc;
	if (o.cmd->run == cmd_addr && (rc = collect_addresses(&o)))
		return rc;
	if (o.input && (rc = read_input(&o)))
		return rc;
	if (o.ndumps == 1 && !o.jsonl)
		rc = run_dump(o.dumps[0], &o);	/* the single-dump contract */
	else {
		struct batch_options bo = {
			.jobs = o.jobs,
			.jsonl = o.jsonl,
			.progress = isatty(STDERR_FILENO),
			.headers = !o.jsonl && o.ndumps > 1,
			.timeout = o.timeout,
		};
		rc = batch_run(o.dumps, o.ndumps, &bo, run_dump, &o);
	}
	for (size_t i = 0; i < o.nwords; i++)
		free(o.words[i]);
	free(o.words);
	free(o.lenient);
	free(o.text);
	return rc;
}
