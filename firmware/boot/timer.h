/* firmware/boot/timer.h: TSC time, calibrated at boot against a fixed-rate
 * clock (the ACPI PM timer, 3.579545 MHz, or the HPET). */
#ifndef VFPROBE_BOOT_TIMER_H
#define VFPROBE_BOOT_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "boot/io.h"

struct tsc_calibration {
	uint64_t hz;
	const char *reference; /* "acpi-pm-timer", "hpet" or "assumed" */
	uint64_t window_us;    /* length of the calibration window */
};

/* Calibrate from the FADT's PM timer, else the HPET; false when neither. */
bool tsc_calibrate(void);
const struct tsc_calibration *tsc_calibration(void);

uint64_t tsc_to_ns(uint64_t cycles);
uint64_t ns_to_tsc(uint64_t ns);
void udelay(uint64_t us);

/* A point in TSC time after which a poll gives up. */
struct deadline {
	uint64_t end;
};

static inline struct deadline deadline_in_us(uint64_t us)
{
	return (struct deadline){.end = rdtsc() + ns_to_tsc(us * 1000)};
}

static inline bool deadline_passed(struct deadline d)
{
	return rdtsc() > d.end;
}

#endif
