/* tests/conformance/iommu_rules.h: the rules the iommu suite checks. */
#ifndef VFPROBE_TESTS_IOMMU_RULES_H
#define VFPROBE_TESTS_IOMMU_RULES_H

#define R_DMAR "VT-d 3.3 §8.1, §8.3: a checksummed DMAR table whose DRHD covers every function"
#define R_CAP  "VT-d 3.3 §10.4.2: SAGAW offers 4-level (or 3-level) tables; fault recording registers exist"
#define R_PLATFORM                                                                                           \
	"virtio v1.3 §6 Reserved Feature Bits: a device behind the IOMMU offers and keeps "                 \
	"VIRTIO_F_ACCESS_PLATFORM"
#define R_ROOT     "VT-d 3.3 §10.4.4, §10.4.5: SRTP latches the root table, GSTS.RTPS reads 1"
#define R_MAP      "VT-d 3.3 §6.5.1.1, §6.5.1.2: register-based context and IOTLB invalidation complete"
#define R_TE       "VT-d 3.3 §10.4.4, §10.4.5: TE enables translation, GSTS.TES follows"
#define R_OWN      "VT-d 3.3 §3.7 Second-Level Translation: a function works with only its own pages mapped"
#define R_NO_FAULT "VT-d 3.3 §7.2.1: no fault is recorded while each function uses only its mapped pages"
#define R_BLOCKED  "VT-d 3.3 §7.1: a request its domain does not allow is blocked: the target is unchanged"
#define R_RECORDED "VT-d 3.3 §7.2.1 Primary Fault Logging: the blocked request is recorded"
#define R_SID                                                                                                 \
	"VT-d 3.3 §10.4.14 + PCIe 6.0 §2.2.6.2: the fault's source-id is the requester ID of the function " \
	"that made the request (bus << 8 | devfn)"
#define R_REASON                                                                                             \
	"VT-d 3.3 Appendix A: a write without write permission is fault reason 5, a read without read "      \
	"permission 6, a request with no present context entry 2"
#define R_TYPE "VT-d 3.3 §10.4.14: T is 0 for a write request, 1 for a read"
#define R_ADDR "VT-d 3.3 §10.4.14: FI is the page of the faulting address"
#define R_DEVICE                                                                                             \
	"virtio v1.3 §2.1.2 Device Requirements: Device Status Field: a device in an error state "          \
	"sets DEVICE_NEEDS_RESET"
#define R_USED_LEN                                                                                           \
	"virtio v1.3 §2.7.8.1 Device Requirements: The Virtqueue Used Ring: a used element's len is the "   \
	"bytes written into its buffer: a blocked buffer comes back with none, or not at all"
#define R_OTHERS "VT-d 3.3 §3.7: one domain's fault leaves the other domains and their datapaths working"
#define R_RECOVER                                                                                            \
	"virtio v1.3 §3.1.1: reset and re-mapped, the function initialises again and carries traffic"
#define R_READONLY "VT-d 3.3 §9.8 Second-Level Paging Entries: W clear stops device writes"
#define R_FSTS     "VT-d 3.3 §10.4.9: with the fault records cleared, PPF and PFO read 0"
#define R_TE_OFF   "VT-d 3.3 §10.4.4, §10.4.5: clearing TE turns translation off, GSTS.TES follows"

#define R_NO_LEAK                                                                                            \
	"VT-d 3.3 §7.1: a blocked read returns none of the target's bytes: no function receives them"
#define R_NO_ZEROS                                                                                           \
	"VT-d 3.3 §7.1 + PCIe 6.0 §2.3.2: a blocked read completes without data; the device does not "     \
	"transmit a frame made of data it never got"

#endif
