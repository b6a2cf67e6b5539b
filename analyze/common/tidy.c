/* tidy.c - see tidy.h. */
#include "tidy.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

void text_tidy(char *s)
{
	unsigned char *p = (unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				*p = '?';
			p++;
			continue;
		}
		int n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
		uint32_t cp = n == 1 ? c & 0x1f : n == 2 ? c & 0x0f : c & 0x07;
		int k = 1;
		for (; n > 0 && k <= n && (p[k] & 0xc0) == 0x80; k++)
			cp = cp << 6 | (p[k] & 0x3f);
		bool ok = n > 0 && k == n + 1 && !(n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) &&
			  !(n == 3 && (cp < 0x10000 || cp > 0x10ffff)) && !(n == 1 && cp < 0xa0);
		if (!ok) {
			*p++ = '?';
			continue;
		}
		p += k;
	}
}

void text_mark_cut(char *s, size_t size)
{
	if (size < 4)
		return;
	size_t keep = size - 4;
	while (keep && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--;
	memcpy(s + keep, "...", 4);
}
