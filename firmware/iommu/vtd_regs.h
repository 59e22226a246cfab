/* firmware/iommu/vtd_regs.h: the VT-d remapping hardware's registers and
 * translation structures, from the Intel Virtualization Technology for
 * Directed I/O Architecture Specification rev 3.3 (section numbers; rev
 * 4.x moves chapter 10 to 11 with the same layouts). Legacy translation
 * mode only: root table -> context table -> second-level page tables. */
#ifndef VFPROBE_IOMMU_VTD_REGS_H
#define VFPROBE_IOMMU_VTD_REGS_H

#include <stdint.h>

/* §10.4 Register Descriptions: offsets from the DRHD register base. */
#define VTD_REG_VER    0x00 /* 32-bit, §10.4.1 */
#define VTD_REG_CAP    0x08 /* 64-bit, §10.4.2 */
#define VTD_REG_ECAP   0x10 /* 64-bit, §10.4.3 */
#define VTD_REG_GCMD   0x18 /* 32-bit, §10.4.4 */
#define VTD_REG_GSTS   0x1c /* 32-bit, §10.4.5 */
#define VTD_REG_RTADDR 0x20 /* 64-bit, §10.4.6 */
#define VTD_REG_CCMD   0x28 /* 64-bit, §10.4.7 */
#define VTD_REG_FSTS   0x34 /* 32-bit, §10.4.9 */
#define VTD_REG_FECTL  0x38 /* 32-bit, §10.4.10 */

/* §10.4.1 Version Register */
#define VTD_VER_MAJOR(v) (((v) >> 4) & 0xf)
#define VTD_VER_MINOR(v) ((v)&0xf)

/* §10.4.2 Capability Register */
#define VTD_CAP_ND(c)       ((unsigned)((c)&7))                    /* 2^(4 + 2*ND) domains */
#define VTD_CAP_RWBF        (1ULL << 4)                            /* write-buffer flush required */
#define VTD_CAP_CM          (1ULL << 7)                            /* caching mode */
#define VTD_CAP_SAGAW(c)    ((unsigned)(((c) >> 8) & 0x1f))        /* supported AGAWs */
#define VTD_CAP_MGAW(c)     ((unsigned)(((c) >> 16) & 0x3f) + 1)   /* max guest address width */
#define VTD_CAP_FRO(c)      ((unsigned)(((c) >> 24) & 0x3ff) * 16) /* fault recording offset */
#define VTD_CAP_NFR(c)      ((unsigned)(((c) >> 40) & 0xff) + 1)   /* fault recording registers */
#define VTD_CAP_DOMAINS(c)  (1u << (4 + 2 * VTD_CAP_ND(c)))
#define VTD_SAGAW_39_3LEVEL (1u << 1)
#define VTD_SAGAW_48_4LEVEL (1u << 2)
#define VTD_SAGAW_57_5LEVEL (1u << 3)

/* §10.4.3 Extended Capability Register */
#define VTD_ECAP_C      (1ULL << 0)                           /* page-walk coherency */
#define VTD_ECAP_QI     (1ULL << 1)                           /* queued invalidation */
#define VTD_ECAP_IR     (1ULL << 3)                           /* interrupt remapping */
#define VTD_ECAP_PT     (1ULL << 6)                           /* pass-through */
#define VTD_ECAP_IRO(e) ((unsigned)(((e) >> 8) & 0x3ff) * 16) /* IOTLB register offset */

/* §10.4.4 Global Command / §10.4.5 Global Status: one command at a time;
 * the persistent bits are written back as GSTS shows them, the one-shot
 * ones (SRTP, SFL, WBF, SIRTP) never. */
#define VTD_GCMD_TE         (1u << 31) /* translation enable */
#define VTD_GCMD_SRTP       (1u << 30) /* set root table pointer */
#define VTD_GCMD_WBF        (1u << 27) /* write buffer flush */
#define VTD_GSTS_TES        (1u << 31)
#define VTD_GSTS_RTPS       (1u << 30)
#define VTD_GSTS_WBFS       (1u << 27)
#define VTD_GSTS_PERSISTENT (VTD_GSTS_TES | (1u << 26) | (1u << 25) | (1u << 23)) /* TES QIES IRES CFIS */

/* §10.4.6 Root Table Address: bits 11:10 Translation Table Mode, 00b legacy. */
#define VTD_RTADDR_TTM_LEGACY 0ULL
#define VTD_PAGE_MASK         0xfffULL

/* §10.4.7 Context Command Register (register-based invalidation, §6.5.1.1) */
#define VTD_CCMD_ICC         (1ULL << 63)
#define VTD_CCMD_CIRG_GLOBAL (1ULL << 61)
#define VTD_CCMD_CIRG_DOMAIN (2ULL << 61)
#define VTD_CCMD_CIRG_DEVICE (3ULL << 61)
#define VTD_CCMD_CAIG(v)     ((unsigned)(((v) >> 59) & 3)) /* granularity done, 0: not done */
#define VTD_CCMD_SID(sid)    ((uint64_t)(sid) << 16)
#define VTD_CCMD_DID(did)    ((uint64_t)(did))

