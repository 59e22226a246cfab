/* firmware/pci/pci_regs.h: PCI Express configuration registers.
 *
 * Every offset and bit the firmware and the tests use, named once, with the
 * section of the PCI Express Base Specification 6.0 that defines it (and the
 * PCI Firmware Specification 3.3 for MCFG). Layouts cross-checked against
 * Linux include/uapi/linux/pci_regs.h. */
#ifndef VFPROBE_PCI_PCI_REGS_H
#define VFPROBE_PCI_PCI_REGS_H

/* §7.2.2 ECAM: 4 KiB per function, bus << 20 | devfn << 12 | offset. */
#define PCI_CFG_SPACE_SIZE     256
#define PCI_CFG_EXT_SPACE_SIZE 4096
#define PCI_ECAM_BUS_SHIFT     20
#define PCI_ECAM_DEVFN_SHIFT   12

/* PCI Firmware 3.3 §4.1.2 MCFG: after the 36-byte header, 8 reserved bytes,
 * then 16-byte allocation structures. */
#define PCI_MCFG_ENTRIES       44u
#define PCI_MCFG_ENTRY_SIZE    16u
#define PCI_MCFG_ENTRY_BASE    0  /* u64 ECAM base address */
#define PCI_MCFG_ENTRY_SEGMENT 8  /* u16 PCI segment group */
#define PCI_MCFG_ENTRY_START   10 /* u8 start bus number */
#define PCI_MCFG_ENTRY_END     11 /* u8 end bus number */

/* §7.5.1.1 Type 0/1 common configuration space header */
#define PCI_VENDOR_ID            0x00 /* §7.5.1.1.1 */
#define PCI_DEVICE_ID            0x02 /* §7.5.1.1.2 */
#define PCI_COMMAND              0x04 /* §7.5.1.1.3 */
#define PCI_COMMAND_IO           0x0001
#define PCI_COMMAND_MEMORY       0x0002
#define PCI_COMMAND_MASTER       0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS               0x06 /* §7.5.1.1.4 */
#define PCI_STATUS_CAP_LIST      0x0010
#define PCI_REVISION_ID          0x08 /* §7.5.1.1.5 */
#define PCI_CLASS_PROG           0x09 /* §7.5.1.1.6 Class Code: prog-if, sub, base */
#define PCI_CLASS_DEVICE         0x0a
#define PCI_HEADER_TYPE          0x0e /* §7.5.1.1.9 */
#define PCI_HEADER_TYPE_MASK     0x7f
#define PCI_HEADER_TYPE_MULTI    0x80
#define PCI_HEADER_TYPE_NORMAL   0
#define PCI_HEADER_TYPE_BRIDGE   1
#define PCI_CAPABILITY_LIST      0x34  /* §7.5.1.1.11 */
#define PCI_CAP_PTR_MASK         0xfcu /* pointers are dword-aligned, bits 1:0 reserved */
#define PCI_INTERRUPT_LINE       0x3c  /* §7.5.1.1.12 */
#define PCI_INTERRUPT_PIN        0x3d  /* §7.5.1.1.13 */

/* §7.5.1.2 Type 0 header */
#define PCI_BASE_ADDRESS_0      0x10 /* §7.5.1.2.1 Base Address Registers */
#define PCI_BAR_SPACE_IO        0x01
#define PCI_BAR_MEM_TYPE_MASK   0x06
#define PCI_BAR_MEM_TYPE_64     0x04
#define PCI_BAR_MEM_PREFETCH    0x08
#define PCI_BAR_MEM_FLAGS       0x0fu /* memory BAR: space, type, prefetchable (RO) */
#define PCI_BAR_IO_FLAGS        0x03u /* I/O BAR: space and reserved bit */
#define PCI_BAR_MEM_MASK        (~(unsigned long long)PCI_BAR_MEM_FLAGS)
#define PCI_BAR_IO_MASK         (~(unsigned long long)PCI_BAR_IO_FLAGS)
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c /* §7.5.1.2.3 */
#define PCI_SUBSYSTEM_ID        0x2e
#define PCI_ROM_ADDRESS         0x30 /* §7.5.1.2.4 */

