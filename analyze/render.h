/* render.h - renderers: they lay out what the report says, nothing more. */
#ifndef RENDER_H
#define RENDER_H

#include <stdio.h>
#include "analysis.h"

void render_text(FILE *out, const struct report *r, bool color);
int render_json(FILE *out, const struct report *r);
void render_info_text(FILE *out, const struct model *mo, const char *path);
int render_info_json(FILE *out, const struct model *mo, const char *path);
void render_timeline_text(FILE *out, const struct model *mo, const struct tl_row *rows, int n, bool header);
void render_timeline_cols(FILE *out, const struct model *mo, const struct tl_row *rows, int n, bool header,
			  const int *cols, int ncols);
void render_timeline_csv(FILE *out, const struct model *mo, const struct tl_row *rows, int n);
int render_timeline_json(FILE *out, const struct model *mo, const struct tl_row *rows, int n);
int render_html(FILE *out, const struct report *r);
/* culprit pids of the report's findings, for the timeline's event filter */
int report_pids(const struct report *r, long *pids, int max);

#endif
