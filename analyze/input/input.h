/* input.h - one record stream from a capture file or its JSON Lines dump.
 *
 * The kind is decided from the first bytes, never from the name: a zstd
 * frame is a capture, a line starting with '{' is a dump, anything else is
 * kernel log text (accepted only where the caller allows it).
 */
#ifndef INPUT_H
#define INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include "cap.h"

enum in_kind { IN_CAPTURE, IN_JSONL, IN_TEXT };

struct input;
/* NULL with a one-line message (what, where, what to do) in err. */
struct input *input_open(const char *path, bool allow_text, char *err, size_t errlen);
enum in_kind input_kind(const struct input *in);
/* 1 = record, 0 = end, -1 = fatal (message in input_error). */
int input_next(struct input *in, struct cap_rec *rec);
/* TASK records to fn instead of out of input_next (cap_reader_on_task). */
void input_on_task(struct input *in, cap_task_fn fn, void *ctx);
const char *input_error(const struct input *in);
/* 0..1, for progress display */
double input_progress(const struct input *in);
/* For IN_TEXT: the whole file (NUL-terminated), its length. */
const char *input_text(const struct input *in, size_t *len);
void input_close(struct input *in);
/* Pieces of one capture (the same capture id, as --max-size rotates
 * FILE to FILE.1) given in any order are put in recording order, by the
 * frame number of each one's first frame; anything else keeps its order. */
void input_order(const char **paths, int n);

#endif
