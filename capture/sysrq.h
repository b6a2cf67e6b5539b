/* sysrq.h - sysrq 'l' and 'w' when the box looks sick (sysrq.c). */
#ifndef SYSRQ_H
#define SYSRQ_H

#include "capture.h"
#include "kmsg.h"

enum sysrq_mode { SYSRQ_OFF, SYSRQ_AUTO, SYSRQ_EVERY };

struct sysrq_cfg {
	enum sysrq_mode mode;
	uint64_t every_us;
	/* auto: fire when any threshold is reached; 0 turns one off */
	uint64_t iowait_pct;   /* iowait share of all CPU time since the last sample */
	uint64_t dtasks;       /* tasks in D state */
	uint64_t psi_centi;    /* PSI io or memory "some avg10", hundredths of % */
	uint64_t gap_us;       /* at least this long between two triggers */
	uint64_t max_runs;     /* at most this many per capture */
};

#define SYSRQ_DEFAULTS { SYSRQ_AUTO, 0, 50, 3, 4000, 60000000, 10 }

struct sysrq {
	struct sysrq_cfg cfg;
	int trig_fd;           /* PROC/sysrq-trigger, -1 when unusable */
	uint64_t runs, last_us, next_id;
	struct health prev;
	bool have_prev;
};

/* "auto", "off", "every=SECONDS"; -1 on junk */
int sysrq_parse_mode(const char *s, struct sysrq_cfg *cfg);
/* "iowait=50,dtasks=3,psi=40,gap=60,max=10" (any subset); -1 on junk */
int sysrq_parse_when(const char *s, struct sysrq_cfg *cfg);
void sysrq_open(struct sysrq *q, struct ctx *c, const struct sysrq_cfg *cfg);
void sysrq_close(struct sysrq *q);
/* The health signal: which --sysrq-when thresholds this sample reaches
 * against the previous one (prev NULL: none yet), as "iowait=63% dtasks=3";
 * returns the length, 0 when healthy.  Pure; capture --ring triggers on it
 * too, whatever the sysrq mode. */
size_t sysrq_health_reason(const struct sysrq_cfg *cfg, const struct health *prev, const struct health *h,
			   char *why, size_t cap);
/* Pure decision on this sample's health against the last one; the reason
 * goes to why.  Also remembers h for the next call. */
bool sysrq_should(struct sysrq *q, const struct health *h, uint64_t now_us, char *why, size_t cap);
/* Writes 'l' then 'w', each after its CAP_TXT_TRIGGER record, and records
 * the kernel's answer with the trigger's id.  Returns the id of the last
 * trigger (its answer may go on into the next sample), 0 if none fired,
 * -1 when the writer failed. */
int64_t sysrq_fire(struct sysrq *q, struct ctx *c, struct kmsg *k, const char *why);

#endif
