/* codec.h - varints and zigzag, the only integer encodings in the format.
 * Internal to format/; FORMAT.md specifies them. */
#ifndef CAP_CODEC_H
#define CAP_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define CAP_VARINT_MAX 10

/* Unsigned LEB128: 7 bits per byte, least significant first, high bit set
 * on every byte but the last. */
static inline size_t cap_put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Returns bytes consumed, 0 if the input ends inside the varint or the
 * varint is longer than 10 bytes (damage). */
static inline size_t cap_get_varint(const uint8_t *p, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	for (size_t i = 0; i < len && i < CAP_VARINT_MAX; i++) {
		v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*out = v;
			return i + 1;
		}
	}
	return 0;
}

/* Counters are deltas modulo 2^64, so any u64 round-trips, wraps included;
 * zigzag keeps small negative steps small. */
static inline uint64_t cap_zigzag(uint64_t delta)
{
	return (delta << 1) ^ (uint64_t)(-(int64_t)(delta >> 63));
}

static inline uint64_t cap_unzigzag(uint64_t z)
{
	return (z >> 1) ^ (uint64_t)(-(int64_t)(z & 1));
}

#endif
