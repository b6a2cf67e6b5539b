/* xalloc.h - analyze's one policy for running out of memory.
 *
 * analyze runs on a workstation against a file: when an allocation fails
 * there is nothing useful to finish, so these print one line,
 * "analyze: out of memory", and exit with status 1 (the code of every
 * other internal failure), rather than abort with a core dump or go on
 * with a partial result.  Code that can degrade instead (the model drops
 * a sample's extra detail) says so where it does.
 */
#ifndef XALLOC_H
#define XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);                 /* n = 0 still returns a block */
void *xcalloc(size_t n, size_t size);    /* zeroed; n * size overflowing is out of memory */
void *xrealloc(void *p, size_t n);       /* n = 0 still returns a block */
char *xstrndup(const char *s, size_t n); /* the first n bytes, NUL-terminated */
char *xstrdup(const char *s);
_Noreturn void out_of_memory(void);

#endif
