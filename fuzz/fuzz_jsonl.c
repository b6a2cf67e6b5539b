/* fuzz_jsonl.c - libFuzzer target: the JSON Lines reader (analyze dump's
 * output read back) on any bytes, and everything analyze builds from what
 * it returns: each record written back as JSONL, the model, and when the
 * model holds a sample the full report in text and JSON. */
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "jsonl.h"
#include "model.h"
#include "render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0; /* fmemopen refuses an empty buffer */
	FILE *f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	FILE *null = fopen("/dev/null", "w");
	struct jl_reader *r = jl_open(f);
	struct model *mo = model_new();
	if (!r || !mo || !null)
		goto out;
	struct cap_rec rec;
	while (jl_next(r, &rec) == 1) {
		jsonl_write(null, &rec);
		if (model_feed(mo, &rec))
			break;
	}
	model_finish(mo);
	if (mo->have_hdr && mo->nsamples > 0) {
		windows_signal(mo);
		struct report rep;
		struct win_opts wo = { NAN, NAN, NAN, NAN, NAN, NAN };
		report_build(&rep, mo, NULL, &wo);
		render_text(null, &rep, true);
		render_json(null, &rep);
		render_text_width(null, &rep, false, 80);
		render_html(null, &rep);
		struct timeline *tl = timeline_new(&rep, 0, 0, mo->nsamples);
		if (tl) {
			render_timeline_text(null, tl, 80);
			render_timeline_csv(null, tl);
			render_timeline_json(null, tl);
			timeline_free(tl);
		}
		render_info_text(null, mo, "fuzz");
		report_free(&rep);
	}
out:
	model_free(mo);
	if (r)
		jl_close(r);
	if (null)
		fclose(null);
	fclose(f);
	return 0;
}
