/* hash.h - analyze's one hash table: open addressing with linear probing
 * over a power-of-two number of slots kept at most half full, deletion by
 * backward shift (no tombstones, so a miss stops at the first hole).
 *
 * The table maps a key to an index into the caller's own array: the
 * caller keeps the entries (strings, tasks, entity keys) and says what
 * "the same key" is; a slot holds only the key's 32-bit hash and the
 * index, 8 bytes, so a probe stays within a cache line or two.  Where
 * the hash is the key itself (a bijection of a 32-bit id), no test is
 * needed: pass same = NULL.
 *
 * Walking the slots in order (s[j].v != 0) visits the entries in an order
 * that depends only on the keys inserted and removed, never on where the
 * caller's array keeps them.
 */
#ifndef HASH_H
#define HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hash_slot {
	uint32_t h; /* the key's hash */
	uint32_t v; /* index + 1 in the caller's array; 0 = empty */
};

struct hash {
	struct hash_slot *s;
	size_t cap, n;
};

/* Makes room for one more entry: doubles the slots (first, a power of
 * two, when there are none) when one more would fill more than half. */
void hash_reserve(struct hash *t, size_t first);
/* Stores index i with hash h in slot j, the hole hash_find stopped at. */
void hash_put(struct hash *t, size_t j, uint32_t h, uint32_t i);
/* Empties slot j, shifting back the entries whose probe ran through it. */
void hash_del(struct hash *t, size_t j);
void hash_free(struct hash *t);

typedef bool hash_same_fn(const void *ctx, uint32_t i);

/* The slot of the entry of hash h that same(ctx, index) accepts, or the
 * hole where it would go (s[j].v == 0).  The table must have slots. */
static inline size_t hash_find(const struct hash *t, uint32_t h, hash_same_fn *same, const void *ctx)
{
	size_t m = t->cap - 1, j = h & m;
	while (t->s[j].v && !(t->s[j].h == h && (!same || same(ctx, t->s[j].v - 1))))
		j = (j + 1) & m;
	return j;
}

/* The index of the entry, or -1. */
static inline long hash_get(const struct hash *t, uint32_t h, hash_same_fn *same, const void *ctx)
{
	if (!t->cap)
		return -1;
	size_t j = hash_find(t, h, same, ctx);
	return t->s[j].v ? (long)t->s[j].v - 1 : -1;
}

#endif
