/* main.c - capture: record /proc, the kernel log and sysrq dumps of a sick
 * Linux box into a capture file (see capture/README.md and SPEC.md). */
#include "capture.h"
#include "kmsg.h"
#include "output.h"
#include "ring.h"
#include "sysrq.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#define READ_BUF (64u << 10)
#define MAX_FLUSH_US 10000000ull
#define STOP_GRACE_S 15 /* a last frame and fsync on a slow card fit in this */

static volatile sig_atomic_t stop_signal, usr1;

static void on_usr1(int sig)
{
	(void)sig;
	usr1 = 1;
}

static void on_watchdog(int sig)
{
	static const char msg[] = "capture: did not stop in time after a signal; exiting (the file is "
				  "valid up to its last complete frame)\n";
	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) {
		/* nothing left to tell */
	}
	_exit(1);
}

/* The first SIGINT/SIGTERM asks for a clean stop (the walks check it); a
 * second one, or a watchdog when the stop takes too long, exits at once:
 * the recorder must never be the process only SIGKILL ends. */
static void on_signal(int sig)
{
	if (stop_signal)
		on_watchdog(sig);
	stop_signal = sig;
	alarm(STOP_GRACE_S);
}

static const char usage_text[] =
	"usage: capture -o FILE [options]\n"
	"Records /proc, the kernel log and sysrq dumps of this machine into FILE.\n"
	"\n"
	"  -o FILE              capture file ('-' = standard output); created mode 0600,\n"
	"                       a symbolic link is refused, an existing FILE too (exit 2)\n"
	"  --force              replace an existing FILE\n"
	"  -i SECONDS           mean sampling interval, fractions allowed (default 1; 0 = back to\n"
	"                       back); each gap is random in [i/2, 3i/2) so nothing aliases it\n"
	"  -n COUNT             stop after COUNT samples\n"
	"  -d SECONDS           stop after SECONDS\n"
	"  --flush SECONDS      make what was recorded readable at least this often (a flush\n"
	"                       point; default 10, at most 10): a crash loses at most this much\n"
	"  --frame SECONDS      start a self-contained frame (every task and counter restated)\n"
	"                       at least this often (default 600): damage costs at most one frame\n"
	"  --max-size SIZE      disk cap (k/M/G): at SIZE/2 FILE is renamed FILE.1 (replacing it)\n"
	"                       and a new FILE starts, so both stay under SIZE; with -o - the\n"
	"                       capture stops cleanly at SIZE\n"
	"  --sysrq MODE         auto | off | every=SECONDS (default auto): write sysrq 'l' then 'w'\n"
	"                       and record the kernel's answer\n"
	"  --sysrq-when LIST    auto thresholds, any of iowait=PCT,dtasks=N,psi=PCT,gap=SECONDS,max=N\n"
	"                       (default iowait=50,dtasks=3,psi=40,gap=60,max=10; 0 turns one off);\n"
	"                       fires when any is reached: iowait share since the last sample,\n"
	"                       tasks in D, PSI io or memory some avg10\n"
	"  --ring DURATION      flight recorder: keep the last DURATION (e.g. 30m, 90s, 2h) in a\n"
	"                       locked RAM ring and write nothing to FILE until a trigger (the\n"
	"                       --sysrq-when health signal, SIGUSR1, an OOM kill or hung task in\n"
	"                       the kernel log; at most one per gap); then append the ring and\n"
	"                       the --post time after the last trigger to FILE, and ring again;\n"
	"                       an existing FILE is appended to (--force: emptied at start)\n"
	"  --post DURATION      with --ring: keep writing this long after a trigger (default 5m)\n"
	"  --ring-mem SIZE      with --ring: the ring never takes more (default 16M); with\n"
	"                       --max-size, FILE is never grown past SIZE (no rotation)\n"
	"  --proc-root DIR      read procfs (incl. sysrq-trigger, sys/kernel/sysrq) under DIR\n"
	"  --kmsg PATH          kernel log source (default /dev/kmsg, then klogctl)\n"
	"  --cgroup-root DIR    memory cgroup hierarchy root (default: found in mountinfo,\n"
	"                       or DIR/../sys/fs/cgroup with --proc-root)\n"
	"  --cgroup-depth N     levels of cgroups below the root (default 3)\n"
	"  --max-tasks N        most tasks recorded at once (default 32768); the tables start\n"
	"                       at the tasks there are and grow in steps as tasks appear\n"
	"  --priority           run at nice -10 so a loaded box still gets sampled on time\n"
	"  --no-mlock           do not lock the recorder in memory\n"
	"  -h, --help           this text\n"
	"  -V, --version        the version (also stamped in every capture header)\n"
	"\n"
	"Exit status: 0 clean stop (count, duration, SIGINT, SIGTERM, size cap on stdout),\n"
	"1 runtime failure (disk full, I/O error, output removed, ...), 2 usage error.\n";

