/* tests/conformance/migrate_deviations.h: the migrate suite's table of
 * known QEMU deviations (deviations.h). */
#ifndef VFPROBE_TESTS_MIGRATE_DEVIATIONS_H
#define VFPROBE_TESTS_MIGRATE_DEVIATIONS_H

#define MIGRATE_VF_RESET "migrate-vf-state-reset"

void migrate_deviations_register(void);

#endif
