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
	tap_prefix_push("options");
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
	tap_prefix_pop();
}

static void test_stats(void)
{
	tap_prefix_push("stats");
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
	tap_prefix_pop();
}

/* The reporter under test has global state: each capture runs before the
 * real tap_begin() and returns what it printed. */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static void capture_begin(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	tap_set_stream(c->f);
	tap_begin();
}

static char *capture_end(struct capture *c, struct tap_counts *counts)
{
	*counts = tap_end();
	fclose(c->f);
	tap_set_stream(NULL);
	return c->buf;
}

static char *tap_capture(struct tap_counts *inner)
{
	struct capture c;
	capture_begin(&c);
	tap_prefix_push("ctx");
	tap_check_eq(1, 2, "RULE-X", "first");
	tap_skip("why", "second");
	tap_check_kfail("known", false, "RULE-Y", "false", "true", "third");
	tap_prefix_pop();
	return capture_end(&c, inner);
}

static void test_tap(char *buf, struct tap_counts inner)
{
	tap_check_true(strstr(buf, "not ok 1 - ctx: first\n") != NULL,
	               "failing point is 'not ok N - ctx: name'", "not ok line");
	tap_check_true(strstr(buf, "  rule: \"RULE-X\"\n  got: \"0x1\"\n  want: \"0x2\"\n") != NULL,
	               "YAML block carries rule, got, want", "yaml block");
	tap_check_true(strstr(buf, "\nok 2 - ctx: second # SKIP why\n") != NULL, "skip directive",
	               "skip line");
	tap_check_true(strstr(buf, "not ok 3 - ctx: third # TODO known\n") != NULL, "todo directive",
	               "todo line");
	tap_check_true(strstr(buf, "1..3\n") != NULL, "plan at the end", "plan");
	tap_check_true(inner.passed == 1 && inner.failed == 1 && inner.skipped == 1 && inner.todo == 1,
	               "a TODO failure counts as passed, not failed", "counts");
	free(buf);
}

/* What the prefix capture saw besides its output. */
static struct {
	bool empty, joined, underflow, after;
	unsigned three, deep;
	char *buf;
} pfx;

static void capture_prefix(void)
{
	struct capture c;
	struct tap_counts n;
	capture_begin(&c);
	pfx.empty = strcmp(tap_prefix(), "(no test)") == 0 && tap_prefix_depth() == 0;
	tap_check_true(true, "r", "bare");
	tap_prefix_push("sriov");
	tap_prefix_push("%02x:%02x.%x", 1, 0, 0);
	tap_prefix_push("VF %u", 2);
	pfx.three = tap_prefix_depth();
	pfx.joined = strcmp(tap_prefix(), "sriov: 01:00.0: VF 2") == 0;
	tap_check_true(true, "r", "deep");
	tap_prefix_pop();
	tap_check_true(true, "r", "popped");
	unsigned saved = tap_prefix_depth();
	tap_prefix_push("a");
	tap_prefix_push("b");
	tap_prefix_restore(saved);
	tap_check_true(true, "r", "restored");
	tap_prefix_restore(0);
	tap_check_true(true, "r", "cleared");
	tap_prefix_pop(); /* one pop too many: harmless */
	pfx.underflow = tap_prefix_depth() == 0;
	/* Deeper than the stack: counted, shown as "...", and popped in pairs. */
	for (unsigned i = 0; i < TAP_PREFIX_DEPTH + 2; i++)
		tap_prefix_push("%u", i);
	pfx.deep = tap_prefix_depth();
	tap_check_true(true, "r", "too deep");
	tap_prefix_pop();
	tap_check_true(true, "r", "still too deep");
	tap_prefix_pop();
	tap_check_true(true, "r", "at the limit");
	tap_prefix_pop();
	tap_check_true(true, "r", "below the limit");
	tap_prefix_restore(0);
	tap_prefix_push("x");
	tap_prefix_push("y");
	tap_prefix_restore(1);
	pfx.after = strcmp(tap_prefix(), "x") == 0;
	tap_prefix_restore(0);
	pfx.buf = capture_end(&c, &n);
}

