/* detect.h - what the detectors share among themselves: the ids of the
 * table's rows (detectors.def), for a detector that reports under another
 * row's id and for the causal edges. */
#ifndef DETECT_H
#define DETECT_H

#include "analysis.h"

enum cause_id {
#define DETECTOR(id, ...) CAUSE_##id,
#include "detectors.def"
#undef DETECTOR
	CAUSE_COUNT
};

#endif
