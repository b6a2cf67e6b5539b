/* stacks.h - the kernel-dump evidence in reports. */
#ifndef STACKS_H
#define STACKS_H

#include "analysis.h"

struct kd_result;
struct kd_parser;
/* Kernel log lines in order; a trigger record tells the parser that the
 * lines after it answer that sysrq request. */
void stacks_feed(struct kd_parser *p, enum cap_text_kind kind, uint64_t trigger, const char *s, size_t len);
/* The dumps in a capture's recorded kernel log; NULL when there are none. */
struct kd_result *stacks_from_model(const struct model *mo);
/* The sample of the LINE-th line (0-based) stacks_from_model fed, the
 * order of kd_dump's line numbers; 0 when there is no such line. */
int stacks_line_sample(const struct model *mo, size_t line);

#endif
