/* stacks.h - `analyze stacks` and the kernel-dump evidence in reports. */
#ifndef STACKS_H
#define STACKS_H

#include <stdbool.h>
#include "analysis.h"

struct kd_result;
int stacks_command(const char *path, bool json, const char *out);
/* The dumps in a capture's recorded kernel log; NULL when there are none. */
struct kd_result *stacks_from_model(const struct model *mo);

#endif
