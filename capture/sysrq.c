/* sysrq.c - asks the kernel for the stacks that explain a stall: 'l'
 * (backtrace of all active CPUs) and 'w' (tasks in D state).
 *
 * The recorder writes exactly these two keys to sysrq-trigger and nothing
 * else, ever: the only write to the trigger fd is sysrq_key(), whose
 * argument is an enum indexing a two-entry table.  Other keys reboot,
 * kill or crash the box.
 *
 * kernel.sysrq only gates the keyboard on current kernels (the trigger
 * file works for root whatever the mask), but some vendor kernels and old
 * ones check it, so when the mask lacks bit 0x8 ("debugging dumps of
 * processes", which covers l and w) it is widened for the trigger and put
 * back right after.
 */
#include "sysrq.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum sysrq_fn { SHOW_CPUS, SHOW_BLOCKED };
static const char sysrq_keys[] = { [SHOW_CPUS] = 'l', [SHOW_BLOCKED] = 'w' };
#define SYSRQ_DUMP_BIT 0x8

static int sysrq_key(int fd, enum sysrq_fn f)
{
	char key = sysrq_keys[f];
	return write(fd, &key, 1) == 1 ? 0 : -1;
}

int sysrq_parse_mode(const char *s, struct sysrq_cfg *cfg)
{
	if (!strcmp(s, "auto"))
		cfg->mode = SYSRQ_AUTO;
	else if (!strcmp(s, "off"))
		cfg->mode = SYSRQ_OFF;
	else if (!strncmp(s, "every=", 6) && !parse_seconds_us(s + 6, &cfg->every_us) && cfg->every_us)
		cfg->mode = SYSRQ_EVERY;
	else
		return -1;
	return 0;
}

int sysrq_parse_when(const char *s, struct sysrq_cfg *cfg)
{
	char tmp[256];
	if (strlen(s) >= sizeof tmp)
		return -1;
	strcpy(tmp, s);
	for (char *save = NULL, *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '=');
		if (!eq)
			return -1;
		*eq = 0;
		const char *v = eq + 1, *end = v + strlen(v);
		uint64_t x;
		const char *q;
		if (!strcmp(t, "psi"))
			q = parse_centi(v, end, &x);
		else if (!strcmp(t, "gap")) {
			if (parse_seconds_us(v, &x))
				return -1;
			q = end;
		} else
			q = parse_u64(v, end, &x);
		if (!q || q != end || *v == '-')
			return -1;
		if (!strcmp(t, "iowait") && x <= 100)
			cfg->iowait_pct = x;
		else if (!strcmp(t, "dtasks"))
			cfg->dtasks = x;
		else if (!strcmp(t, "psi") && x <= 10000)
			cfg->psi_centi = x;
		else if (!strcmp(t, "gap"))
			cfg->gap_us = x;
		else if (!strcmp(t, "max"))
			cfg->max_runs = x;
		else
			return -1;
	}
	return 0;
}

