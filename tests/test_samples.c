/* test_samples.c - every recorded sample gets the verdict its
 * samples/NAME.expect.json names, from the capture and from its JSONL dump.
 *
 * expect.json: {"capture": "NAME.zst", "top_cause": "memory-leak" | null,
 *   "culprit_comm": "logd" | null, "also": [ids that must be ranked],
 *   "absent": [ids that must not be], "faulty_start_s": [lo, hi],
 *   "healthy_end_s": [lo, hi],   (the last two optional)
 *   "mount": {"path": "/tmp", "grows": true, "used_kb": [lo, hi],
 *             "total_kb": [lo, hi], "growth_kb_ps": [lo, hi]},
 *                                (optional: the top cause names this mount;
 *                                "cuts": {"verdict": {"mount": "/tmp"}}: so
 *                                does every cut that must keep the verdict)
 *   "cuts": {...}}               see test_cuts
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char *build(void)
{
	const char *b = getenv("BUILD");
	return b ? b : "build";
}

static const char *samples_dir(void)
{
	const char *s = getenv("SAMPLES");
	return s ? s : "samples";
}

/* Runs a shell command; returns its stdout parsed as JSON, or NULL. */
static json_t *run_json(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	if (!p)
		return NULL;
	json_error_t err;
	json_t *j = json_loadf(p, 0, &err);
	int st = pclose(p);
	if (!j)
		print_error("%s: not JSON: %s (line %d)\n", cmd, err.text, err.line);
	if (st != 0) {
		print_error("%s: exit status %d\n", cmd, WEXITSTATUS(st));
		json_decref(j);
		return NULL;
	}
	return j;
}

static bool in_range(json_t *range, json_t *value)
{
	if (!json_is_array(range))
		return true;
	double lo = json_number_value(json_array_get(range, 0));
	double hi = json_number_value(json_array_get(range, 1));
	double v = json_number_value(value);
	return json_is_number(value) && v >= lo && v <= hi;
}

static bool has_cause(json_t *causes, const char *id)
{
	size_t i;
	json_t *c;
	json_array_foreach(causes, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "id")) ?: "", id))
			return true;
	return false;
}

static void check_verdict(const char *name, json_t *exp, json_t *rep)
{
	json_t *causes = json_object_get(rep, "causes");
	assert_true(json_is_array(causes));
	json_t *top = json_array_get(causes, 0);
	json_t *want = json_object_get(exp, "top_cause");
	if (json_is_null(want) || !want) {
		if (top)
			print_error("%s: expected no cause, got %s\n", name,
				    json_string_value(json_object_get(top, "id")));
		assert_null(top);
	} else {
		assert_non_null(top);
		const char *got = json_string_value(json_object_get(top, "id"));
		if (strcmp(got ?: "", json_string_value(want)))
			print_error("%s: top cause %s, expected %s\n", name, got, json_string_value(want));
		assert_string_equal(got ?: "", json_string_value(want));
		json_t *cc = json_object_get(exp, "culprit_comm");
		if (json_is_string(cc)) {
			json_t *cul = json_object_get(top, "culprit");
			const char *comm = json_string_value(json_object_get(cul, "comm"));
			if (!comm || strcmp(comm, json_string_value(cc)))
				print_error("%s: culprit %s, expected %s\n", name, comm ? comm : "(none)", json_string_value(cc));
			assert_string_equal(comm ?: "(null)", json_string_value(cc));
		}
		json_t *wm = json_object_get(exp, "mount"), *gm = json_object_get(top, "mount");
		if (wm) {
			const char *path = json_string_value(json_object_get(gm, "path"));
			if (!path || strcmp(path, json_string_value(json_object_get(wm, "path"))))
				print_error("%s: mount %s, expected %s\n", name, path ? path : "(none)",
					    json_string_value(json_object_get(wm, "path")));
			assert_string_equal(path ?: "(none)", json_string_value(json_object_get(wm, "path")));
			assert_true(json_equal(json_object_get(gm, "grows"), json_object_get(wm, "grows")));
			static const char *const k[] = { "used_kb", "total_kb", "growth_kb_ps" };
			for (int j = 0; j < 3; j++) {
				if (!in_range(json_object_get(wm, k[j]), json_object_get(gm, k[j])))
					print_error("%s: mount %s %g\n", name, k[j], json_number_value(json_object_get(gm, k[j])));
				assert_true(in_range(json_object_get(wm, k[j]), json_object_get(gm, k[j])));
			}
		}
	}
	size_t i;
	json_t *id;
	json_array_foreach(json_object_get(exp, "also"), i, id) {
		if (!has_cause(causes, json_string_value(id)))
			print_error("%s: cause %s missing\n", name, json_string_value(id));
		assert_true(has_cause(causes, json_string_value(id)));
	}
	json_array_foreach(json_object_get(exp, "absent"), i, id) {
		if (has_cause(causes, json_string_value(id)))
			print_error("%s: cause %s must not be blamed\n", name, json_string_value(id));
		assert_false(has_cause(causes, json_string_value(id)));
	}
	json_t *win = json_object_get(rep, "windows");
	json_t *fs = json_object_get(json_object_get(win, "faulty"), "start_s");
	json_t *he = json_object_get(json_object_get(win, "healthy"), "end_s");
	if (!in_range(json_object_get(exp, "faulty_start_s"), fs))
		print_error("%s: faulty window starts at %g s\n", name, json_number_value(fs));
	assert_true(in_range(json_object_get(exp, "faulty_start_s"), fs));
	if (!in_range(json_object_get(exp, "healthy_end_s"), he))
		print_error("%s: healthy window ends at %g s\n", name, json_number_value(he));
	assert_true(in_range(json_object_get(exp, "healthy_end_s"), he));
}

