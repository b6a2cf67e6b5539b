/* xxh32.h - XXH32 (seed 0), the checksum of a v2 CHECKPOINT record.
 * Internal to format/; FORMAT.md names the algorithm.  Written from the
 * public XXH32 specification.  Input words are assembled little-endian byte
 * by byte, so the value is the same on every host.  Streaming: the writer
 * hashes its stage buffer as it drains, in pieces of any size. */
#ifndef CAP_XXH32_H
#define CAP_XXH32_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define XXH_P1 0x9E3779B1u
#define XXH_P2 0x85EBCA77u
#define XXH_P3 0xC2B2AE3Du
#define XXH_P4 0x27D4EB2Fu
#define XXH_P5 0x165667B1u

struct cap_xxh32 {
	uint32_t v[4];
	uint64_t total;
	uint8_t buf[16];
	size_t buf_n;
};

static inline uint32_t cap_xxh_rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static inline uint32_t cap_xxh_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint32_t cap_xxh_round(uint32_t acc, uint32_t lane)
{
	return cap_xxh_rotl(acc + lane * XXH_P2, 13) * XXH_P1;
}

static inline void cap_xxh32_init(struct cap_xxh32 *s)
{
	s->v[0] = XXH_P1 + XXH_P2;
	s->v[1] = XXH_P2;
	s->v[2] = 0;
	s->v[3] = 0u - XXH_P1;
	s->total = 0;
	s->buf_n = 0;
}

static inline void cap_xxh32_stripes(struct cap_xxh32 *s, const uint8_t *p, size_t n)
{
	uint32_t a = s->v[0], b = s->v[1], c = s->v[2], d = s->v[3];
	for (size_t i = 0; i + 16 <= n; i += 16) {
		a = cap_xxh_round(a, cap_xxh_le32(p + i));
		b = cap_xxh_round(b, cap_xxh_le32(p + i + 4));
		c = cap_xxh_round(c, cap_xxh_le32(p + i + 8));
		d = cap_xxh_round(d, cap_xxh_le32(p + i + 12));
	}
	s->v[0] = a; s->v[1] = b; s->v[2] = c; s->v[3] = d;
}

static inline void cap_xxh32_update(struct cap_xxh32 *s, const void *data, size_t n)
{
	const uint8_t *p = data;
	s->total += n;
	if (s->buf_n) {
		size_t k = 16 - s->buf_n < n ? 16 - s->buf_n : n;
		memcpy(s->buf + s->buf_n, p, k);
		s->buf_n += k;
		p += k;
		n -= k;
		if (s->buf_n < 16)
			return;
		cap_xxh32_stripes(s, s->buf, 16);
		s->buf_n = 0;
	}
	size_t whole = n & ~(size_t)15;
	cap_xxh32_stripes(s, p, whole);
	memcpy(s->buf, p + whole, n - whole);
	s->buf_n = n - whole;
}

static inline uint32_t cap_xxh32_digest(const struct cap_xxh32 *s)
{
	uint32_t h;
	if (s->total >= 16)
		h = cap_xxh_rotl(s->v[0], 1) + cap_xxh_rotl(s->v[1], 7) +
		    cap_xxh_rotl(s->v[2], 12) + cap_xxh_rotl(s->v[3], 18);
	else
		h = s->v[2] + XXH_P5; /* v[2] is the seed until a stripe was mixed */
	h += (uint32_t)s->total;
	const uint8_t *p = s->buf;
	size_t n = s->buf_n, i = 0;
	for (; i + 4 <= n; i += 4)
		h = cap_xxh_rotl(h + cap_xxh_le32(p + i) * XXH_P3, 17) * XXH_P4;
	for (; i < n; i++)
		h = cap_xxh_rotl(h + p[i] * XXH_P5, 11) * XXH_P1;
	h ^= h >> 15;
	h *= XXH_P2;
	h ^= h >> 13;
	h *= XXH_P3;
	h ^= h >> 16;
	return h;
}

static inline uint32_t cap_xxh32(const void *data, size_t n)
{
	struct cap_xxh32 s;
	cap_xxh32_init(&s);
	cap_xxh32_update(&s, data, n);
	return cap_xxh32_digest(&s);
}

#endif