/* §7.5.1.3 Type 1 (bridge) header */
#define PCI_PRIMARY_BUS          0x18 /* §7.5.1.3.2 */
#define PCI_SECONDARY_BUS        0x19 /* §7.5.1.3.3 */
#define PCI_SUBORDINATE_BUS      0x1a /* §7.5.1.3.4 */
#define PCI_MEMORY_BASE          0x20 /* §7.5.1.3.8: bits 15:4 = address 31:20 */
#define PCI_MEMORY_LIMIT         0x22
#define PCI_MEMORY_RANGE_MASK    0xfff0u
#define PCI_PREF_MEMORY_BASE     0x24 /* §7.5.1.3.9 */
#define PCI_PREF_MEMORY_LIMIT    0x26
#define PCI_PREF_RANGE_TYPE_MASK 0xfu
#define PCI_PREF_RANGE_TYPE_64   0x1
#define PCI_PREF_BASE_UPPER32    0x28 /* §7.5.1.3.10 */
#define PCI_PREF_LIMIT_UPPER32   0x2c /* §7.5.1.3.11 */
#define PCI_BRIDGE_CONTROL       0x3e /* §7.5.1.3.13 */
#define PCI_BRIDGE_CTL_BUS_RESET 0x40

/* Capability IDs (PCI Code and ID Assignment §2) and the header of each
 * capability in the list that starts at the Capabilities Pointer. */
#define PCI_CAP_ID_PM      0x01
#define PCI_CAP_ID_MSI     0x05
#define PCI_CAP_ID_VNDR    0x09
#define PCI_CAP_ID_EXP     0x10
#define PCI_CAP_ID_MSIX    0x11
#define PCI_CAP_LIST_ID    0
#define PCI_CAP_LIST_NEXT  1
#define PCI_CAP_MIN_OFFSET 0x40 /* capabilities live after the header */

/* §7.7.2 MSI-X Capability */
#define PCI_MSIX_FLAGS        0x02 /* §7.7.2.2 Message Control */
#define PCI_MSIX_FLAGS_ENABLE 0x8000
#define PCI_MSIX_TABLE        0x04 /* §7.7.2.3 Table Offset/Table BIR */
#define PCI_MSIX_TABLE_BIR    0x7u
#define PCI_MSIX_ENTRY_SIZE   16 /* §7.7.2.6 Table entry: addr lo, addr hi, data, control */
#define PCI_MSIX_ENTRY_DATA   8

/* §7.5.3 PCI Express Capability structure */
#define PCI_EXP_FLAGS            0x02 /* §7.5.3.2 PCI Express Capabilities Register */
#define PCI_EXP_FLAGS_TYPE_SHIFT 4
#define PCI_EXP_FLAGS_TYPE_MASK  0xf
#define PCI_EXP_TYPE_ENDPOINT    0x0
#define PCI_EXP_TYPE_LEG_END     0x1
#define PCI_EXP_TYPE_ROOT_PORT   0x4
#define PCI_EXP_TYPE_UPSTREAM    0x5
#define PCI_EXP_TYPE_DOWNSTREAM  0x6
#define PCI_EXP_TYPE_PCI_BRIDGE  0x7
#define PCI_EXP_TYPE_PCIE_BRIDGE 0x8
#define PCI_EXP_TYPE_RC_END      0x9
#define PCI_EXP_DEVCAP           0x04 /* §7.5.3.3 Device Capabilities */
#define PCI_EXP_DEVCAP_FLR       (1u << 28)
#define PCI_EXP_DEVCTL           0x08      /* §7.5.3.4 Device Control */
#define PCI_EXP_DEVCTL_BCR_FLR   0x8000    /* Initiate Function Level Reset */
#define PCI_EXP_DEVSTA           0x0a      /* §7.5.3.5 Device Status */
#define PCI_EXP_DEVSTA_TRPND     0x0020    /* Transactions Pending */
#define PCI_EXP_DEVCAP2          0x24      /* §7.5.3.15 Device Capabilities 2 */
#define PCI_EXP_DEVCAP2_ARI      (1u << 5) /* ARI Forwarding Supported */
#define PCI_EXP_DEVCTL2          0x28      /* §7.5.3.16 Device Control 2 */
#define PCI_EXP_DEVCTL2_ARI      0x0020    /* ARI Forwarding Enable */

