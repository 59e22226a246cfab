/* firmware/lib/reset_carry.h: what the first boot of suite `sysreset`
 * hands the second, through the host (scripts/sysreset_events.py). Guest
 * memory does not survive a reset the firmware can rely on, so the host
 * keeps it: the first boot sends it with its `sysreset` request, and each
 * boot asks `boot-count`, whose answer is
 *
 *   boot=1                                         (nothing carried yet)
 *   boot=2 passed=P failed=F skipped=S todo=T total=N caps=CHAINS
 *
 * N is how many TAP points the first boot printed (the second numbers on
 * from N + 1, lib/tap.h tap_resume); CHAINS is each SR-IOV PF's extended
 * capability chain as the first boot read it, "OFF:ID,OFF:ID/..." in hex.
 * Pure: tests/unit runs it on the host. */
#ifndef VFPROBE_LIB_RESET_CARRY_H
#define VFPROBE_LIB_RESET_CARRY_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/tap.h"

#define RESET_CARRY_CAPS_MAX 96

struct reset_carry {
	unsigned boot; /* the host's count of this machine's boots, from 1 */
	struct tap_counts counts;
	char caps[RESET_CARRY_CAPS_MAX]; /* "" when nothing was carried */
};

/* The `sysreset` request's arguments for c (boot is not sent: the host
 * counts). The length written, or -1 when it does not fit in len. */
int reset_carry_format(const struct reset_carry *c, char *buf, size_t len);

/* The host's `boot-count` answer into c; false with a one-line reason in
 * err when it is not one of the two forms above. */
bool reset_carry_parse(const char *text, struct reset_carry *c, char *err, size_t errlen);

#endif