struct opts {
	const char *out, *proc_root, *kmsg, *cgroup_root;
	uint64_t interval_us, count, duration_us, flush_us, frame_us, max_size;
	uint64_t ring_us, post_us, ring_mem;
	int cgroup_depth;
	size_t max_tasks;
	bool priority, no_mlock, force;
	struct sysrq_cfg sysrq;
};

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "capture: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\ncapture: try 'capture --help'\n");
	return 2;
}

enum { O_FLUSH = 256, O_FRAME, O_MAXSIZE, O_SYSRQ, O_SYSRQ_WHEN, O_PROC, O_KMSG, O_CGROOT,
       O_CGDEPTH, O_MAXTASKS, O_PRIO, O_NOMLOCK, O_VERSION, O_FORCE, O_RING, O_POST, O_RINGMEM };

/* One option's value into o: -1 taken, 2 a usage error (said), -2 not an
 * option of ours. */
static int set_opt(struct opts *o, int ch, const char *a)
{
	uint64_t v;
	switch (ch) {
	case 'o': o->out = a; break;
	case 'i':
		if (parse_seconds_us(a, &o->interval_us))
			return usage_error("-i %s: expected seconds, e.g. 1 or 0.5", a);
		break;
	case 'n':
		if (!parse_u64(a, a + strlen(a), &v) || *a == '-' || !v ||
		    strspn(a, "0123456789") != strlen(a))
			return usage_error("-n %s: expected a positive count", a);
		o->count = v;
		break;
	case 'd':
		if (parse_seconds_us(a, &o->duration_us) || !o->duration_us)
			return usage_error("-d %s: expected seconds, e.g. 60", a);
		break;
	case O_FLUSH:
		if (parse_seconds_us(a, &o->flush_us) || !o->flush_us || o->flush_us > MAX_FLUSH_US)
			return usage_error("--flush %s: expected seconds, more than 0 and at most 10", a);
		break;
	case O_FRAME:
		if (parse_seconds_us(a, &o->frame_us) || !o->frame_us || o->frame_us > 86400000000ull)
			return usage_error("--frame %s: expected seconds, more than 0 and at most 86400", a);
		break;
	case O_MAXSIZE:
		if (parse_size(a, &o->max_size) || o->max_size < 65536)
			return usage_error("--max-size %s: expected a size of at least 64k, e.g. 20M", a);
		break;
	case O_SYSRQ:
		if (sysrq_parse_mode(a, &o->sysrq))
			return usage_error("--sysrq %s: expected auto, off or every=SECONDS", a);
		break;
	case O_SYSRQ_WHEN:
		if (sysrq_parse_when(a, &o->sysrq))
			return usage_error("--sysrq-when %s: expected e.g. iowait=50,dtasks=3,psi=40,gap=60,max=10", a);
		break;
	case O_RING:
		if (ring_parse_duration(a, &o->ring_us))
			return usage_error("--ring %s: expected a duration, e.g. 30m, 90s or 2h", a);
		break;
	case O_POST:
		if (ring_parse_duration(a, &o->post_us))
			return usage_error("--post %s: expected a duration, e.g. 5m or 60s", a);
		break;
	case O_RINGMEM:
		if (parse_size(a, &o->ring_mem) || o->ring_mem < RING_MIN_MEM)
			return usage_error("--ring-mem %s: expected a size of at least 256k, e.g. 16M", a);
		break;
	case O_PROC: o->proc_root = a; break;
	case O_KMSG: o->kmsg = a; break;
	case O_CGROOT: o->cgroup_root = a; break;
	case O_CGDEPTH:
		if (!parse_u64(a, a + strlen(a), &v) || *a == '-' || v > 16)
			return usage_error("--cgroup-depth %s: expected 0 to 16", a);
		o->cgroup_depth = (int)v;
		break;
	case O_MAXTASKS:
		if (!parse_u64(a, a + strlen(a), &v) || *a == '-' || v < 16 || v > 1000000)
			return usage_error("--max-tasks %s: expected 16 to 1000000", a);
		o->max_tasks = (size_t)v;
		break;
	case O_PRIO: o->priority = true; break;
	case O_NOMLOCK: o->no_mlock = true; break;
	case O_FORCE: o->force = true; break;
	default: return -2;
	}
	return -1;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "flush", required_argument, NULL, O_FLUSH },
		{ "frame", required_argument, NULL, O_FRAME },
		{ "max-size", required_argument, NULL, O_MAXSIZE },
		{ "sysrq", required_argument, NULL, O_SYSRQ },
		{ "sysrq-when", required_argument, NULL, O_SYSRQ_WHEN },
		{ "proc-root", required_argument, NULL, O_PROC },
		{ "kmsg", required_argument, NULL, O_KMSG },
		{ "cgroup-root", required_argument, NULL, O_CGROOT },
		{ "cgroup-depth", required_argument, NULL, O_CGDEPTH },
		{ "max-tasks", required_argument, NULL, O_MAXTASKS },
		{ "priority", no_argument, NULL, O_PRIO },
		{ "no-mlock", no_argument, NULL, O_NOMLOCK },
		{ "force", no_argument, NULL, O_FORCE },
		{ "ring", required_argument, NULL, O_RING },
		{ "post", required_argument, NULL, O_POST },
		{ "ring-mem", required_argument, NULL, O_RINGMEM },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct sysrq_cfg dflt = SYSRQ_DEFAULTS;
	memset(o, 0, sizeof *o);
	o->proc_root = "/proc";
	o->interval_us = 1000000;
	o->flush_us = MAX_FLUSH_US;
	o->cgroup_depth = 3;
	o->sysrq = dflt;
	opterr = 0;
	int ch, rc;
	while ((ch = getopt_long(argc, argv, ":o:i:n:d:hV", lo, NULL)) != -1) {
		switch (ch) {
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V':
		case O_VERSION: printf("capture (iowait-doctor) %s, capture format %d\n", CAPTURE_VERSION, CAP_FORMAT_VERSION); return 0;
		case ':': return usage_error("%s needs an argument", argv[optind - 1]);
		default:
			rc = set_opt(o, ch, optarg);
			if (rc == -2)
				return usage_error("unknown option %s", argv[optind - 1]);
			if (rc >= 0)
				return rc;
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!o->out)
		return usage_error("%s", "-o FILE is required ('-o -' for standard output)");
	if ((o->post_us || o->ring_mem) && !o->ring_us)
		return usage_error("%s", "--post and --ring-mem go with --ring DURATION");
	if (o->ring_us && !strcmp(o->out, "-"))
		return usage_error("%s", "--ring writes to a file: -o FILE, not -o -");
	return -1;
}