/* §6.6.2 Function Level Reset: after initiating FLR, software waits 100 ms
 * before it may expect the function to be ready again. */
#define PCI_FLR_WAIT_US 100000u

/* §7.6.3 PCI Express Extended Capability Header */
#define PCI_EXT_CAP_START   0x100
#define PCI_EXT_CAP_ID(h)   ((h)&0xffffu)
#define PCI_EXT_CAP_VER(h)  (((h) >> 16) & 0xfu)
#define PCI_EXT_CAP_NEXT(h) (((h) >> 20) & 0xffcu)

/* Extended capability IDs (PCI Code and ID Assignment §3) */
#define PCI_EXT_CAP_ID_ARI   0x000e
#define PCI_EXT_CAP_ID_SRIOV 0x0010

/* §7.8.7 ARI Extended Capability */
#define PCI_ARI_CAP        0x04 /* §7.8.7.2: bits 15:8 Next Function Number */
#define PCI_ARI_CAP_NFN(c) (((c) >> 8) & 0xffu)
#define PCI_ARI_CTRL       0x06

/* §9.3.3 SR-IOV Extended Capability */
#define PCI_SRIOV_CAP          0x04        /* §9.3.3.2 SR-IOV Capabilities */
#define PCI_SRIOV_CAP_VFM      0x00000001u /* VF Migration Capable */
#define PCI_SRIOV_CAP_ARI_PRES 0x00000002u /* ARI Capable Hierarchy Preserved */
#define PCI_SRIOV_CTRL         0x08        /* §9.3.3.3 SR-IOV Control */
#define PCI_SRIOV_CTRL_VFE     0x0001      /* §9.3.3.3.1 VF Enable */
#define PCI_SRIOV_CTRL_VFM     0x0002      /* §9.3.3.3.2 VF Migration Enable */
#define PCI_SRIOV_CTRL_INTR    0x0004      /* §9.3.3.3.3 VF Migration Interrupt Enable */
#define PCI_SRIOV_CTRL_MSE     0x0008      /* §9.3.3.3.4 VF MSE */
#define PCI_SRIOV_CTRL_ARI     0x0010      /* §9.3.3.3.5 ARI Capable Hierarchy */
#define PCI_SRIOV_STATUS       0x0a        /* §9.3.3.4 SR-IOV Status */
#define PCI_SRIOV_INITIAL_VF   0x0c        /* §9.3.3.5 InitialVFs */
#define PCI_SRIOV_TOTAL_VF     0x0e        /* §9.3.3.6 TotalVFs */
#define PCI_SRIOV_NUM_VF       0x10        /* §9.3.3.7 NumVFs */
#define PCI_SRIOV_FUNC_LINK    0x12        /* §9.3.3.8 Function Dependency Link */
#define PCI_SRIOV_VF_OFFSET    0x14        /* §9.3.3.9 First VF Offset */
#define PCI_SRIOV_VF_STRIDE    0x16        /* §9.3.3.10 VF Stride */
#define PCI_SRIOV_VF_DID       0x1a        /* §9.3.3.11 VF Device ID */
#define PCI_SRIOV_SUP_PGSIZE   0x1c        /* §9.3.3.12 Supported Page Sizes */
#define PCI_SRIOV_SYS_PGSIZE   0x20        /* §9.3.3.13 System Page Size */
#define PCI_SRIOV_BAR          0x24        /* §9.3.3.14 VF BAR0..5 */
#define PCI_SRIOV_VFM          0x3c        /* §9.3.3.15 VF Migration State Array Offset */
#define PCI_SRIOV_SIZEOF       0x40
/* §9.3.3.12 Supported Page Sizes, §9.3.3.13 System Page Size: bit n is a
 * page of 2^(n+12) bytes. Every PF supports 4K, 8K, 64K, 256K, 1M, 4M. */
#define PCI_SRIOV_PGSIZE_SHIFT    12
#define PCI_SRIOV_PGSIZE_4K       0x001u
#define PCI_SRIOV_PGSIZE_64K      0x010u
#define PCI_SRIOV_PGSIZE_REQUIRED 0x553u

/* §9.3.3.3.1 VF Enable: a VF has 100 ms after VF Enable is set before it
 * must answer configuration requests. */
#define PCI_SRIOV_VF_ENABLE_WAIT_US 100000u

#endif
