/* firmware/lib/stats.c: median and percentiles. */
#include "lib/stats.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

uint64_t stats_percentile_sorted(const uint64_t *sorted, size_t n, unsigned pct)
{
	if (n == 0)
		return 0;
	if (pct > 100)
		pct = 100;
	/* nearest rank: ceil(pct/100 * n), 1-based */
	size_t rank = ((size_t)pct * n + 99) / 100;
	if (rank == 0)
		rank = 1;
	return sorted[rank - 1];
}

void stats_summarize(uint64_t *v, size_t n, struct stats_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->n = n;
	if (n == 0)
		return;
	qsort(v, n, sizeof(*v), cmp_u64);
	__uint128_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	s->min = v[0];
	s->max = v[n - 1];
	s->median = stats_percentile_sorted(v, n, 50);
	s->p90 = stats_percentile_sorted(v, n, 90);
	s->p99 = stats_percentile_sorted(v, n, 99);
	s->mean = (uint64_t)(sum / n);
}

long stats_half_drift_pm(const uint64_t *v, size_t n)
{
	if (n < 20)
		return -1;
	uint64_t *copy = malloc(n * sizeof(*copy));
	if (!copy)
		return -1;
	memcpy(copy, v, n * sizeof(*copy));
	struct stats_summary a, b;
	stats_summarize(copy, n / 2, &a);
	stats_summarize(copy + n / 2, n - n / 2, &b);
	free(copy);
	uint64_t d = a.median > b.median ? a.median - b.median : b.median - a.median;
	uint64_t m = (a.median + b.median) / 2;
	return m ? (long)(d * 1000 / m) : 0;
}