/* -------------------------------------------------------------- notes */

#define EARLY_NOTES 8
static char early[EARLY_NOTES][320];
static size_t nearly;
static uint64_t nnotes; /* warnings, for the summary line */

static void note(struct ctx *c, const char *msg)
{
	nnotes++;
	fprintf(stderr, "capture: %s\n", msg);
	if (c->w)
		cap_text(c->w, CAP_TXT_NOTE, CAP_NA, CAP_NA, CAP_NA, 0, msg, strlen(msg));
	else if (nearly < EARLY_NOTES)
		snprintf(early[nearly++], sizeof early[0], "%s", msg);
}

/* --------------------------------------------------------- sizing sink */

struct counting { size_t values; };
static int cnt_begin(void *x, const char *s, const char *i) { (void)x; (void)s; (void)i; return 0; }
static int cnt_value(void *x, const char *n, uint64_t v) { (void)n; (void)v; ((struct counting *)x)->values++; return 0; }
static int cnt_end(void *x) { (void)x; return 0; }

/* ------------------------------------------------------------- clocks */

static uint64_t clock_us(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* The time to the next sample: uniform in [interval/2, 3*interval/2), so
 * the mean stays the interval but no sample keeps a phase to anything
 * periodic on the box (see README: sampling instants). */
static uint64_t next_gap(uint64_t interval, uint64_t *rng)
{
	if (interval < 2)
		return interval;
	uint64_t x = *rng; /* xorshift64* */
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*rng = x;
	return interval / 2 + (x * 0x2545F4914F6CDD1Dull >> 11) % interval;
}

static uint64_t random_id(void)
{
	uint64_t id = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, &id, sizeof id) != (ssize_t)sizeof id)
			id = 0;
		close(fd);
	}
	if (!id)
		id = clock_us(CLOCK_REALTIME) ^ ((uint64_t)getpid() << 32);
	return id;
}

