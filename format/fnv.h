/* fnv.h - FNV-1a, the tree's one string hash: the keys are short (counter
 * and source names, interned strings), so its speed and spread suffice. */
#ifndef FNV_H
#define FNV_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t fnv1a32(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

/* 64 bits, the offset basis xored with a seed (0: plain FNV-1a) */
static inline uint64_t fnv1a64(uint64_t seed, const char *s)
{
	uint64_t h = 1469598103934665603ull ^ seed;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

#endif
