/* firmware/iommu/fault.h: a VT-d primary fault record decoded (VT-d 3.3
 * §7.2.1 Primary Fault Logging, layout §10.4.14, reasons Appendix A).
 * Pure. */
#ifndef VFPROBE_IOMMU_FAULT_H
#define VFPROBE_IOMMU_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vtd_fault {
	uint64_t page;  /* FI: the faulting address's page */
	uint16_t sid;   /* source-id: bus << 8 | devfn */
	uint8_t reason; /* FR, VTD_FR_* */
	bool read;      /* T: a read request (else a write) */
	bool pasid;     /* PP: the request carried a PASID */
};

/* False when the record's F bit is clear (nothing recorded). */
bool vtd_fault_decode(uint64_t lo, uint64_t hi, struct vtd_fault *f);
/* "write to a page without write permission" for VTD_FR_WRITE, ... */
const char *vtd_fault_reason_name(unsigned reason);
/* One line: "sid 01:00.2 (0x0102) write page 0x7f3a000 reason 0x5 (...)". */
void vtd_fault_format(const struct vtd_fault *f, char *buf, size_t len);

#endif
