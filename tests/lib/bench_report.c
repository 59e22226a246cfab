/* tests/lib/bench_report.c: BENCH lines and their TAP points. */
#include "bench_report.h"

#include <stdio.h>

#include "clock.h"
#include "lib/stats.h"
#include "lib/tap.h"

static const char *impl;

void bench_set_impl(const char *name)
{
	impl = name;
}

static unsigned long long ns(uint64_t ticks)
{
	return (unsigned long long)clock_ticks_to_ns(ticks);
}

bool bench_report(const char *name, uint64_t *ticks, size_t n, uint32_t rate_bytes, const char *params)
{
	if (n == 0) {
		bench_fail(name, params, "no samples");
		return false;
	}
	long drift = stats_half_drift_pm(ticks, n);
	struct stats_summary s;
	stats_summarize(ticks, n, &s);
	const char *p = params ? params : "";
	printf("BENCH name=%s%s%s unit=ns n=%zu median=%llu p90=%llu p99=%llu max=%llu min=%llu mean=%llu",
	       name, impl ? " impl=" : "", impl ? impl : "", s.n, ns(s.median), ns(s.p90), ns(s.p99),
	       ns(s.max), ns(s.min), ns(s.mean));
	if (clock_counts_cycles())
		printf(" median_cycles=%llu p90_cycles=%llu p99_cycles=%llu max_cycles=%llu",
		       (unsigned long long)s.median, (unsigned long long)s.p90, (unsigned long long)s.p99,
		       (unsigned long long)s.max);
	if (rate_bytes) {
		/* From the median time per frame: frames/s and Mbit/s of frame bytes. */
		uint64_t t = clock_ticks_to_ns(s.median);
		uint64_t pps = t ? 1000000000ull / t : 0;
		uint64_t kbps = pps * rate_bytes * 8 / 1000;
		printf(" pps=%llu mbps=%llu.%03llu", (unsigned long long)pps,
		       (unsigned long long)(kbps / 1000), (unsigned long long)(kbps % 1000));
	}
	if (drift >= 0)
		printf(" half_drift_pm=%ld", drift);
	printf("%s%s\n", *p ? " " : "", p);
	tap_check_true(true, "bench: a figure is reported, never judged on speed", "measured %s%s%s", name,
	               *p ? " " : "", p);
	return true;
}

void bench_fail_known(const char *name, const char *params, const char *why, const char *known)
{
	tap_check_kfail(known, false, "bench: the measurement could be made", why, "samples",
	                "measured %s%s%s", name, params && *params ? " " : "", params ? params : "");
}

void bench_fail(const char *name, const char *params, const char *why)
{
	bench_fail_known(name, params, why, NULL);
}
