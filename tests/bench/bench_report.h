/* tests/bench/bench_report.h: how a benchmark figure is printed.
 *
 * One figure = samples in TSC cycles, summarized (median, p90, p99, max)
 * and printed as one machine-readable line plus one passing TAP point:
 *
 *   BENCH name=rtt unit=ns n=2000 median=41210 p90=... p99=... max=...
 *         min=... mean=... median_cycles=... half_drift_pm=12 path=vf-vf size=60
 *   ok 12 - bench: measured rtt path=vf-vf size=60
 *
 * half_drift_pm: the medians of the first and the second half of the
 * samples differ by this many per mille (a median that is still moving).
 * A figure never fails on speed; it fails only when it could not be
 * measured (no samples, a device error). scripts/bench reads the lines. */
#ifndef VFPROBE_TESTS_BENCH_REPORT_H
#define VFPROBE_TESTS_BENCH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The frames both vfprobe and the Linux baseline send (tests/bench/linux/):
 * Ethernet header, ethertype 0x88b5 (IEEE local experimental), then a tag
 * that lets a receiver drop stale frames of earlier measurements. */
#define BENCH_ETHERTYPE 0x88b5
#define BENCH_MAGIC     0x56465042u /* "VFPB" */
struct bench_tag {
	uint32_t magic;
	uint32_t run;  /* one value per measurement */
	uint32_t seq;  /* frame number within the measurement */
	uint32_t from; /* sender index (aggregate runs) */
};
#define BENCH_TAG_OFF 14

/* Summarize `cycles` (sorted in place) and print the figure; `params` is
 * "key=value ..." (may be NULL). rate_bytes != 0 adds pps= and mbps=
 * (per-sample values are ns per frame of that size). */
bool bench_report(const char *name, uint64_t *cycles, size_t n, uint32_t rate_bytes, const char *params);
/* A figure that could not be measured: one failing TAP point saying why. */
void bench_fail(const char *name, const char *params, const char *why);

#endif
