/* render.h - renderers: they lay out what the report says, nothing more. */
#ifndef RENDER_H
#define RENDER_H

#include <stdio.h>
#include "analysis.h"

void render_text(FILE *out, const struct report *r, bool color);  /* for text_width(out) */
/* laid out for width columns, 0 = no limit (--wide) */
void render_text_width(FILE *out, const struct report *r, bool color, int width);
/* COLUMNS, else the terminal's width, else 80 */
int text_width(FILE *out);
int render_json(FILE *out, const struct report *r);
void render_info_text(FILE *out, const struct model *mo, const char *path);
int render_info_json(FILE *out, const struct model *mo, const char *path);
/* the timeline's chosen columns (all, or those of --columns); text: laid
 * out for width columns (0: every column, no limit), the most telling
 * columns kept when not all fit */
void render_timeline_text(FILE *out, const struct timeline *tl, int width);
void render_timeline_csv(FILE *out, const struct timeline *tl);
int render_timeline_json(FILE *out, const struct timeline *tl);
int render_html(FILE *out, const struct report *r);
/* for a bug tracker: pipe tables and code spans only */
int render_markdown(FILE *out, const struct report *r);

#endif
