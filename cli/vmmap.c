/*
 * vmmap: the effective x86_64 kernel memory map of a vmcore.
 *   vmmap map DUMP [--vmlinux FILE] [--json]
 *   vmmap addr DUMP ADDR... [--vmlinux FILE] [--json]   (ADDR '-': stdin)
 *   vmmap annotate DUMP [FILE|-] [--vmlinux FILE]
 * Exit status: 0 ok, 1 bad input, 2 usage.
 * Uses the public API only.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vmmap/vmmap.h>

#define EXIT_BAD_INPUT 1
#define EXIT_USAGE 2

struct options {
	const char *command;
	const char *dump;
	const char *vmlinux;
	bool json;
	char **args;
	int nargs;
};

/* Usage errors: one line on stderr, exit 2. */
static int
usage_error(const char *what)
{
	fprintf(stderr, "vmmap: %s (usage: vmmap map|addr|annotate DUMP ...; see vmmap --help)\n",
		what);
	return EXIT_USAGE;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: vmmap map DUMP [--vmlinux FILE] [--json]\n"
		"       vmmap addr DUMP ADDR... [--vmlinux FILE] [--json]  (ADDR - reads stdin)\n"
		"       vmmap annotate DUMP [FILE|-] [--vmlinux FILE]\n"
		"       vmmap --help | --version\n");
}

static int
fail(struct vmmap_error *err, const char *dump)
{
	const char *msg = vmmap_error_message(err);
	if (dump && strncmp(msg, dump, strlen(dump)) != 0)
		fprintf(stderr, "vmmap: %s: %s\n", dump, msg);
	else
		fprintf(stderr, "vmmap: %s\n", msg);
	vmmap_error_destroy(err);
	return EXIT_BAD_INPUT;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "vmlinux", required_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	opterr = 0;
	/* '+' would stop at the first operand; permute so options may
	 * follow the dump. '-' alone stays an operand. */
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'v': o->vmlinux = optarg; break;
		case 'j': o->json = true; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("vmmap %s\n", PACKAGE_VERSION); exit(0);
		default:
			fprintf(stderr, "vmmap: unknown option '%s' (see vmmap --help)\n",
				argv[optind - 1]);
			exit(EXIT_USAGE);
		}
	}
	if (argc - optind < 2)
		return -1;
	o->command = argv[optind];
	o->dump = argv[optind + 1];
	o->args = argv + optind + 2;
	o->nargs = argc - optind - 2;
	return 0;
}

static int
open_map(const struct options *o, struct vmmap_source **src, struct vmmap_map **map)
{
	struct vmmap_error *err = vmmap_source_open_dump(o->dump, src);
	if (err)
		return fail(err, o->dump);
	err = vmmap_map_build(*src, o->vmlinux, map);
	if (err) {
		vmmap_source_destroy(*src);
		return fail(err, o->dump);
	}
	return 0;
}

static int
cmd_map(struct vmmap_map *map, const struct options *o)
{
	if (o->json)
		vmmap_print_map_json(map, stdout);
	else
		vmmap_print_map_text(map, stdout);
	return 0;
}

/* Addresses from the command line, or whitespace-separated on stdin. */
static int
collect_addresses(const struct options *o, uint64_t **out, size_t *n)
{
	size_t cap = 16;
	uint64_t *a = malloc(cap * sizeof(*a));
	*n = 0;
	char word[64];
	for (int i = 0; a && i < o->nargs; i++) {
		bool from_stdin = strcmp(o->args[i], "-") == 0;
		for (;;) {
			const char *text = o->args[i];
			if (from_stdin) {
				if (scanf("%63s", word) != 1)
					break;
				text = word;
			}
			if (*n == cap) {
				uint64_t *b = realloc(a, (cap *= 2) * sizeof(*a));
				if (!b)
					break;
				a = b;
			}
			struct vmmap_error *err = vmmap_parse_address(text, &a[*n]);
			if (err) {
				free(a);
				return fail(err, NULL);
			}
			(*n)++;
			if (!from_stdin)
				break;
		}
	}
	if (!a) {
		fprintf(stderr, "vmmap: out of memory\n");
		return EXIT_BAD_INPUT;
	}
	*out = a;
	return 0;
}

static int
cmd_addr(struct vmmap_map *map, const struct options *o)
{
	uint64_t *addrs = NULL;
	size_t n = 0;
	int rc = collect_addresses(o, &addrs, &n);
	if (rc)
		return rc;
	if (o->json)
		printf("{\"addresses\":[");
	for (size_t i = 0; i < n; i++) {
		struct vmmap_annotation a;
		struct vmmap_error *err = vmmap_map_annotate(map, addrs[i], 0, &a);
		if (err) {
			free(addrs);
			return fail(err, o->dump);
		}
		if (o->json) {
			vmmap_print_annotation_json(&a, stdout);
			if (i + 1 < n)
				putchar(',');
		} else {
			vmmap_print_annotation_text(&a, stdout);
		}
	}
	if (o->json)
		printf("]}\n");
	free(addrs);
	return 0;
}

static int
cmd_annotate(struct vmmap_map *map, const struct options *o)
{
	FILE *in = stdin;
	const char *name = o->nargs ? o->args[0] : "-";
	if (strcmp(name, "-") != 0 && !(in = fopen(name, "r"))) {
		fprintf(stderr, "vmmap: %s: cannot open: ", name);
		perror(NULL);
		return EXIT_BAD_INPUT;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, in)) > 0)
		vmmap_annotate_text(map, line, (size_t)len, stdout);
	free(line);
	if (in != stdin)
		fclose(in);
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	if (parse_options(argc, argv, &o) < 0)
		return usage_error("a command and a dump are needed");
	int (*cmd)(struct vmmap_map *, const struct options *);
	if (strcmp(o.command, "map") == 0)
		cmd = cmd_map;
	else if (strcmp(o.command, "addr") == 0)
		cmd = cmd_addr;
	else if (strcmp(o.command, "annotate") == 0)
		cmd = cmd_annotate;
	else {
		fprintf(stderr, "vmmap: unknown command '%s' (see vmmap --help)\n", o.command);
		return EXIT_USAGE;
	}
	bool args_ok = cmd == cmd_map ? o.nargs == 0
		     : cmd == cmd_addr ? o.nargs > 0 : o.nargs <= 1;
	if (!args_ok)
		return usage_error(cmd == cmd_addr ? "addr needs at least one address"
						   : "too many operands");
	struct vmmap_source *src;
	struct vmmap_map *map;
	int rc = open_map(&o, &src, &map);
	if (rc)
		return rc;
	rc = cmd(map, &o);
	vmmap_map_destroy(map);
	vmmap_source_destroy(src);
	return rc;
}