static void fill_header(struct cap_header *h, const struct opts *o, const struct ctx *c,
			int argc, char **argv)
{
	struct utsname u;
	memset(h, 0, sizeof *h);
	snprintf(h->writer, sizeof h->writer, "capture %s", CAPTURE_VERSION);
	if (uname(&u) == 0) {
		snprintf(h->host, sizeof h->host, "%s", u.nodename);
		snprintf(h->kernel, sizeof h->kernel, "%s", u.release);
		snprintf(h->machine, sizeof h->machine, "%.63s", u.machine);
	}
	h->page_size = (uint32_t)c->page_size;
	long hz = sysconf(_SC_CLK_TCK);
	h->user_hz = hz > 0 ? (uint32_t)hz : 100;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	h->ncpu = c->h.ncpu ? c->h.ncpu : (ncpu > 0 ? (uint32_t)ncpu : 1);
	h->boot_time_us = c->h.btime != CAP_NA ? c->h.btime * 1000000 : 0;
	h->start_us = clock_us(CLOCK_REALTIME);
	h->interval_us = o->interval_us;
	h->capture_id = random_id();
	size_t n = 0;
	for (int i = 0; i < argc && n + 1 < sizeof h->options; i++)
		n += (size_t)snprintf(h->options + n, sizeof h->options - n, "%s%s", i ? " " : "", argv[i]);
}

/* ------------------------------------------------------------ running */

struct run {
	struct opts o;
	struct ctx c;
	struct sink wsink;
	struct output out;
	struct kmsg km;
	struct sysrq sq;
	uint64_t answer_id;     /* trigger whose answer may still be arriving */
	struct ring *ring;      /* --ring, else NULL */
};

/* "1", "0.5", "0.25": seconds from microseconds, no float formatting. */
static void fmt_seconds(char *out, size_t cap, uint64_t us)
{
	int n = snprintf(out, cap, "%llu", (unsigned long long)(us / 1000000));
	uint64_t frac = us % 1000000;
	if (frac && n > 0 && (size_t)n + 8 < cap) {
		char d[8];
		snprintf(d, sizeof d, "%06llu", (unsigned long long)frac);
		for (int k = 5; k > 0 && d[k] == '0'; k--)
			d[k] = 0;
		snprintf(out + n, cap - (size_t)n, ".%s", d);
	}
}

/* One line on a terminal when the capture is running, one when it stops:
 * a technician sees it works and what it wrote; scripts (stderr not a
 * terminal) see nothing new. */
