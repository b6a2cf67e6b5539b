/* format_bench.c - encode/decode speed and size of the capture format on a
 * synthetic 300-task series.  Prints medians of several runs; bench/format.sh
 * puts stock zstd beside it on the same raw bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zstd.h>

#include "cap.h"
#include "../tests/membuf.h"


static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t xr(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

#define NTASK 300
static const char *comms[] = { "logd", "app", "videocapture", "tracker", "kworker/0:1", "ksoftirqd/0",
			       "netifd", "dnsmasq", "hostapd", "ubusd", "procd", "dropbear" };

/* A device-like series: ~200 counters, 300 tasks of which a fifth run in
 * any sample, a few grow, one in ten is blocked. */
static void encode(struct membuf *m, int nsamples, int flush_every)
{
	struct cap_header h = { 0 };
	snprintf(h.writer, sizeof h.writer, "format_bench");
	snprintf(h.host, sizeof h.host, "bench");
	snprintf(h.kernel, sizeof h.kernel, "4.9.37");
	snprintf(h.machine, sizeof h.machine, "armv7l");
	h.page_size = 4096;
	h.user_hz = 100;
	h.ncpu = 2;
	h.interval_us = 1000000;
	struct cap_writer *w = cap_writer_new(&h, NULL, mem_write, m);
	static uint64_t ctr[200], tv[NTASK][CAP_TF_COUNT];
	char name[32];
	rng = 88172645463325252ull;
	memset(ctr, 0, sizeof ctr);
	memset(tv, 0, sizeof tv);
	for (int s = 0; s < nsamples; s++) {
		cap_sample_begin(w, 1700000000000000ull + (uint64_t)s * 1000000, (uint64_t)s * 1000000 + xr() % 300);
		cap_group_begin(w, "meminfo", NULL);
		for (int i = 0; i < 50; i++) {
			snprintf(name, sizeof name, "MemKey%d", i);
			ctr[i] = i % 5 ? 100000 + (s / 7 + i) % 50 : ctr[i] + xr() % 4; /* gauges drift, some counters climb */
			cap_group_value(w, name, ctr[i]);
		}
		cap_group_end(w);
		cap_group_begin(w, "vmstat", NULL);
		for (int i = 50; i < 200; i++) {
			snprintf(name, sizeof name, "vm_key_%d", i);
			ctr[i] += i % 3 ? 0 : xr() % 1000;
			cap_group_value(w, name, ctr[i]);
		}
		cap_group_end(w);
		for (int t = 0; t < NTASK; t++) {
			struct cap_task_in in = { .tid = 100 + (uint32_t)t, .comm = comms[t % 12] };
			uint64_t *v = tv[t];
			v[CAP_TF_TGID] = 100 + (uint64_t)(t - t % 3);
			v[CAP_TF_STATE] = t % 10 == 0 ? 'D' : 'S';
			if (xr() % 5 == 0) {
				v[CAP_TF_UTIME] += xr() % 10;
				v[CAP_TF_STIME] += xr() % 5;
				v[CAP_TF_MINFLT] += xr() % 100;
				v[CAP_TF_STATE] = 'R';
			}
			if (t % 10 == 0)
				v[CAP_TF_MAJFLT] += xr() % 30;
			if (t < 3)
				v[CAP_TF_RSS] += 64;
			v[CAP_TF_RCHAR] = CAP_NA;
			in.wchan = v[CAP_TF_STATE] == 'D' ? "filemap_fault" : NULL;
			memcpy(in.v, v, sizeof in.v);
			cap_task(w, &in);
		}
		cap_sample_end(w, 20000 + xr() % 5000);
		if ((s + 1) % flush_every == 0)
			cap_flush_point(w); /* as capture: the writer ends frames itself */
	}
	cap_writer_close(w);
	cap_writer_free(w);
}

