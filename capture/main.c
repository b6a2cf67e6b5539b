/* main.c - capture: placeholder until the recorder lands (issue 3). */
#include <stdio.h>
#include "cap.h"

int main(void)
{
	fprintf(stderr, "capture: not built yet (format version %d)\n", CAP_FORMAT_VERSION);
	return 1;
}