static void test_prefix(void)
{
	const char *buf = pfx.buf;
	tap_check_true(pfx.empty, "an empty stack reads \"(no test)\"", "prefix: empty stack");
	tap_check_true(strstr(buf, "\nok 1 - bare\n") != NULL, "no prefix: the name alone", "prefix: none");
	tap_check_true(pfx.joined && pfx.three == 3, "pushed prefixes join with \": \"",
	               "prefix: tap_prefix()");
	tap_check_true(strstr(buf, "\nok 2 - sriov: 01:00.0: VF 2: deep\n") != NULL,
	               "each push adds one level, formatted", "prefix: nesting");
	tap_check_true(strstr(buf, "\nok 3 - sriov: 01:00.0: popped\n") != NULL,
	               "a pop removes the last level", "prefix: pop");
	tap_check_true(strstr(buf, "\nok 4 - sriov: 01:00.0: restored\n") != NULL,
	               "restore goes back to a saved depth", "prefix: restore");
	tap_check_true(strstr(buf, "\nok 5 - cleared\n") != NULL && pfx.underflow,
	               "restore(0) empties the stack; a pop on an empty stack is harmless", "prefix: clear");
	tap_check_eq(pfx.deep, TAP_PREFIX_DEPTH + 2, "pushes beyond TAP_PREFIX_DEPTH still count",
	             "prefix: overflow depth");
	tap_check_true(strstr(buf, "\nok 6 - 0: 1: 2: 3: 4: 5: 6: 7: ...: too deep\n") != NULL &&
	                   strstr(buf, "\nok 7 - 0: 1: 2: 3: 4: 5: 6: 7: ...: still too deep\n") != NULL,
	               "levels beyond the stack show as \"...\"", "prefix: overflow shown");
	tap_check_true(strstr(buf, "\nok 8 - 0: 1: 2: 3: 4: 5: 6: 7: at the limit\n") != NULL &&
	                   strstr(buf, "\nok 9 - 0: 1: 2: 3: 4: 5: 6: below the limit\n") != NULL,
	               "pops pair with pushes across the overflow", "prefix: overflow pops");
	tap_check_true(pfx.after, "restore after an overflow leaves the lower levels", "prefix: restore(1)");
	free(pfx.buf);
}

static struct {
	bool ret_ok;
	struct tap_counts n;
	char *buf;
} kf;

static void capture_kfail(void)
{
	struct capture c;
	capture_begin(&c);
	bool r1 = tap_check_kfail("known A", false, "RULE", "g", "w", "known failure");
	bool r2 = tap_check_kfail("known B", true, "RULE", "g", "w", "known pass");
	bool r3 = tap_check_kfail(NULL, false, "RULE", "g", "w", "plain failure");
	bool r4 = tap_check_kfail(NULL, true, "RULE", "g", "w", "plain pass");
	bool r5 = tap_check_eq_kfail("known C", 3, 4, "RULE-EQ", "eq known failure");
	bool r6 = tap_check_eq_kfail(NULL, 5, 5, "RULE-EQ", "eq plain pass");
	kf.buf = capture_end(&c, &kf.n);
	kf.ret_ok = !r1 && r2 && !r3 && r4 && !r5 && r6;
}

static void test_kfail(void)
{
	const char *buf = kf.buf;
	const struct tap_counts n = kf.n;
	tap_check_true(kf.ret_ok, "kfail returns the condition, not the verdict", "kfail: return values");
	tap_check_true(strstr(buf, "not ok 1 - known failure # TODO known A\n  ---\n  rule: \"RULE\"\n"
	                           "  got: \"g\"\n  want: \"w\"\n  ...\n") != NULL,
	               "a known failure is 'not ok ... # TODO reason' with its YAML block",
	               "kfail: known failure");
	tap_check_true(strstr(buf, "\nok 2 - known pass # TODO known B\nnot ok 3") != NULL,
	               "a known pass is 'ok ... # TODO reason', no YAML", "kfail: known pass");
	tap_check_true(strstr(buf, "not ok 3 - plain failure\n  ---\n") != NULL &&
	                   strstr(buf, "\nok 4 - plain pass\n") != NULL,
	               "known == NULL is a plain check", "kfail: NULL is plain");
	tap_check_true(strstr(buf, "not ok 5 - eq known failure # TODO known C\n  ---\n  rule: "
	                           "\"RULE-EQ\"\n  got: \"0x3\"\n  want: \"0x4\"\n") != NULL &&
	                   strstr(buf, "\nok 6 - eq plain pass\n") != NULL,
	               "tap_check_eq_kfail prints got and want in hex", "kfail: eq");
	tap_check_eq(n.total, 6, "every kfail is one point", "kfail: total");
	tap_check_eq(n.passed, 5, "known failures count as passed", "kfail: passed");
	tap_check_eq(n.failed, 1, "only the plain failure fails", "kfail: failed");
	tap_check_eq(n.todo, 2, "known failures (not known passes) count as todo", "kfail: todo");
	tap_check_true(strstr(buf, "# 2 known deviation(s) reported as TODO\n") != NULL,
	               "the summary counts the known failures", "kfail: summary");
	free(kf.buf);
}

int main(void)
{
	struct tap_counts inner;
	char *captured = tap_capture(&inner);
	capture_prefix();
	capture_kfail();
	tap_begin();
	test_options();
	test_stats();
	tap_prefix_push("tap");
	test_tap(captured, inner);
	test_prefix();
	test_kfail();
	tap_prefix_pop();
	return unit_done();
}
