/*
 * Tagging kernel pointers in free text (oopses, crash's bt -f and rd
 * output, logs): every 16-digit hex word, with or without 0x, that is
 * a kernel address gets " [region+offset]" or " [region:symbol+off]"
 * after it. A word is delimited by characters that are not letters,
 * digits or '_', so longer hex strings and identifiers stay as they are.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "map.h"

static bool
is_word_char(int c)
{
	return isalnum(c) || c == '_';
}

/* Does a hex word start at i: not in the middle of a word, except right
 * after a "0x" that itself starts a word? */
static bool
word_starts_at(const char *text, size_t i)
{
	if (i == 0 || !is_word_char((unsigned char)text[i - 1]))
		return true;
	return i >= 2 && text[i - 1] == 'x' && text[i - 2] == '0' &&
	       (i < 3 || !is_word_char((unsigned char)text[i - 3]));
}

void
vmmap_annotate_text(struct vmmap_map *map, const char *text, size_t len,
		    void *file)
{
	FILE *out = file;
	size_t i = 0, flushed = 0;
	while (i < len) {
		if (!isxdigit((unsigned char)text[i]) || !word_starts_at(text, i)) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < len && isxdigit((unsigned char)text[j]))
			j++;
		if (j - i == 16 && (j == len || !is_word_char((unsigned char)text[j]))) {
			char word[17];
			uint64_t v;
			struct vmmap_annotation a;
			memcpy(word, text + i, 16);
			word[16] = '\0';
			struct vmmap_error *err = vmmap_parse_address(word, &v);
			if (!err && vmmap_is_kernel_pointer(map, v) &&
			    !vmmap_map_annotate(map, v, VMMAP_ANNOTATE_NO_PHYS, &a)) {
				char tag[256];
				vmmap_format_tag(&a, tag, sizeof(tag));
				fwrite(text + flushed, 1, j - flushed, out);
				fprintf(out, " [%s]", tag);
				flushed = j;
			}
			vmmap_error_destroy(err);
		}
		i = j;
	}
	fwrite(text + flushed, 1, len - flushed, out);
}