static void say_started(const struct run *r)
{
	char iv[32], sq[48];
	fmt_seconds(iv, sizeof iv, r->o.interval_us);
	if (r->o.sysrq.mode == SYSRQ_OFF || (r->o.sysrq.mode != SYSRQ_OFF && r->sq.trig_fd < 0))
		snprintf(sq, sizeof sq, "%s", r->o.sysrq.mode == SYSRQ_OFF ? "off" : "unavailable");
	else if (r->o.sysrq.mode == SYSRQ_AUTO)
		snprintf(sq, sizeof sq, "auto");
	else
		fmt_seconds(sq + snprintf(sq, sizeof sq, "every="), 24, r->o.sysrq.every_us);
	fprintf(stderr, "capture: recording %zu tasks to %s%s every %s s%s, sysrq %s; Ctrl-C stops\n",
		r->c.tasks_seen, r->ring ? "a RAM ring for " : "",
		r->ring ? r->o.out : r->out.path ? r->out.path : "standard output", iv,
		r->o.interval_us ? " (mean)" : "", sq);
}

static void say_stopped(const struct run *r, uint64_t samples, int sig)
{
	uint64_t b = r->ring ? ring_written(r->ring) : r->out.total_bytes;
	char size[32];
	if (b >= 1u << 20)
		snprintf(size, sizeof size, "%llu.%llu MiB", (unsigned long long)(b >> 20),
			 (unsigned long long)((b & ((1u << 20) - 1)) * 10 >> 20));
	else
		snprintf(size, sizeof size, "%llu KiB", (unsigned long long)((b + 1023) >> 10));
	fprintf(stderr, "capture: stopped%s: %llu sample%s, %s written, %llu warning%s\n",
		sig == SIGINT ? " (Ctrl-C)" : sig == SIGTERM ? " (SIGTERM)" : "", (unsigned long long)samples,
		samples == 1 ? "" : "s", size, (unsigned long long)nnotes, nnotes == 1 ? "" : "s");
}

static int write_failed(struct run *r)
{
	int e = r->out.err;
	const char *what = r->c.w ? cap_writer_error(r->c.w) : NULL;
	if (e)
		fprintf(stderr, "capture: writing %s failed: %s; the file is valid up to its last complete "
			"flush point%s\n", r->out.path ? r->out.path : "standard output", strerror(e),
			e == ENOSPC ? " (free space or use --max-size)" : "");
	else
		fprintf(stderr, "capture: recording failed: %s\n", what ? what : "unknown error");
	return 1;
}

static int one_sample(struct run *r)
{
	struct ctx *c = &r->c;
	uint64_t t0 = clock_us(CLOCK_MONOTONIC);
	if (cap_sample_begin(c->w, clock_us(CLOCK_REALTIME), t0))
		return -1;
	/* kernel lines up to now still answer the previous sample's trigger */
	if (kmsg_drain(&r->km, c, r->answer_id))
		return -1;
	r->answer_id = 0;
	for (size_t i = 0; i < capture_nsources; i++)
		if (capture_sources[i]->sample(c))
			return -1;
	char why[200];
	bool fired = false;
	if (sysrq_should(&r->sq, &c->h, t0, why, sizeof why)) {
		int64_t id = sysrq_fire(&r->sq, c, &r->km, why);
		if (id < 0)
			return -1;
		r->answer_id = (uint64_t)id;
		fired = id > 0;
	}
	if (r->ring) {
		bool u = usr1;
		usr1 = 0;
		if (ring_check(r->ring, c, &r->o.sysrq, &r->km, u, fired, t0))
			return -1;
	}
	return cap_sample_end(c->w, clock_us(CLOCK_MONOTONIC) - t0);
}

/* The context, the proc root and every source's set-up.  0, or the exit
 * status. */
static int setup(struct run *r)
{
	struct ctx *c = &r->c;
	c->note = note;
	c->proc_root = r->o.proc_root;
	c->cgroup_root = r->o.cgroup_root;
	c->cgroup_depth = r->o.cgroup_depth;
	c->max_tasks = r->o.max_tasks;
	c->stop = &stop_signal;
	c->page_size = sysconf(_SC_PAGESIZE);
	c->buf_cap = READ_BUF;
	c->buf = malloc(c->buf_cap);
	c->proc_fd = open(r->o.proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!c->buf) {
		fprintf(stderr, "capture: out of memory\n");
		return 1;
	}
	if (c->proc_fd < 0) {
		fprintf(stderr, "capture: cannot open %s: %s (is procfs mounted? see --proc-root)\n",
			r->o.proc_root, strerror(errno));
		return 1;
	}
	kept_start(c);
	if (r->o.priority && setpriority(PRIO_PROCESS, 0, -10) < 0) {
		char msg[160];
		snprintf(msg, sizeof msg, "--priority: cannot set nice -10 (%s); running at normal priority",
			 strerror(errno));
		note(c, msg);
	}
	for (size_t i = 0; i < capture_nsources; i++)
		if (capture_sources[i]->init && capture_sources[i]->init(c)) {
			fprintf(stderr, "capture: cannot set up the %s source: %s\n", capture_sources[i]->name,
				strerror(errno ? errno : ENOMEM));
			return 1;
		}
	return 0;
}

