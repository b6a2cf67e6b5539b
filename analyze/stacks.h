/* stacks.h - `analyze stacks` and the kernel-dump evidence in reports. */
#ifndef STACKS_H
#define STACKS_H

#include <stdbool.h>
#include "analysis.h"

int stacks_command(const char *path, bool json, const char *out);
/* Parses the capture's kernel log into r->stacks (NULL when no dump). */
void stacks_attach(struct report *r);

#endif
