/* tests/unit/test_reset_carry.c: firmware/lib/reset_carry.c (the first
 * boot's state, as the host carries it to the second) and tap_resume. */
#include <stdlib.h>
#include <string.h>

#include "lib/reset_carry.h"
#include "unit.h"

static void test_round_trip(void)
{
	struct reset_carry c = {.counts = {.passed = 7, .failed = 1, .skipped = 2, .todo = 3, .total = 10},
	                        .caps = "100:10,140:0"};
	char args[160], reply[200], err[160];
	tap_check_true(reset_carry_format(&c, args, sizeof(args)) > 0, "the state fits the request",
	               "format");
	tap_check(strcmp(args, "passed=7 failed=1 skipped=2 todo=3 total=10 caps=100:10,140:0") == 0,
	          "the request's words are KEY=VALUE, as the host's grammar wants", args,
	          "passed=7 failed=1 skipped=2 todo=3 total=10 caps=100:10,140:0", "request words");
	snprintf(reply, sizeof(reply), "boot=2 %s", args);
	struct reset_carry back;
	tap_check(reset_carry_parse(reply, &back, err, sizeof(err)), "the host's answer parses", err,
	          "parsed", "boot=2 answer");
	tap_check_true(back.boot == 2 && memcmp(&back.counts, &c.counts, sizeof(c.counts)) == 0 &&
	                   strcmp(back.caps, c.caps) == 0,
	               "what the first boot sent comes back unchanged", "round trip");
	struct reset_carry none = {0};
	reset_carry_format(&none, args, sizeof(args));
	snprintf(reply, sizeof(reply), "boot=2 %s", args);
	tap_check_true(reset_carry_parse(reply, &back, err, sizeof(err)) && back.caps[0] == '\0',
	               "no chains is caps=- and comes back empty", "empty caps");
	tap_check_eq((uint64_t)reset_carry_format(&c, args, 20), (uint64_t)-1,
	             "a state that does not fit is -1", "too long");
}

static void test_bad_answers(void)
{
	static const char *const bad[] = {
	    "",
	    "boot=",
	    "boot=0",
	    "boot=x",
	    "boots=1",
	    "boot=1x",
	    "boot=2 passed=1",
	    "boot=2 passed=1 failed=0 skipped=0 todo=0 total=2 caps=-",
	    "boot=2 passed=1 failed=0 skipped=0 todo=0 total=1 caps=",
	    "boot=2 passed=1 failed=0 skipped=0 todo=0 total=1 caps=a b",
	    "boot=2 passed=1 failed=0 skipped=0 todo=2 total=1 caps=-",
	};
	struct reset_carry c;
	char err[160];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		bool ok = reset_carry_parse(bad[i], &c, err, sizeof(err));
		tap_check(!ok && err[0], "a malformed boot-count answer is refused with a reason", err,
		          "refused", "bad answer '%s'", bad[i]);
	}
	tap_check_true(reset_carry_parse("boot=1", &c, err, sizeof(err)) && c.boot == 1 &&
	                   c.counts.total == 0,
	               "boot=1 alone is a first boot with nothing carried", "first boot");
}

/* tap_resume, on a stream of its own (before the test's own tap_begin). */
struct resumed {
	char *text;
	bool again;
	struct tap_counts end;
};

static struct resumed resume_capture(void)
{
	struct resumed r = {0};
	size_t len;
	FILE *f = open_memstream(&r.text, &len);
	tap_set_stream(f);
	tap_begin();
	const struct tap_counts before = {.passed = 4, .failed = 1, .skipped = 1, .todo = 1, .total = 6};
	tap_resume(&before);
	tap_check_true(true, "r", "after");
	r.again = tap_resume(&before);
	r.end = tap_end();
	fclose(f);
	tap_set_stream(NULL);
	return r;
}

static void test_resume(struct resumed r)
{
	tap_check_true(strstr(r.text, "\nok 7 - after\n") != NULL, "the next point is numbered on",
	               "numbering");
	tap_check_true(strstr(r.text, "1..7\n") != NULL, "the plan covers both boots", "plan");
	tap_check_true(r.end.passed == 5 && r.end.failed == 1 && r.end.skipped == 1 && r.end.todo == 1,
	               "the counts add up over both boots", "counts");
	tap_check_true(!r.again, "resuming after a point of this boot is refused", "late resume");
	free(r.text);
}

int main(void)
{
	struct resumed r = resume_capture();
	tap_begin();
	tap_prefix_push("reset_carry");
	test_round_trip();
	test_bad_answers();
	test_resume(r);
	tap_prefix_pop();
	return unit_done();
}
