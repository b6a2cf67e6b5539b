/* src_cgroup.h - the cgroup source's entry points, for the tests that
 * drive it on a bare ctx (the recorder reaches it through source_cgroup). */
#ifndef SRC_CGROUP_H
#define SRC_CGROUP_H

#include "capture.h"

int src_cgroup_init(struct ctx *c);
int src_cgroup_sample(struct ctx *c);
void src_cgroup_fini(struct ctx *c);

#endif