/* §10.4.8 IOTLB Registers, at ECAP.IRO: Invalidate Address, then IOTLB
 * Invalidate (§6.5.1.2). */
#define VTD_IOTLB_IVA_OFF     0
#define VTD_IOTLB_REG_OFF     8
#define VTD_IOTLB_IVT         (1ULL << 63)
#define VTD_IOTLB_IIRG_GLOBAL (1ULL << 60)
#define VTD_IOTLB_IIRG_DOMAIN (2ULL << 60)
#define VTD_IOTLB_IAIG(v)     ((unsigned)(((v) >> 57) & 3))
#define VTD_IOTLB_DR          (1ULL << 49) /* drain reads */
#define VTD_IOTLB_DW          (1ULL << 48) /* drain writes */
#define VTD_IOTLB_DID(did)    ((uint64_t)(did) << 32)

/* §10.4.9 Fault Status Register */
#define VTD_FSTS_PFO    (1u << 0) /* primary fault overflow, RW1C */
#define VTD_FSTS_PPF    (1u << 1) /* primary pending fault: some FRCD.F set */
#define VTD_FSTS_IQE    (1u << 4)
#define VTD_FSTS_ICE    (1u << 5)
#define VTD_FSTS_ITE    (1u << 6)
#define VTD_FSTS_FRI(f) ((unsigned)(((f) >> 8) & 0xff))
#define VTD_FSTS_RW1C   (VTD_FSTS_PFO | VTD_FSTS_IQE | VTD_FSTS_ICE | VTD_FSTS_ITE)

/* §10.4.10 Fault Event Control: IM masks the fault interrupt (vfprobe polls). */
#define VTD_FECTL_IM (1u << 31)

/* §10.4.14 Fault Recording Registers: 128 bits each at CAP.FRO, CAP.NFR of
 * them; the low quadword holds the faulting page (FI), the high one: */
#define VTD_FRCD_BYTES   16
#define VTD_FRCD_FI_MASK (~VTD_PAGE_MASK)
#define VTD_FRCD_F       (1ULL << 63) /* fault, RW1C */
#define VTD_FRCD_T       (1ULL << 62) /* type: 1 read, 0 write */
#define VTD_FRCD_FR(hi)  ((unsigned)(((hi) >> 32) & 0xff))
#define VTD_FRCD_SID(hi) ((uint16_t)((hi)&0xffff))
#define VTD_FRCD_PP      (1ULL << 31) /* PASID present */

/* Appendix A Non-Recoverable Fault Reason Encodings (legacy mode). */
#define VTD_FR_ROOT_NOT_PRESENT    0x1
#define VTD_FR_CONTEXT_NOT_PRESENT 0x2
#define VTD_FR_CONTEXT_INVALID     0x3
#define VTD_FR_BEYOND_MGAW         0x4
#define VTD_FR_WRITE               0x5 /* write to a page without W */
#define VTD_FR_READ                0x6 /* read of a page without R */
#define VTD_FR_PAGING_ENTRY        0x7 /* a paging entry could not be read */
#define VTD_FR_ROOT_TABLE          0x8
#define VTD_FR_CONTEXT_TABLE       0x9
#define VTD_FR_ROOT_RESERVED       0xa
#define VTD_FR_CONTEXT_RESERVED    0xb
#define VTD_FR_PAGING_RESERVED     0xc
#define VTD_FR_CONTEXT_TT          0xd

/* §9.1 Root Entry (legacy mode): 128 bits, one per bus, 256 in a 4 KiB
 * root table; lo bit 0 present, lo bits 63:12 the context table. */
#define VTD_ROOT_P       (1ULL << 0)
#define VTD_ROOT_ENTRIES 256

/* §9.3 Context Entry: 128 bits, one per devfn, 256 in a 4 KiB table. */
#define VTD_CTX_P        (1ULL << 0)
#define VTD_CTX_FPD      (1ULL << 1)            /* fault processing disable */
#define VTD_CTX_TT_SL    (0ULL << 2)            /* untranslated requests through second level */
#define VTD_CTX_TT_PT    (2ULL << 2)            /* pass-through (ECAP.PT) */
#define VTD_CTX_AW(aw)   ((uint64_t)(aw))       /* hi bits 2:0: 1 3-level, 2 4-level, 3 5-level */
#define VTD_CTX_DID(did) ((uint64_t)(did) << 8) /* hi bits 23:8 */
#define VTD_CTX_ENTRIES  256

/* §9.8 Second-Level Paging Entries: R, W, the next table or the page in
 * bits 51:12 (above the host address width reserved); PS (bit 7) in a
 * non-leaf entry maps a large page, which vfprobe does not use. */
#define VTD_SL_R         (1ULL << 0)
#define VTD_SL_W         (1ULL << 1)
#define VTD_SL_ADDR_MASK 0x000ffffffffff000ULL
#define VTD_SL_ENTRIES   512
#define VTD_PAGE_SIZE    4096u
#define VTD_PAGE_SHIFT   12
#define VTD_LEVEL_STRIDE 9

#endif
