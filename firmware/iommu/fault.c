/* firmware/iommu/fault.c: fault record decoding (VT-d 3.3 §10.4.14, Appendix A). */
#include "iommu/fault.h"

#include <stdio.h>

#include "iommu/vtd_regs.h"

bool vtd_fault_decode(uint64_t lo, uint64_t hi, struct vtd_fault *f)
{
	*f = (struct vtd_fault){
	    .page = lo & VTD_FRCD_FI_MASK,
	    .sid = VTD_FRCD_SID(hi),
	    .reason = (uint8_t)VTD_FRCD_FR(hi),
	    .read = (hi & VTD_FRCD_T) != 0,
	    .pasid = (hi & VTD_FRCD_PP) != 0,
	};
	return (hi & VTD_FRCD_F) != 0;
}

const char *vtd_fault_reason_name(unsigned reason)
{
	switch (reason) {
	case VTD_FR_ROOT_NOT_PRESENT:
		return "root entry not present";
	case VTD_FR_CONTEXT_NOT_PRESENT:
		return "context entry not present";
	case VTD_FR_CONTEXT_INVALID:
		return "context entry invalid";
	case VTD_FR_BEYOND_MGAW:
		return "address beyond the guest address width";
	case VTD_FR_WRITE:
		return "write to a page without write permission";
	case VTD_FR_READ:
		return "read of a page without read permission";
	case VTD_FR_PAGING_ENTRY:
		return "paging entry not readable";
	case VTD_FR_ROOT_TABLE:
		return "root table not readable";
	case VTD_FR_CONTEXT_TABLE:
		return "context table not readable";
	case VTD_FR_ROOT_RESERVED:
		return "reserved bit set in a root entry";
	case VTD_FR_CONTEXT_RESERVED:
		return "reserved bit set in a context entry";
	case VTD_FR_PAGING_RESERVED:
		return "reserved bit set in a paging entry";
	case VTD_FR_CONTEXT_TT:
		return "translation type not allowed";
	}
	return "unknown fault reason";
}

void vtd_fault_format(const struct vtd_fault *f, char *buf, size_t len)
{
	snprintf(buf, len, "sid %02x:%02x.%x (0x%04x) %s page 0x%llx reason 0x%x (%s)%s", f->sid >> 8,
	         (f->sid >> 3) & 0x1f, f->sid & 7, f->sid, f->read ? "read" : "write",
	         (unsigned long long)f->page, f->reason, vtd_fault_reason_name(f->reason),
	         f->pasid ? " with PASID" : "");
}