/* A dry run sizes the writer's counter table from what this box has:
 * the number of counter values one sample holds. */
static size_t count_values(struct ctx *c)
{
	struct counting cn = { 0 };
	struct sink counter = { cnt_begin, cnt_value, cnt_end, NULL, &cn };
	c->sink = &counter;
	for (size_t i = 0; i < capture_nsources; i++)
		if (!capture_sources[i]->emits_tasks)
			capture_sources[i]->sample(c);
	c->sink = NULL;
	return cn.values;
}

/* The output (a file, stdout or the ring) and the writer on it.  0, or the
 * exit status. */
static int open_output(struct run *r, const struct cap_header *hdr, size_t values)
{
	struct ctx *c = &r->c;
	if (!strcmp(r->o.out, "-") && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "capture: refusing to write a binary capture to a terminal; redirect it "
			"(capture -o - > FILE) or give -o FILE\n");
		return 2;
	}
	cap_write_fn wfn = out_write;
	void *wctx = &r->out;
	if (r->o.ring_us) {
		struct ring_cfg rc = { r->o.ring_us, r->o.post_us ? r->o.post_us : RING_DEFAULT_POST_US,
				       r->o.ring_mem ? r->o.ring_mem : RING_DEFAULT_MEM, r->o.max_size,
				       r->o.flush_us, r->o.sysrq.gap_us, r->o.force };
		if (!(r->ring = ring_new(&rc, r->o.out)))
			return 1;
		wfn = ring_write;
		wctx = r->ring;
		r->out.fd = -1;
	} else if (out_open(&r->out, r->o.out, r->o.max_size, r->o.force))
		return errno == EEXIST ? 2 : 1;
	struct cap_writer_limits lim = {
		.max_tasks = c->max_tasks,
		.init_tasks = c->init_tasks,
		.max_counters = values * 2 + 1024,
		.names_bytes = 64u << 10,
		.frame_us = r->o.frame_us,
	};
	c->w = cap_writer_new(hdr, &lim, wfn, wctx);
	if (!c->w) {
		fprintf(stderr, "capture: cannot allocate the writer: %s\n", strerror(errno));
		return 1;
	}
	r->wsink = sink_for_writer(c->w);
	c->sink = &r->wsink;
	for (size_t i = 0; i < nearly; i++)
		cap_text(c->w, CAP_TXT_NOTE, CAP_NA, CAP_NA, CAP_NA, 0, early[i], strlen(early[i]));
	return 0;
}

static void install_signals(bool ring)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_watchdog;
	sigaction(SIGALRM, &sa, NULL);
	if (ring) {
		sa.sa_handler = on_usr1;
		sigaction(SIGUSR1, &sa, NULL); /* a trigger; otherwise it still kills */
	}
	signal(SIGPIPE, SIG_IGN);
}

/* After a sample in plain capture: a flush point when due.  0 go on, 1
 * stop cleanly (the size cap on stdout), -1 failed with *status set. */
static int flush_due(struct run *r, uint64_t now, uint64_t *last_flush, int *status)
{
	struct ctx *c = &r->c;
	if (now - *last_flush < r->o.flush_us)
		return 0;
	*last_flush = now;
	/* a flush point; a frame ends when it is long enough or the file is
	 * due to rotate */
	int ended = out_rotation_due(&r->out) ? (cap_flush(c->w) ? -1 : 1) : cap_flush_point(c->w);
	if (ended < 0) {
		*status = write_failed(r);
		return -1;
	}
	int f = out_flushed(&r->out, ended == 1);
	if (f < 0) {
		*status = r->out.err == ENOENT ? 1 : write_failed(r);
		return -1;
	}
	return f > 0;
}

