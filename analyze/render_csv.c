/* render_csv.c - the timeline as CSV: one header row naming the unit of
 * each column, then one row per sample or step. */
#include "render.h"

#include <math.h>
#include <string.h>

static void csv_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc((unsigned char)*s < 32 ? ' ' : *s, out);
	}
	fputc('"', out);
}

void render_timeline_csv(FILE *out, const struct model *mo, const struct tl_row *rows, int n)
{
	(void)mo;
	fprintf(out, "t_s,wall_utc");
	for (int c = 0; c < ntimeline_cols; c++)
		fprintf(out, ",%s", metric_info[timeline_cols[c]].key);
	fprintf(out, ",events\n");
	for (int i = 0; i < n; i++) {
		char w[40];
		fmt_wall(rows[i].wall_us, w, sizeof w, true);
		fprintf(out, "%.3f,%s", rows[i].t, w);
		for (int c = 0; c < ntimeline_cols; c++) {
			double v = rows[i].m[timeline_cols[c]];
			if (isnan(v))
				fprintf(out, ",");
			else
				fprintf(out, ",%.*f", metric_info[timeline_cols[c]].decimals + 1, v);
		}
		fputc(',', out);
		csv_str(out, rows[i].events);
		fputc('\n', out);
	}
}
