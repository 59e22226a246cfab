/* firmware/lib/tap.h: the test reporter. Prints TAP version 13.
 *
 *   ok 3 - sriov: 01:00.0: InitialVFs <= TotalVFs
 *   not ok 4 - sriov: 01:00.0: System Page Size has exactly one bit set
 *     ---
 *     rule: "PCIe 6.0 §9.3.3.13 System Page Size holds exactly one supported bit"
 *     got: 0x3
 *     want: "exactly one bit of Supported Page Sizes (0x553)"
 *     ...
 *
 * Pure: writes to a FILE (stdout by default) and keeps counts, so tests/unit
 * can run it on the host. The plan (1..N) is printed at the end. */
#ifndef VFPROBE_LIB_TAP_H
#define VFPROBE_LIB_TAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct tap_counts {
	unsigned passed;
	unsigned failed;
	unsigned skipped;
	unsigned todo; /* known deviations that failed as expected (also in passed) */
	unsigned total;
	bool bailed; /* a Bail out! line was printed: the run ends in VERDICT_BAIL */
};

void tap_set_stream(FILE *f);
void tap_begin(void);
/* One TAP stream across a machine reset (suite sysreset): the second boot
 * goes on from the counts the first had, so its next point is numbered
 * before->total + 1 and its plan and verdict cover both boots. Only
 * before this boot's first point; false (and nothing changed) after. */
bool tap_resume(const struct tap_counts *before);
/* The prefix stack (kvm-unit-tests' report_prefix_push/pop): every test
 * name is printed after the pushed prefixes, joined by ": ", so
 *   tap_prefix_push("sriov"); tap_prefix_push("01:00.0"); tap_check(...)
 * prints "ok 3 - sriov: 01:00.0: ...". A push that does not fit is kept
 * as a depth (so pops still pair up) and shown as "...". */
#define TAP_PREFIX_DEPTH 8
void tap_prefix_push(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tap_prefix_pop(void);
/* Pop until `depth` prefixes are left (tap_prefix_depth() saved earlier). */
void tap_prefix_restore(unsigned depth);
unsigned tap_prefix_depth(void);
/* The joined prefixes, or "(no test)" when the stack is empty. */
const char *tap_prefix(void);

/* The workhorses: each is one test point; they return the condition. */
bool tap_check(bool ok, const char *rule, const char *got, const char *want, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
bool tap_check_eq(uint64_t got, uint64_t want, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool tap_check_true(bool ok, const char *rule, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tap_skip(const char *reason, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A check that fails for a known reason (kvm-unit-tests' report_kfail):
 * when `known` is not NULL it names the known deviation, and a failure is
 * reported as TAP TODO (shown, not counted as failed); a pass is reported
 * as "ok ... # TODO" so a deviation that no longer occurs is visible.
 * known == NULL makes these plain tap_check / tap_check_eq. */
bool tap_check_kfail(const char *known, bool ok, const char *rule, const char *got, const char *want,
                     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
bool tap_check_eq_kfail(const char *known, uint64_t got, uint64_t want, const char *rule, const char *fmt,
                        ...) __attribute__((format(printf, 5, 6)));

void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A CPU exception: one failing point naming the context, then Bail out!. */
void tap_crash(const char *what);
/* A run that cannot go on: Bail out! with the reason. */
void tap_bail_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print the plan and the summary line; the counts decide the verdict. */
struct tap_counts tap_end(void);
struct tap_counts tap_get_counts(void);

#endif
