/* render_stacks: the stacks JSON of SPEC.md and a compact text listing.
 * Presentation only: every decision (grouping, labels) is stackgroup's. */
#ifndef RENDER_STACKS_H
#define RENDER_STACKS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "kdump.h"
#include "stackgroup.h"

/* {"dumps": [...], "groups": [...]}; groups may be NULL (then "groups": []).
 * The caller owns the returned reference. */
json_t *stacks_to_json(const struct kd_result *r, const struct sg_groups *g);

/* Groups with counts, labels, members and the common stack, then a line per
 * dump. color adds ANSI attributes for a terminal. */
void stacks_print_text(FILE *out, const struct kd_result *r, const struct sg_groups *g,
                       bool color);

#endif
