/* firmware/lib/stats.h: order statistics of timing samples. */
#ifndef VFPROBE_LIB_STATS_H
#define VFPROBE_LIB_STATS_H

#include <stddef.h>
#include <stdint.h>

struct stats_summary {
	size_t n;
	uint64_t min, median, p90, p99, max;
	uint64_t mean;
};

/* Sorts `v` in place. Percentiles are nearest-rank: the smallest sample
 * with at least p% of the samples at or below it. n == 0 gives zeros. */
void stats_summarize(uint64_t *v, size_t n, struct stats_summary *s);
uint64_t stats_percentile_sorted(const uint64_t *sorted, size_t n, unsigned pct);
/* Stability of a series in time order: how far apart the medians of its
 * first and second half are, in per mille of their mean. -1 when there are
 * fewer than 20 samples (or no memory); `v` is left untouched. */
long stats_half_drift_pm(const uint64_t *v, size_t n);

#endif
