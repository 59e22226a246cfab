/* tests/selftest/selftest.c: suites that prove the harness can fail.
 * Each is run as its own boot by tests/harness/ and its verdict asserted. */
#include <stdint.h>
#include <stdio.h>

#include "lib/suite.h"

static void pass_one(void)
{
	tap_check_eq(1, 1, "selftest: a true check is ok", "a check that holds");
}

static void run_fail(const struct run_config *cfg)
{
	(void)cfg;
	pass_one();
	tap_check_eq(1, 2, "selftest: a false check must be reported as not ok", "a check that must fail");
}

static void run_skip(const struct run_config *cfg)
{
	(void)cfg;
	pass_one();
	tap_skip("selftest: skipping on purpose", "a check that is skipped");
}

static void run_todo(const struct run_config *cfg)
{
	(void)cfg;
	pass_one();
	tap_check_eq_kfail("selftest: a known deviation", 3, 4,
	                   "selftest: a failing TODO check stays visible", "a known deviation");
}

static void run_exception(const struct run_config *cfg)
{
	(void)cfg;
	pass_one();
	tap_prefix_push("invalid opcode");
	__builtin_trap(); /* ud2: #UD, vector 6 */
}

static void run_triple_fault(const struct run_config *cfg)
{
	(void)cfg;
	pass_one();
	tap_prefix_push("no IDT");
	fflush(stdout);
	/* With an empty IDT, #BP cannot be delivered: #GP, #DF, then a triple fault. */
	static const struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} empty = {0, 0};
	__asm__ volatile("lidt %0; int3" : : "m"(empty));
}

static void run_hang(const struct run_config *cfg)
{
	(void)cfg;
	pass_one();
	for (;;)
		__asm__ volatile("pause");
}

VFPROBE_SUITE(selftest_fail, "selftest-fail", "one check passes, one must fail", run_fail, SUITE_EXPLICIT,
              NULL);
VFPROBE_SUITE(selftest_skip, "selftest-skip", "one check passes, one is skipped", run_skip, SUITE_EXPLICIT,
              NULL);
VFPROBE_SUITE(selftest_todo, "selftest-todo", "one check passes, one is a TODO failure", run_todo,
              SUITE_EXPLICIT, NULL);
VFPROBE_SUITE(selftest_exception, "selftest-exception", "a CPU exception inside a test", run_exception,
              SUITE_EXPLICIT, NULL);
VFPROBE_SUITE(selftest_triple_fault, "selftest-triple-fault", "a fault the guest cannot report",
              run_triple_fault, SUITE_EXPLICIT, NULL);
VFPROBE_SUITE(selftest_hang, "selftest-hang", "a guest that stops printing", run_hang, SUITE_EXPLICIT, NULL);

static void run_canary(const struct run_config *cfg)
{
	(void)cfg;
	tap_check_true(true, "the firmware boots and reaches its suites", "canary: firmware booted");
}

VFPROBE_SUITE(canary, "canary", "boots and reports one passing check (accelerator probe)", run_canary,
              SUITE_EXPLICIT, NULL);
