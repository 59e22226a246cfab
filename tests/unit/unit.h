/* tests/unit/unit.h: host unit tests report through firmware/lib/tap.c. */
#ifndef VFPROBE_TESTS_UNIT_H
#define VFPROBE_TESTS_UNIT_H

#include "lib/tap.h"

/* End a unit test binary: plan, summary, exit status 1 on any failure. */
static inline int unit_done(void)
{
	struct tap_counts c = tap_end();
	return c.failed ? 1 : 0;
}

#endif
