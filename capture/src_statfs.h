/* src_statfs.h - the statfs source's entry points, for the tests and the
 * benchmark that drive it on a bare ctx (the recorder reaches it through
 * source_statfs). */
#ifndef SRC_STATFS_H
#define SRC_STATFS_H

#include "capture.h"

int src_statfs_init(struct ctx *c);
int src_statfs_sample(struct ctx *c);
void src_statfs_fini(struct ctx *c);

#endif
