/* tests/lib/bench_report.h: how a benchmark figure is printed, by the
 * guest's `bench` suite and the Linux baseline program alike.
 *
 * One figure = samples in clock ticks (clock.h), summarized (median, p90,
 * p99, max) and printed as one machine-readable line plus one passing TAP
 * point:
 *
 *   BENCH name=rtt unit=ns n=2000 median=41210 p90=... p99=... max=...
 *         min=... mean=... median_cycles=... half_drift_pm=12 path=vf-vf size=60
 *   ok 12 - bench: measured rtt path=vf-vf size=60
 *
 * The *_cycles fields appear when the clock counts CPU cycles; impl=NAME
 * when the program set one (the baseline says impl=linux). half_drift_pm:
 * the medians of the first and the second half of the samples differ by
 * this many per mille (a median that is still moving). A figure never
 * fails on speed; it fails only when it could not be measured (no samples,
 * a device error), as TAP TODO when a known deviation is why. scripts/bench
 * reads the lines. */
#ifndef VFPROBE_TESTS_LIB_BENCH_REPORT_H
#define VFPROBE_TESTS_LIB_BENCH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Tag every later figure with impl=NAME (NULL: no tag). */
void bench_set_impl(const char *name);
/* Summarize `ticks` (sorted in place) and print the figure; `params` is
 * "key=value ..." (may be NULL). rate_bytes != 0 adds pps= and mbps=
 * (per-sample values are then time per frame of that size). */
bool bench_report(const char *name, uint64_t *ticks, size_t n, uint32_t rate_bytes, const char *params);
/* A figure that could not be measured: one failing TAP point saying why. */
void bench_fail(const char *name, const char *params, const char *why);
/* The same, reported as TAP TODO when `known` names the known deviation
 * that made it impossible (tap_check_kfail); known == NULL is bench_fail. */
void bench_fail_known(const char *name, const char *params, const char *why, const char *known);

#endif
