/* tidy.h - file text made safe to show.
 *
 * Text from a capture or a log goes to terminals, HTML and JSON: every byte
 * that could steer a terminal (C0 controls but tab, DEL, UTF-8-encoded C1
 * controls such as U+009B CSI) and every byte that is not valid UTF-8
 * becomes '?', in place.  Printable ASCII and valid UTF-8 stay as they are.
 */
#ifndef TIDY_H
#define TIDY_H

#include <stddef.h>

void text_tidy(char *s);

/* s (size bytes) holds the start of a longer text, as snprintf leaves it:
 * end it with "..." at a character's start, so a cut never reads as the
 * whole. */
void text_mark_cut(char *s, size_t size);

#endif
