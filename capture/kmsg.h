/* kmsg.h - kernel log reader (kmsg.c). */
#ifndef KMSG_H
#define KMSG_H

#include "capture.h"

#include <sys/types.h>

struct kmsg {
	enum { KM_NONE, KM_DEV, KM_FILE, KM_KLOG } mode;
	int fd;
	char buf[8192];       /* one /dev/kmsg record, or file lines */
	size_t len;           /* file mode: bytes of a partial line kept */
	off_t off;            /* file mode: how far the file was read */
	char *klog;           /* klogctl mode: the whole ring */
	size_t klog_cap;
	uint64_t last_ts;
	/* kernel alarms seen (OOM kills, hung tasks), and the first line of
	 * the first one since the consumer last cleared it */
	uint64_t oom, hung;
	char alarm[160];
};

/* path NULL: /dev/kmsg, then klogctl.  Never fails: a missing log is one
 * note, and the capture goes on without it. */
int kmsg_open(struct kmsg *k, struct ctx *c, const char *path);
/* Records everything new; trigger = the sysrq trigger id it answers. */
int kmsg_drain(struct kmsg *k, struct ctx *c, uint64_t trigger);
void kmsg_close(struct kmsg *k);

#endif
