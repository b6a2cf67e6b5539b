/* detect_oom.c - oom-kill, from the kernel log ("Killed process PID
 * (comm)", any era's wording) and from the oom_kill counters. */
#include "analysis.h"
#include "kdump.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int detect_oom(const struct actx *c, struct finding *f)
{
	const struct model *fm = c->fm;
	int kills = 0;
	long pid = -1;
	char comm[64] = "", memcg[16] = "";
	for (size_t i = 0; i < fm->nkmsg; i++) {
		const char *s = strstr(fm->kmsg[i].text, "Killed process ");
		if (!s)
			s = strstr(fm->kmsg[i].text, "Kill process ");
		if (!s)
			continue;
		kills++;
		s = strchr(s, 's');
		s = s ? strstr(s, "process ") : NULL;
		if (!s)
			continue;
		char *end;
		long p = strtol(s + 8, &end, 10);
		if (end != s + 8 && end[0] == ' ' && end[1] == '(') {
			const char *cl = strchr(end + 2, ')');
			size_t l = cl ? (size_t)(cl - end - 2) : 0;
			if (l >= sizeof comm)
				l = sizeof comm - 1;
			memcpy(comm, end + 2, l);
			comm[l] = 0;
			pid = p;
		}
		snprintf(memcg, sizeof memcg, "%s", strstr(fm->kmsg[i].text, "Memory cgroup") ? "memcg" : "");
	}
	/* the parsed OOM report beats the one-line grep: it has rss and constraint */
	long rss_kb = -1;
	char constraint[32] = "";
	for (size_t i = 0; c->kd && i < kd_ndumps(c->kd); i++) {
		const struct kd_dump *d = kd_dump_at(c->kd, i);
		if (d->kind != KD_OOM || (!d->oom_victim_comm && d->oom_victim_pid < 0))
			continue;
		if (d->oom_victim_pid >= 0)
			pid = d->oom_victim_pid;
		if (d->oom_victim_comm)
			snprintf(comm, sizeof comm, "%s", d->oom_victim_comm);
		rss_kb = d->oom_victim_rss_kb;
		snprintf(constraint, sizeof constraint, "%s", d->oom_constraint ? d->oom_constraint : "");
		if (!kills)
			kills = 1;
	}
	double counted = 0;
	for (int i = 0; i < fm->nsamples; i++)
		if (!isnan(M(fm, i, M_OOMKILL)))
			counted += M(fm, i, M_OOMKILL);
	double cgk = 0;
	for (size_t i = 0; i < fm->nents; i++)
		if (fm->ents[i].kind == ENT_CGROUP)
			cgk += ent_sum(fm, &fm->ents[i], CF_OOM, 0, fm->nsamples);
	double total = fmax(kills, fmax(counted, cgk));
	if (total <= 0)
		return 0;
	f->score = 0.7;
	f->pid = pid;
	snprintf(f->comm, sizeof f->comm, "%s", comm);
	if (pid >= 0)
		snprintf(f->summary, sizeof f->summary, "the OOM killer fired %.0f time(s)%s; last victim %s (pid %ld)", total,
			 memcg[0] ? " inside a memory cgroup" : "", comm, pid);
	else
		snprintf(f->summary, sizeof f->summary, "the OOM killer fired %.0f time(s) (victim not in the recorded log)", total);
	add_ev(f, "oom_kills", 0, total, "kills");
	if (rss_kb >= 0)
		add_ev(f, "victim_rss_kb", NAN, (double)rss_kb, "kB");
	if (constraint[0])
		detail_add(f, "constraint: %s", constraint);
	return 1;
}