void sysrq_open(struct sysrq *q, struct ctx *c, const struct sysrq_cfg *cfg)
{
	memset(q, 0, sizeof *q);
	q->cfg = *cfg;
	q->trig_fd = -1;
	if (cfg->mode == SYSRQ_OFF)
		return;
	/* O_APPEND: a fixture's trigger file collects the keys in order */
	q->trig_fd = openat(c->proc_fd, "sysrq-trigger", O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (q->trig_fd < 0) {
		char msg[320];
		snprintf(msg, sizeof msg, "sysrq: cannot open %s/sysrq-trigger (%s): no kernel stacks will be "
			 "recorded; run as root on a kernel with CONFIG_MAGIC_SYSRQ, or pass --sysrq off",
			 c->proc_root, strerror(errno));
		c->note(c, msg);
	}
}

void sysrq_close(struct sysrq *q)
{
	if (q->trig_fd >= 0)
		close(q->trig_fd);
	q->trig_fd = -1;
}

size_t sysrq_health_reason(const struct sysrq_cfg *cfg, const struct health *prev, const struct health *h,
			   char *why, size_t cap)
{
	size_t n = 0;
	why[0] = 0;
	if (cfg->iowait_pct && prev && h->have_cpu && prev->have_cpu &&
	    h->cpu_total > prev->cpu_total && h->cpu_iowait >= prev->cpu_iowait) {
		uint64_t pct = (h->cpu_iowait - prev->cpu_iowait) * 100 / (h->cpu_total - prev->cpu_total);
		if (pct >= cfg->iowait_pct)
			n += (size_t)snprintf(why + n, cap - n, "%siowait=%llu%%", n ? " " : "",
					      (unsigned long long)pct);
	}
	if (cfg->dtasks && h->dtasks >= cfg->dtasks && n < cap)
		n += (size_t)snprintf(why + n, cap - n, "%sdtasks=%u", n ? " " : "", h->dtasks);
	char num[32];
	if (cfg->psi_centi && h->have_psi_io && h->psi_io_some10 >= cfg->psi_centi && n < cap) {
		fmt_centi(num, h->psi_io_some10);
		n += (size_t)snprintf(why + n, cap - n, "%spsi_io=%s", n ? " " : "", num);
	}
	if (cfg->psi_centi && h->have_psi_mem && h->psi_mem_some10 >= cfg->psi_centi && n < cap) {
		fmt_centi(num, h->psi_mem_some10);
		n += (size_t)snprintf(why + n, cap - n, "%spsi_memory=%s", n ? " " : "", num);
	}
	return n < cap ? n : cap - 1;
}

bool sysrq_should(struct sysrq *q, const struct health *h, uint64_t now_us, char *why, size_t cap)
{
	const struct sysrq_cfg *cfg = &q->cfg;
	bool fire = false;
	why[0] = 0;
	if (q->trig_fd < 0 || cfg->mode == SYSRQ_OFF) {
		/* nothing */
	} else if (cfg->mode == SYSRQ_EVERY) {
		if (!q->runs || now_us - q->last_us >= cfg->every_us) {
			snprintf(why, cap, "every=%llus", (unsigned long long)(cfg->every_us / 1000000));
			fire = true;
		}
	} else if (q->runs < cfg->max_runs && (!q->last_us || now_us - q->last_us >= cfg->gap_us)) {
		/* last_us, not runs: capture --ring resets runs per window, never the gap */
		fire = sysrq_health_reason(cfg, q->have_prev ? &q->prev : NULL, h, why, cap) > 0;
	}
	q->prev = *h;
	q->have_prev = true;
	if (fire)
		q->last_us = now_us;
	return fire;
}

static bool read_mask(struct ctx *c, uint64_t *v)
{
	char buf[32];
	ssize_t n = read_at(c->proc_fd, "sys/kernel/sysrq", buf, sizeof buf);
	return n > 0 && parse_u64(buf, buf + n, v);
}

static bool write_mask(struct ctx *c, uint64_t v)
{
	char buf[32];
	size_t n = fmt_u64(buf, v);
	buf[n++] = '\n';
	int fd = openat(c->proc_fd, "sys/kernel/sysrq", O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	bool ok = write(fd, buf, n) == (ssize_t)n;
	return close(fd) == 0 && ok;
}

static uint64_t now_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int64_t sysrq_fire(struct sysrq *q, struct ctx *c, struct kmsg *k, const char *why)
{
	static const enum sysrq_fn order[] = { SHOW_CPUS, SHOW_BLOCKED };
	uint64_t old;
	bool restore = false;
	if (q->trig_fd < 0)
		return 0;
	if (read_mask(c, &old) && old != 1 && !(old & SYSRQ_DUMP_BIT))
		restore = write_mask(c, old | SYSRQ_DUMP_BIT);
	q->runs++;
	int64_t id = 0;
	int rc = 0;
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		char text[300];
		int n = snprintf(text, sizeof text, "%c %s", sysrq_keys[order[i]], why);
		id = (int64_t)++q->next_id;
		if (c->w && cap_text(c->w, CAP_TXT_TRIGGER, now_mono_us(), CAP_NA, CAP_NA, (uint64_t)id,
				     text, (size_t)n)) {
			rc = -1;
			break;
		}
		if (sysrq_key(q->trig_fd, order[i])) {
			char msg[200];
			snprintf(msg, sizeof msg, "sysrq: writing '%c' to sysrq-trigger failed (%s); "
				 "no more triggers this run", sysrq_keys[order[i]], strerror(errno));
			c->note(c, msg);
			close(q->trig_fd);
			q->trig_fd = -1;
			break;
		}
		/* Without NMI (arm64, riscv) the other CPUs answer 'l' by IPI,
		 * a little later: give them a moment, or their backtraces land
		 * after 'w' and are taken for part of its answer. */
		if (order[i] == SHOW_CPUS && i + 1 < sizeof order / sizeof order[0]) {
			struct timespec ts = { 0, 150 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		if (kmsg_drain(k, c, (uint64_t)id)) {
			rc = -1;
			break;
		}
	}
	if (restore && !write_mask(c, old)) {
		char msg[160];
		snprintf(msg, sizeof msg, "sysrq: could not restore kernel.sysrq to %llu; set it back by hand",
			 (unsigned long long)old);
		c->note(c, msg);
	}
	return rc ? -1 : id;
}
