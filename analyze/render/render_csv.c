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

void render_timeline_csv(FILE *out, const struct timeline *tl)
{
	fprintf(out, "t_s,wall_utc");
	for (int c = 0; c < tl->nsel; c++)
		fprintf(out, ",%s", tl->cols[tl->sel[c]].key);
	fprintf(out, ",events\n");
	for (int i = 0; i < tl->n; i++) {
		const struct tl_row *row = &tl->rows[i];
		char w[40];
		fmt_wall(row->wall_us, w, sizeof w, true);
		fprintf(out, "%.3f,%s", row->t, w);
		for (int c = 0; c < tl->nsel; c++) {
			const struct tl_col *col = &tl->cols[tl->sel[c]];
			double v = tl_value(row, col);
			if (isnan(v))
				fprintf(out, ",");
			else
				fprintf(out, ",%.*f", col->decimals + 1, v);
		}
		fputc(',', out);
		csv_str(out, row->events);
		fputc('\n', out);
	}
}
