/* tests/conformance/link_deviations.h: the link suite's table of known
 * QEMU deviations (deviations.h). */
#ifndef VFPROBE_TESTS_LINK_DEVIATIONS_H
#define VFPROBE_TESTS_LINK_DEVIATIONS_H

void link_deviations_register(void);

#endif
