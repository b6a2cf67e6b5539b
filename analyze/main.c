/* main.c - analyze: placeholder until the analyzer lands (issue 4). */
#include <stdio.h>
#include "cap.h"

int main(void)
{
	fprintf(stderr, "analyze: not built yet (format version %d)\n", CAP_FORMAT_VERSION);
	return 2;
}