/* The verdict must not depend on which form of the capture was read. */
static json_t *report_of_dump(const char *cap, const char *name)
{
	char cmd[9000], jl[1024];
	snprintf(jl, sizeof jl, "%s/samples-%s.jsonl", build(), name);
	snprintf(cmd, sizeof cmd, "%s/analyze dump '%s' > '%s'", build(), cap, jl);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "%s/analyze --json '%s'", build(), jl);
	json_t *r = run_json(cmd);
	remove(jl);
	return r;
}

static void test_every_sample(void **state)
{
	(void)state;
	DIR *d = opendir(samples_dir());
	assert_non_null(d);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 13 || strcmp(e->d_name + l - 12, ".expect.json"))
			continue;
		char path[4096], cap[4096], cmd[8192], name[256];
		snprintf(name, sizeof name, "%.*s", (int)(l - 12), e->d_name);
		snprintf(path, sizeof path, "%s/%s", samples_dir(), e->d_name);
		json_error_t err;
		json_t *exp = json_load_file(path, 0, &err);
		assert_non_null(exp);
		snprintf(cap, sizeof cap, "%s/%s", samples_dir(), json_string_value(json_object_get(exp, "capture")));
		snprintf(cmd, sizeof cmd, "%s/analyze --json '%s'", build(), cap);
		json_t *rep = run_json(cmd);
		assert_non_null(rep);
		check_verdict(name, exp, rep);
		json_t *rep2 = report_of_dump(cap, name);
		assert_non_null(rep2);
		check_verdict(name, exp, rep2);
		/* same causes, same order, same culprits */
		json_t *c1 = json_object_get(rep, "causes"), *c2 = json_object_get(rep2, "causes");
		assert_int_equal(json_array_size(c1), json_array_size(c2));
		for (size_t i = 0; i < json_array_size(c1); i++) {
			json_t *a = json_array_get(c1, i), *b = json_array_get(c2, i);
			assert_true(json_equal(json_object_get(a, "id"), json_object_get(b, "id")));
			assert_true(json_equal(json_object_get(a, "culprit"), json_object_get(b, "culprit")));
		}
		json_decref(rep);
		json_decref(rep2);
		json_decref(exp);
		n++;
	}
	closedir(d);
	/* the six scenarios of samples/scenarios/ */
	assert_true(n >= 6);
}

static bool is_memory_cause(const char *id)
{
	return !strcmp(id, "memory-leak") || !strcmp(id, "memory-hog");
}

/* One cut's report against the "cuts" section; must_hold: the cut holds
 * enough of the fault that the verdict is required, not just no wrong
 * accusation. */
