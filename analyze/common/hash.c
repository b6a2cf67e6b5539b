/* hash.c - see hash.h. */
#include "hash.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

void hash_reserve(struct hash *t, size_t first)
{
	if ((t->n + 1) * 2 <= t->cap)
		return;
	size_t oc = t->cap, nc = oc ? oc * 2 : first, m = nc - 1;
	struct hash_slot *old = t->s, *ns = xrealloc(NULL, nc * sizeof *ns);
	memset(ns, 0, nc * sizeof *ns);
	/* in the old slots' order: the new layout depends on the keys only */
	for (size_t i = 0; i < oc; i++)
		if (old[i].v) {
			size_t j = old[i].h & m;
			while (ns[j].v)
				j = (j + 1) & m;
			ns[j] = old[i];
		}
	free(old);
	t->s = ns;
	t->cap = nc;
}

void hash_put(struct hash *t, size_t j, uint32_t h, uint32_t i)
{
	t->s[j] = (struct hash_slot){ h, i + 1 };
	t->n++;
}

void hash_del(struct hash *t, size_t i)
{
	size_t m = t->cap - 1;
	t->s[i].v = 0;
	t->n--;
	for (size_t j = (i + 1) & m; t->s[j].v; j = (j + 1) & m) {
		size_t home = t->s[j].h & m;
		/* j moves back to the hole at i unless its home lies in (i, j]
		 * cyclically: then a probe for it never passes i */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			t->s[i] = t->s[j];
			t->s[j].v = 0;
			i = j;
		}
	}
}

void hash_free(struct hash *t)
{
	free(t->s);
	*t = (struct hash){ 0 };
}
