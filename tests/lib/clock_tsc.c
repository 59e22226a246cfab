/* tests/lib/clock_tsc.c: tests/lib/clock.h on the guest's calibrated TSC. */
#include "boot/timer.h"
#include "clock.h"

uint64_t clock_now(void)
{
	return rdtsc();
}

uint64_t clock_ticks_to_ns(uint64_t ticks)
{
	return tsc_to_ns(ticks);
}

uint64_t clock_ns_to_ticks(uint64_t ns)
{
	return ns_to_tsc(ns);
}

bool clock_counts_cycles(void)
{
	return true;
}

void clock_relax(void)
{
	cpu_relax();
}
