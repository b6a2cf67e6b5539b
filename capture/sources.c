/* sources.c - the table of sources, in the order a sample reads them:
 * capture/src_<name>.c defines source_<name>.  A new source is its file
 * and its line here.  stat comes first: the task scanner uses its fork
 * counter. */
#include "capture.h"

#define CAPTURE_SOURCES(X) \
	X(stat)            \
	X(loadavg)         \
	X(meminfo)         \
	X(vmstat)          \
	X(diskstats)       \
	X(psi)             \
	X(cgroup)          \
	X(statfs)          \
	X(tasks)           \
	X(self)

#define SOURCE_DECLARE(name) extern const struct source source_##name;
CAPTURE_SOURCES(SOURCE_DECLARE)
#define SOURCE_ROW(name) &source_##name,
const struct source *const capture_sources[] = { CAPTURE_SOURCES(SOURCE_ROW) };
const size_t capture_nsources = sizeof capture_sources / sizeof capture_sources[0];