/* Samples until a count, a duration, a signal or a failure; the exit
 * status so far. */
static int sample_loop(struct run *r, uint64_t capture_id, uint64_t *samples)
{
	struct ctx *c = &r->c;
	uint64_t start = clock_us(CLOCK_MONOTONIC), next = start, last_flush = start, n = 0;
	uint64_t rng = capture_id ^ start ^ 0x9E3779B97F4A7C15ull;
	if (!rng)
		rng = 1;
	int status = 0;
	bool tty = isatty(STDERR_FILENO);
	for (;;) {
		if (one_sample(r)) {
			status = write_failed(r);
			break;
		}
		n++;
		if (n == 1 && tty)
			say_started(r);
		uint64_t now = clock_us(CLOCK_MONOTONIC);
		if (r->ring) {
			int f = ring_step(r->ring, c, now);
			if (f < 0) {
				status = cap_writer_error(c->w) ? write_failed(r) : 1;
				break;
			}
			if (f > 0)
				r->sq.runs = 0; /* sysrq's max=N counts per window in a ring */
		} else if (flush_due(r, now, &last_flush, &status)) {
			break;
		}
		if (stop_signal || (r->o.count && n >= r->o.count) ||
		    (r->o.duration_us && now - start >= r->o.duration_us))
			break;
		next += next_gap(r->o.interval_us, &rng);
		if (next < now)
			next = now; /* overran: sample again now rather than burst */
		struct timespec ts = { (time_t)(next / 1000000), (long)(next % 1000000) * 1000 };
		while (!stop_signal && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		if (stop_signal)
			break;
	}
	*samples = n;
	return status;
}

int main(int argc, char **argv)
{
	static struct run r; /* large (kmsg buffer): not on the stack */
	int rc = parse_opts(argc, argv, &r.o);
	if (rc >= 0)
		return rc;
	if ((rc = setup(&r)))
		return rc;
	struct ctx *c = &r.c;
	size_t values = count_values(c);
	struct cap_header hdr;
	fill_header(&hdr, &r.o, c, argc, argv);
	if ((rc = open_output(&r, &hdr, values)))
		return rc;
	kmsg_open(&r.km, c, r.o.kmsg);
	sysrq_open(&r.sq, c, &r.o.sysrq);
	install_signals(r.ring != NULL);

#ifndef UNDER_ASAN
	/* Everything is allocated by now; MCL_FUTURE also pins zstd's
	 * workspace, which it allocates on first use.  A thrashing box must
	 * not page the recorder out: that is when it is needed. */
	if (!r.o.no_mlock && mlockall(MCL_CURRENT | MCL_FUTURE) < 0) {
		char msg[200];
		snprintf(msg, sizeof msg, "mlockall failed (%s): the recorder may be paged out under memory "
			 "pressure; run as root or raise the memlock limit", strerror(errno));
		note(c, msg);
	}
#endif

	uint64_t n;
	int status = sample_loop(&r, hdr.capture_id, &n);
	if (r.ring) {
		if (status == 0 && ring_close(r.ring, c))
			status = 1;
	} else if (status == 0 && cap_writer_close(c->w))
		status = write_failed(&r);
	if (!r.ring && out_close(&r.out) && status == 0) {
		fprintf(stderr, "capture: closing %s failed: %s\n", r.o.out, strerror(errno));
		status = 1;
	}
	if (isatty(STDERR_FILENO) && status == 0)
		say_stopped(&r, n, stop_signal);
	sysrq_close(&r.sq);
	kmsg_close(&r.km);
	for (size_t i = capture_nsources; i-- > 0;)
		if (capture_sources[i]->fini)
			capture_sources[i]->fini(c);
	kept_close(c);
	cap_writer_free(c->w);
	ring_free(r.ring);
	free(c->buf);
	close(c->proc_fd);
	return status;
}
