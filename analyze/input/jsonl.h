/* jsonl.h - `analyze dump` output: one JSON object per record, lossless,
 * and the reader that turns it back into the same cap_rec stream.
 *
 * Line shapes (every line has "type" and "frame_offset"):
 *   frame   {"offset"}
 *   header  {"format_version","writer","host","kernel","machine","options",
 *            "page_size","user_hz","ncpu","boot_time_us","start_us",
 *            "interval_us","capture_id","frame_seq"}
 *   sample  {"seq","wall_us","mono_us","key"}
 *   group   {"source","instance","values":[[name,value],...]}
 *   task    {"tid","new","changed":[field names],"v":{field:value,...,
 *            "comm","wchan","cgroup"}}   state is a one-letter string
 *   exit    {"tid"}     sample_end {"took_us"}     end {}
 *   text    {"kind":"kmsg"|"trigger"|"note"|N,"ts_us","seq","level",
 *            "trigger","text"}
 *   damage  {"offset","length","what"}   unknown {"record_type","length"}
 * Numbers: CAP_NA is null; values above 2^63-1 are decimal strings.
 * Strings that are not valid UTF-8 are written as {"hex":"..."}.
 */
#ifndef JSONL_H
#define JSONL_H

#include <stdio.h>
#include "cap.h"

int jsonl_write(FILE *out, const struct cap_rec *rec);

struct jl_reader;
struct jl_reader *jl_open(FILE *f);
/* 1 = a record, 0 = end, -1 = fatal (message in jl_error).  A line that
 * is not a record is returned as CAP_EV_DAMAGE, like a damaged frame. */
int jl_next(struct jl_reader *r, struct cap_rec *rec);
const char *jl_error(const struct jl_reader *r);
long jl_line(const struct jl_reader *r);
void jl_close(struct jl_reader *r);

#define JL_MAX_LINE (16u << 20)

#endif
