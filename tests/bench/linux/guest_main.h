/* tests/bench/linux/guest_main.h: what the baseline guests' /init
 * programs (vfnet.c, the kernel's AF_PACKET path; vfdpdk.c, DPDK's PMD)
 * share around their measurements: the mode from the kernel command line,
 * the sample counts, the TAP stream and the verdict through isa-debug-exit
 * (firmware/boot/exit.h), so the host judges them as it judges vfprobe. */
#ifndef VFPROBE_TESTS_BENCH_LINUX_GUEST_MAIN_H
#define VFPROBE_TESTS_BENCH_LINUX_GUEST_MAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "boot/exit.h"
#include "lib/measure.h"

struct baseline_guest {
	const char *impl;           /* BENCH impl= and the TAP prefix */
	const char *what;           /* its first diagnostic line */
	uint32_t run_tag;           /* the frame.h run tag of its frames */
	struct measure_counts full; /* samples per figure in full mode */
	void (*run)(void);
};

/* Short mode when the kernel command line has vfprobe.mode=short or an
 * argument is --short (*short_mode); m's counts and run tag; then the TAP
 * stream around g->run and the verdict. Returns only if the VM did not end. */
int baseline_main(const struct baseline_guest *g, struct measure *m, bool *short_mode, int argc, char **argv);
/* Flush, then end the VM with verdict v (isa-debug-exit). */
void baseline_exit(enum verdict v);

#endif
