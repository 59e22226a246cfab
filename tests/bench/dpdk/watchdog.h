/* tests/bench/dpdk/watchdog.h: a deadline on a step that may never return
 * (rte_eal_init, a port that never starts): when it passes, the guest
 * prints "Bail out! dpdk: <step> did not finish in N s" and ends the VM
 * through isa-debug-exit with VERDICT_BAIL, so the host reports that one
 * line instead of waiting for its boot timeout. Uses SIGALRM; a fork()ed
 * child arms its own. */
#ifndef VFPROBE_BENCH_DPDK_WATCHDOG_H
#define VFPROBE_BENCH_DPDK_WATCHDOG_H

#include <stdbool.h>

/* Once, before the first watchdog_arm: I/O port access for the exit. */
bool watchdog_init(void);
/* Start the deadline of `step` (a string that outlives it). */
void watchdog_arm(const char *step, unsigned seconds);
void watchdog_disarm(void);

#endif
