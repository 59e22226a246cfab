/* tests/conformance/iommu_deviations.h: the iommu suite's table of known
 * QEMU deviations (deviations.h). */
#ifndef VFPROBE_TESTS_IOMMU_DEVIATIONS_H
#define VFPROBE_TESTS_IOMMU_DEVIATIONS_H

void iommu_deviations_register(void);

#endif
