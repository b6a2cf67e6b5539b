/* stacks.c - placeholder until the kernel-dump parser is merged from main. */
#include "stacks.h"

#include <stdio.h>

int stacks_command(const char *path, bool json, const char *out)
{
	(void)json; (void)out;
	fprintf(stderr, "analyze: stacks for %s: the kernel-dump parser is not merged yet\n", path);
	return 2;
}

void stacks_attach(struct report *r)
{
	r->stacks = NULL;
}
