/* tests/unit/test_lib.c: firmware/lib on the host: options, stats, TAP. */
#include <stdlib.h>
#include <string.h>

#include "lib/options.h"
#include "lib/stats.h"
#include "unit.h"

static const char *const known[] = {"suite", "vfs", "pfs", "mode", NULL};

static void test_options(void)
{
	struct options o;
	char err[128] = "";
	tap_context("options");
	tap_check_eq(options_parse(&o, "  suite=sriov,virtio vfs=7  pfs=0x2 ", known, err, sizeof(err)), 0,
	             "key=value words separated by blanks parse", "a normal command line parses");
	tap_check_true(strcmp(options_get(&o, "suite"), "sriov,virtio") == 0, "value kept verbatim",
	               "suite value");
	unsigned long v = 0;
	tap_check_true(options_get_uint(&o, "vfs", 0, &v) && v == 7, "decimal number", "vfs=7 reads 7");
	tap_check_true(options_get_uint(&o, "pfs", 0, &v) && v == 2, "hex number", "pfs=0x2 reads 2");
	tap_check_true(options_get_uint(&o, "mode", 5, &v) && v == 5, "absent key gives the fallback",
	               "absent key");
	tap_check_eq(options_parse(&o, "sriov", known, err, sizeof(err)), 0, "a bare word is a suite",
	             "bare word parses");
	tap_check_true(strcmp(options_get(&o, "suite"), "sriov") == 0, "a bare word is a suite",
	               "bare word is suite=");
	tap_check_eq((uint64_t)options_parse(&o, "suite=x bogus=1", known, err, sizeof(err)), (uint64_t)-1,
	             "unknown keys are refused", "unknown key refused");
	tap_check_true(strstr(err, "bogus") != NULL, "the error names the key", "error names 'bogus'");
	tap_check_eq((uint64_t)options_parse(&o, "=x", known, err, sizeof(err)), (uint64_t)-1,
	             "an empty key is refused", "empty key refused");
	char longv[400];
	memset(longv, 'a', sizeof(longv));
	memcpy(longv, "suite=", 6);
	longv[sizeof(longv) - 1] = 0;
	tap_check_eq((uint64_t)options_parse(&o, longv, known, err, sizeof(err)), (uint64_t)-1,
	             "an over-long value is refused, not truncated", "long value refused");
	options_parse(&o, "vfs=-1", known, err, sizeof(err));
	tap_check_true(!options_get_uint(&o, "vfs", 0, &v), "negative numbers are not numbers", "vfs=-1");
	options_parse(&o, "vfs=12x", known, err, sizeof(err));
	tap_check_true(!options_get_uint(&o, "vfs", 0, &v), "trailing junk is not a number", "vfs=12x");
	tap_check_true(options_list_has("a,bb,c", "bb") && !options_list_has("a,bb,c", "b") &&
	                   !options_list_has("", "a") && options_list_has("c", "c"),
	               "comma lists match whole words only", "options_list_has");
}

static void test_stats(void)
{
	tap_context("stats");
	uint64_t v[100];
	for (int i = 0; i < 100; i++)
		v[i] = (uint64_t)(100 - i); /* 100..1, reversed */
	struct stats_summary s;
	stats_summarize(v, 100, &s);
	tap_check_eq(s.min, 1, "min", "min of 1..100");
	tap_check_eq(s.max, 100, "max", "max of 1..100");
	tap_check_eq(s.median, 50, "nearest-rank median of 1..100 is 50", "median");
	tap_check_eq(s.p90, 90, "nearest-rank p90 of 1..100 is 90", "p90");
	tap_check_eq(s.p99, 99, "nearest-rank p99 of 1..100 is 99", "p99");
	tap_check_eq(s.mean, 50, "mean of 1..100 is 50.5, truncated", "mean");
	uint64_t one = 7;
	stats_summarize(&one, 1, &s);
	tap_check_true(s.median == 7 && s.p99 == 7 && s.n == 1, "one sample is every percentile", "n=1");
	stats_summarize(NULL, 0, &s);
	tap_check_true(s.n == 0 && s.median == 0, "no samples give zeros", "n=0");
	uint64_t big[3] = {UINT64_MAX, UINT64_MAX, UINT64_MAX};
	stats_summarize(big, 3, &s);
	tap_check_eq(s.mean, UINT64_MAX, "the mean does not overflow", "mean of UINT64_MAX");
	uint64_t series[40];
	for (int i = 0; i < 40; i++)
		series[i] = i < 20 ? 100 : 110; /* second half 10% slower */
	tap_check_eq((uint64_t)stats_half_drift_pm(series, 40), 95,
	             "half drift: |100 - 110| / 105 = 95 per mille",
	             "half drift of a series that slows down");
	tap_check_eq(series[0], 100, "half drift leaves the samples in time order", "samples untouched");
	tap_check_eq((uint64_t)stats_half_drift_pm(series, 19), (uint64_t)-1,
	             "fewer than 20 samples: no drift", "half drift needs 20 samples");
}

/* Runs before the real tap_begin(): the reporter under test has global state. */
static char *tap_capture(struct tap_counts *inner)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	tap_set_stream(f);
	tap_begin();
	tap_context("ctx");
	tap_check_eq(1, 2, "RULE-X", "first");
	tap_skip("why", "second");
	tap_todo_next("known");
	tap_check_true(false, "RULE-Y", "third");
	*inner = tap_end();
	fclose(f);
	tap_set_stream(NULL);
	return buf;
}

static void test_tap(char *buf, struct tap_counts inner)
{
	tap_context("tap");
	tap_check_true(strstr(buf, "not ok 1 - ctx: first\n") != NULL,
	               "failing point is 'not ok N - ctx: name'", "not ok line");
	tap_check_true(strstr(buf, "  rule: \"RULE-X\"\n  got: \"0x1\"\n  want: \"0x2\"\n") != NULL,
	               "YAML block carries rule, got, want", "yaml block");
	tap_check_true(strstr(buf, "ok 2 - ctx: second # SKIP why\n") != NULL, "skip directive", "skip line");
	tap_check_true(strstr(buf, "not ok 3 - ctx: third # TODO known\n") != NULL, "todo directive",
	               "todo line");
	tap_check_true(strstr(buf, "1..3\n") != NULL, "plan at the end", "plan");
	tap_check_true(inner.passed == 1 && inner.failed == 1 && inner.skipped == 1 && inner.todo == 1,
	               "a TODO failure counts as passed, not failed", "counts");
	free(buf);
}

int main(void)
{
	struct tap_counts inner;
	char *captured = tap_capture(&inner);
	tap_begin();
	test_options();
	test_stats();
	test_tap(captured, inner);
	return unit_done();
}