static bool cut_ok(const char *what, json_t *cuts, json_t *rep, bool must_hold)
{
	json_t *causes = json_object_get(rep, "causes");
	json_t *top = json_array_get(causes, 0);
	const char *tid = top ? json_string_value(json_object_get(top, "id")) : NULL;
	const char *tcomm = top ? json_string_value(json_object_get(json_object_get(top, "culprit"), "comm")) : NULL;
	json_t *v = json_object_get(cuts, "verdict");
	bool ok = true;
	size_t i;
	json_t *x;
	if (must_hold) {
		bool in = false;
		json_array_foreach(json_object_get(v, "top_cause_in"), i, x)
			in |= json_is_null(x) ? !tid : tid && !strcmp(json_string_value(x), tid);
		json_t *cc = json_object_get(v, "culprit_comm");
		if (!in || (json_is_string(cc) && (!tcomm || strcmp(tcomm, json_string_value(cc))))) {
			print_error("%s: top cause %s culprit %s\n", what, tid ? tid : "(none)", tcomm ? tcomm : "(none)");
			ok = false;
		}
		/* a cut that holds the fault names the same mount, with or
		 * without the healthy stretch before it */
		const char *wm = json_string_value(json_object_get(v, "mount"));
		const char *gm = json_string_value(json_object_get(json_object_get(top, "mount"), "path"));
		if (wm && (!gm || strcmp(wm, gm))) {
			print_error("%s: mount %s, expected %s\n", what, gm ? gm : "(none)", wm);
			ok = false;
		}
	}
	/* never a wrong accusation, in any cut */
	json_array_foreach(causes, i, x) {
		const char *id = json_string_value(json_object_get(x, "id"));
		const char *comm = json_string_value(json_object_get(json_object_get(x, "culprit"), "comm"));
		if (!id || !is_memory_cause(id) || !comm)
			continue;
		bool allowed = false;
		size_t k;
		json_t *m;
		json_array_foreach(json_object_get(cuts, "memory_culprits"), k, m)
			allowed |= !strcmp(json_string_value(m), comm);
		if (!allowed) {
			print_error("%s: %s blames %s\n", what, id, comm);
			ok = false;
		}
	}
	for (size_t r = 0; r < 2 && r < json_array_size(causes); r++) {
		const char *id = json_string_value(json_object_get(json_array_get(causes, r), "id"));
		json_array_foreach(json_object_get(cuts, "not_in_top2"), i, x)
			if (id && !strcmp(id, json_string_value(x))) {
				print_error("%s: %s ranked %zu\n", what, id, r + 1);
				ok = false;
			}
	}
	return ok;
}

/* Every sample cut at every frame boundary, as a capture started on a box
 * already sick (frames i..end) or cut short by a reboot (frames 0..j-1):
 * from the fault's onset + 10 s on, and up to onset + 15 s and beyond, it
 * keeps its verdict; in every cut nobody else is accused. */
static void test_cuts(void **state)
{
	(void)state;
	DIR *d = opendir(samples_dir());
	assert_non_null(d);
	struct dirent *e;
	int ncuts = 0, bad = 0, held = 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 13 || strcmp(e->d_name + l - 12, ".expect.json"))
			continue;
		char path[4096], cap[4096], cmd[12288], name[256], cut[4096];
		snprintf(name, sizeof name, "%.*s", (int)(l - 12), e->d_name);
		snprintf(path, sizeof path, "%s/%s", samples_dir(), e->d_name);
		json_error_t err;
		json_t *exp = json_load_file(path, 0, &err);
		assert_non_null(exp);
		json_t *cuts = json_object_get(exp, "cuts");
		if (!cuts) {
			json_decref(exp);
			continue;
		}
		double onset = json_number_value(json_object_get(cuts, "onset_s"));
		json_t *fe = json_object_get(cuts, "fault_ends_s");
		double ends = json_is_number(fe) ? json_number_value(fe) : 1e18;
		snprintf(cap, sizeof cap, "%s/%s", samples_dir(), json_string_value(json_object_get(exp, "capture")));
		snprintf(cut, sizeof cut, "%s/cut-%s.zst", build(), name);
		snprintf(cmd, sizeof cmd, "%s/tests/capcut list '%s'", build(), cap);
		FILE *p = popen(cmd, "r");
		assert_non_null(p);
		double t[4096];
		int n = 0, idx;
		unsigned long long off;
		while (n < 4096 && fscanf(p, "%d %llu %lf", &idx, &off, &t[n]) == 3)
			n++;
		assert_int_equal(pclose(p), 0);
		assert_true(n >= 3);
		for (int dir = 0; dir < 2; dir++)
			for (int k = 1; k < n; k++) {
				/* suffix: frames k..end start at t[k]; prefix: frames 0..k-1 end at t[k] */
				bool must = dir == 0 ? t[k] < ends && (t[k] >= onset + 10 || onset == 0)
						     : t[k] >= onset + 15;
				snprintf(cmd, sizeof cmd, "%s/tests/capcut '%s' %d %d > '%s'", build(), cap, dir ? 0 : k,
					 dir ? k : n, cut);
				assert_int_equal(system(cmd), 0);
				snprintf(cmd, sizeof cmd, "%s/analyze --json '%s'", build(), cut);
				json_t *rep = run_json(cmd);
				assert_non_null(rep);
				char what[400];
				snprintf(what, sizeof what, "%s %s frame %d (%.0f s)", name, dir ? "up to" : "from", k, t[k]);
				bad += !cut_ok(what, cuts, rep, must);
				held += must;
				ncuts++;
				json_decref(rep);
			}
		remove(cut);
		json_decref(exp);
	}
	closedir(d);
	print_message("%d cuts, %d of them must keep the verdict, %d wrong\n", ncuts, held, bad);
	assert_int_equal(bad, 0);
	/* seven samples, ~10 frames each, both directions */
	assert_true(ncuts >= 100 && held >= 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_sample),
		cmocka_unit_test(test_cuts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
