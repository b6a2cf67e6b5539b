/* cmd_stacks.c - `analyze stacks`: the kernel task dumps of a capture's
 * kernel log or of plain log text, grouped by stack, as text or JSON. */
#include "cli.h"
#include "input.h"
#include "kdump.h"
#include "render_stacks.h"
#include "stackgroup.h"
#include "stacks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int stacks_command(const char *path, bool json, const char *outpath)
{
	char err[512];
	struct input *in = input_open(path, true, err, sizeof err);
	if (!in) {
		fprintf(stderr, "analyze: %s\n", err);
		return 2;
	}
	struct kd_parser *p = kd_parser_new();
	if (!p) {
		input_close(in);
		fprintf(stderr, "analyze: out of memory\n");
		return 1;
	}
	int code = 0;
	if (input_kind(in) == IN_TEXT) {
		size_t len;
		const char *t = input_text(in, &len);
		kd_feed_text(p, t, len);
	} else {
		struct cap_rec rec;
		int rc;
		bool header = false;
		while ((rc = input_next(in, &rec)) == 1) {
			header |= rec.type == CAP_HEADER;
			if (rec.type == CAP_TEXT)
				stacks_feed(p, rec.u.text.kind, rec.u.text.trigger, rec.u.text.text, rec.u.text.len);
		}
		if (rc < 0) {
			fprintf(stderr, "analyze: %s: %s\n", path, input_error(in));
			code = 2;
		} else if (!header) {
			fprintf(stderr, "analyze: %s: no readable record in it: not a capture, or cut before its first flush\n", path);
			code = 2;
		}
	}
	input_close(in);
	struct kd_result *r = kd_finish(p);
	if (code || !r) {
		kd_result_free(r);
		return code ? code : 1;
	}
	struct sg_groups *g = sg_build(r);
	FILE *out = stdout;
	if (outpath && strcmp(outpath, "-") && !(out = fopen(outpath, "w"))) {
		fprintf(stderr, "analyze: cannot write %s: %s\n", outpath, strerror(errno));
		sg_free(g);
		kd_result_free(r);
		return 2;
	}
	if (json) {
		json_t *j = stacks_to_json(r, g);
		json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', out);
		json_decref(j);
	} else if (!kd_ndumps(r)) {
		fprintf(out, "no kernel task dumps (sysrq w/l, hung task, OOM) found in %s\n", path);
	} else {
		const char *nc = getenv("NO_COLOR");
		stacks_print_text(out, r, g, isatty(fileno(out)) && !(nc && *nc));
	}
	if (fflush(out) || ferror(out))
		code = 1;
	if (out != stdout)
		fclose(out);
	sg_free(g);
	kd_result_free(r);
	return code;
}