static size_t decode(const struct membuf *m, int *samples)
{
	struct cap_reader *r = cap_reader_mem(m->p, m->len);
	struct cap_rec rec;
	size_t n = 0;
	*samples = 0;
	while (cap_next(r, &rec)) {
		n++;
		if (rec.type == CAP_SAMPLE)
			(*samples)++;
	}
	cap_reader_free(r);
	return n;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int nsamples = argc > 1 ? atoi(argv[1]) : 3600;
	const char *out = argc > 2 ? argv[2] : NULL;
	enum { RUNS = 5 };
	double enc[RUNS], dec[RUNS];
	struct membuf m = { 0 };
	int got = 0;
	size_t recs = 0;
	for (int r = 0; r < RUNS; r++) {
		m.len = 0;
		double t0 = cpu_now();
		encode(&m, nsamples, 10);
		enc[r] = cpu_now() - t0;
		t0 = cpu_now();
		recs = decode(&m, &got);
		dec[r] = cpu_now() - t0;
	}
	qsort(enc, RUNS, sizeof *enc, cmp);
	qsort(dec, RUNS, sizeof *dec, cmp);
	if (got != nsamples) {
		fprintf(stderr, "format_bench: decoded %d of %d samples\n", got, nsamples);
		return 1;
	}
	/* The floor: stock zstd -3 on the same content (the inflated record
	 * stream), compressed whole and inflated again, in this process. */
	size_t rawcap = m.len * 8 + (1 << 20), rawlen = 0;
	unsigned char *raw = malloc(rawcap);
	{
		ZSTD_DCtx *dc = ZSTD_createDCtx();
		ZSTD_inBuffer in = { m.p, m.len, 0 };
		ZSTD_outBuffer ob = { raw, rawcap, 0 };
		while (in.pos < in.size && ob.pos < ob.size)
			if (ZSTD_isError(ZSTD_decompressStream(dc, &ob, &in)))
				break;
		rawlen = ob.pos;
		ZSTD_freeDCtx(dc);
	}
	size_t zcap = ZSTD_compressBound(rawlen), zlen = 0;
	unsigned char *z = malloc(zcap), *back = malloc(rawlen + 1);
	double zc[RUNS], zd[RUNS];
	for (int r = 0; r < RUNS; r++) {
		double t0 = cpu_now();
		zlen = ZSTD_compress(z, zcap, raw, rawlen, 3);
		zc[r] = cpu_now() - t0;
		t0 = cpu_now();
		ZSTD_decompress(back, rawlen + 1, z, zlen);
		zd[r] = cpu_now() - t0;
	}
	qsort(zc, RUNS, sizeof *zc, cmp);
	qsort(zd, RUNS, sizeof *zd, cmp);
	if (out) {
		FILE *f = fopen(out, "wb");
		if (!f || fwrite(m.p, 1, m.len, f) != m.len || fclose(f)) {
			perror(out);
			return 1;
		}
	}
	printf("series: %d samples x (%d tasks + 200 counters), a flush point every 10 samples, %zu records\n",
	       nsamples, NTASK, recs);
	printf("compressed: %zu bytes, %.0f bytes/sample\n", m.len, (double)m.len / nsamples);
	printf("encode (median of %d): %.3f s CPU, %.0f samples/s, %.1f us/sample\n", RUNS, enc[RUNS / 2],
	       nsamples / enc[RUNS / 2], enc[RUNS / 2] * 1e6 / nsamples);
	printf("decode (median of %d): %.3f s CPU, %.0f samples/s, %.1f MB/s of file\n", RUNS, dec[RUNS / 2],
	       nsamples / dec[RUNS / 2], m.len / dec[RUNS / 2] / 1e6);
	printf("raw record stream: %zu bytes, %.0f bytes/sample\n", rawlen, (double)rawlen / nsamples);
	printf("stock zstd -3 of the raw stream, one piece (median of %d): %zu bytes (%.0f bytes/sample), "
	       "compress %.3f s, decompress %.3f s\n", RUNS, zlen, (double)zlen / nsamples, zc[RUNS / 2], zd[RUNS / 2]);
	printf("ratios: size %.2fx stock zstd; encode %.2fx, decode %.2fx the time of stock zstd alone\n",
	       (double)m.len / zlen, enc[RUNS / 2] / zc[RUNS / 2], dec[RUNS / 2] / zd[RUNS / 2]);
	free(raw); free(z); free(back);
	free(m.p);
	return 0;
}
