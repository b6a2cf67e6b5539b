/* keys.c - names and keys: counter-name tables, interned strings, the
 * entity of a key, the meaning of a frame's name ids. */
#include "reading.h"
#include "fnv.h"
#include "xalloc.h"

#include <string.h>

static bool kv_same(const void *ctx, uint32_t i)
{
	const void *const *c = ctx; /* { kv, name } */
	return !strcmp(((const struct kv *)c[0])[i].name, c[1]);
}

static uint32_t str_hash(const char *s) { return fnv1a32(s, strlen(s)); }


void ktab_init(struct ktab *t, const struct kv *kv, size_t n)
{
	t->kv = kv;
	for (size_t i = 0; i < n; i++) {
		hash_reserve(&t->h, 64);
		uint32_t h = str_hash(kv[i].name);
		const void *c[2] = { kv, kv[i].name };
		hash_put(&t->h, hash_find(&t->h, h, kv_same, c), h, (uint32_t)i);
	}
}

int ktab_get(const struct ktab *t, const char *name)
{
	const void *c[2] = { t->kv, name };
	long i = hash_get(&t->h, str_hash(name), kv_same, c);
	return i < 0 ? -1 : t->kv[i].slot;
}

static bool str_same(const void *ctx, uint32_t i)
{
	const void *const *c = ctx; /* { strtab, string } */
	return !strcmp(((const struct strtab *)c[0])->s[i], c[1]);
}

/* The id of string s (0 for none or ""), the same for equal strings. */
uint32_t intern(struct strtab *t, const char *s)
{
	if (!s || !*s)
		return 0;
	uint32_t h = str_hash(s);
	const void *c[2] = { t, s };
	hash_reserve(&t->h, 256);
	size_t j = hash_find(&t->h, h, str_same, c);
	if (t->h.s[j].v)
		return t->h.s[j].v - 1;
	if (t->n + 1 > t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->s = xrealloc(t->s, t->cap * sizeof *t->s);
		if (!t->n)
			t->s[t->n++] = NULL; /* id 0 = empty */
	}
	t->s[t->n] = xstrdup(s);
	hash_put(&t->h, j, h, (uint32_t)t->n);
	return (uint32_t)t->n++;
}

const char *str_of(const struct rd *r, uint32_t id)
{
	return id && id < r->st.n ? r->st.s[id] : "";
}

static bool key_same(const void *ctx, uint32_t i)
{
	const void *const *c = ctx; /* { keys, key } */
	return ((const uint64_t *)c[0])[i] == *(const uint64_t *)c[1];
}

/* The entity index kept for key (-1 when just made, for the caller to
 * set); NULL when absent and not to be made.  The pointer holds until the
 * next key is made. */
int *map_slot(struct rd *r, uint64_t key, bool create)
{
	uint32_t h = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32);
	const void *c[2] = { r->mk, &key };
	if (!create) {
		long i = hash_get(&r->mh, h, key_same, c);
		return i < 0 ? NULL : &r->mv[i];
	}
	hash_reserve(&r->mh, 1024);
	size_t j = hash_find(&r->mh, h, key_same, c);
	if (r->mh.s[j].v)
		return &r->mv[r->mh.s[j].v - 1];
	if (r->mn == r->mcap) {
		r->mcap = r->mcap ? r->mcap * 2 : 256;
		r->mk = xrealloc(r->mk, r->mcap * sizeof *r->mk);
		r->mv = xrealloc(r->mv, r->mcap * sizeof *r->mv);
	}
	r->mk[r->mn] = key;
	r->mv[r->mn] = -1;
	hash_put(&r->mh, j, h, (uint32_t)r->mn);
	return &r->mv[r->mn++];
}

struct idmeaning *id_cell_grow(struct rd *r, uint32_t id)
{
	if (id >= r->ids_cap) {
		size_t nc = r->ids_cap ? r->ids_cap : 256;
		while (nc <= id)
			nc *= 2;
		r->ids = xrealloc(r->ids, nc * sizeof *r->ids);
		r->ids_cap = nc;
	}
	for (size_t k = r->nids; k <= id; k++)
		r->ids[k] = (struct idmeaning){ UINT32_MAX };
	r->nids = (size_t)id + 1;
	return &r->ids[id];
}
