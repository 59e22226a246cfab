/* tests/lib/clock.h: the clock the traffic library and the benchmark
 * printer run on. Each program that links them supplies it: the guest the
 * calibrated TSC (clock_tsc.c), the Linux baseline CLOCK_MONOTONIC
 * (tests/bench/linux/clock_monotonic.c). */
#ifndef VFPROBE_TESTS_LIB_CLOCK_H
#define VFPROBE_TESTS_LIB_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

uint64_t clock_now(void); /* ticks */
uint64_t clock_ticks_to_ns(uint64_t ticks);
uint64_t clock_ns_to_ticks(uint64_t ns);
/* True when a tick is a CPU cycle (the BENCH line then gives cycles too). */
bool clock_counts_cycles(void);
/* What a polling loop does between two polls. */
void clock_relax(void);

struct clock_deadline {
	uint64_t end;
};

static inline struct clock_deadline clock_deadline_in_us(uint64_t us)
{
	return (struct clock_deadline){.end = clock_now() + clock_ns_to_ticks(us * 1000)};
}

static inline bool clock_deadline_passed(struct clock_deadline d)
{
	return clock_now() > d.end;
}

#endif
