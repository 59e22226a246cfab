/* tests/bench/linux/clock_monotonic.c: tests/lib/clock.h on Linux's
 * CLOCK_MONOTONIC, one tick per nanosecond. */
#include <time.h>

#include "lib/clock.h"

uint64_t clock_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t clock_ticks_to_ns(uint64_t ticks)
{
	return ticks;
}

uint64_t clock_ns_to_ticks(uint64_t ns)
{
	return ns;
}

bool clock_counts_cycles(void)
{
	return false;
}

void clock_relax(void) {}
