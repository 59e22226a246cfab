/* firmware/virtio/spec_pci.h: virtio over PCI, the modern (1.x) transport,
 * and the device-independent status and feature bits.
 * Names follow Linux include/uapi/linux/virtio_pci.h and virtio_config.h;
 * sections are those of virtio v1.3. */
#ifndef VFPROBE_VIRTIO_SPEC_PCI_H
#define VFPROBE_VIRTIO_SPEC_PCI_H

#include <stddef.h>
#include <stdint.h>

/* virtio v1.3 §4.1.2 PCI Device Discovery */
#define VIRTIO_PCI_VENDOR_ID          0x1af4
#define VIRTIO_PCI_MODERN_DEVICE_BASE 0x1040 /* 0x1040 + device type */
#define VIRTIO_ID_NET                 1

/* virtio v1.3 §2.1 Device Status Field */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1
#define VIRTIO_CONFIG_S_DRIVER      2
#define VIRTIO_CONFIG_S_DRIVER_OK   4
#define VIRTIO_CONFIG_S_FEATURES_OK 8
#define VIRTIO_CONFIG_S_NEEDS_RESET 0x40
#define VIRTIO_CONFIG_S_FAILED      0x80

/* virtio v1.3 §6 Reserved Feature Bits (bit numbers, test with 1ULL << bit) */
#define VIRTIO_F_INDIRECT_DESC     28
#define VIRTIO_F_EVENT_IDX         29
#define VIRTIO_F_VERSION_1         32
#define VIRTIO_F_ACCESS_PLATFORM   33
#define VIRTIO_F_RING_PACKED       34
#define VIRTIO_F_IN_ORDER          35
#define VIRTIO_F_ORDER_PLATFORM    36
#define VIRTIO_F_SR_IOV            37
#define VIRTIO_F_NOTIFICATION_DATA 38
#define VIRTIO_F_RING_RESET        40

/* virtio v1.3 §4.1.4 Virtio Structure PCI Capabilities: cfg_type */
#define VIRTIO_PCI_CAP_COMMON_CFG        1
#define VIRTIO_PCI_CAP_NOTIFY_CFG        2
#define VIRTIO_PCI_CAP_ISR_CFG           3
#define VIRTIO_PCI_CAP_DEVICE_CFG        4
#define VIRTIO_PCI_CAP_PCI_CFG           5
#define VIRTIO_PCI_CAP_SHARED_MEMORY_CFG 8
#define VIRTIO_PCI_CAP_VENDOR_CFG        9

/* virtio v1.3 §4.1.4 Virtio Structure PCI Capabilities: struct virtio_pci_cap */
struct virtio_pci_cap {
	uint8_t cap_vndr; /* PCI_CAP_ID_VNDR (pci/pci_regs.h) */
	uint8_t cap_next;
	uint8_t cap_len;
	uint8_t cfg_type;
	uint8_t bar; /* 0x0..0x5 */
	uint8_t id;
	uint8_t padding[2];
	uint32_t offset; /* little-endian, within the BAR */
	uint32_t length;
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_pci_cap) == 16, "virtio v1.3 §4.1.4");
_Static_assert(offsetof(struct virtio_pci_cap, offset) == 8, "virtio v1.3 §4.1.4");

/* virtio v1.3 §4.1.4.4 Notification structure layout */
struct virtio_pci_notify_cap {
	struct virtio_pci_cap cap;
	uint32_t notify_off_multiplier;
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_pci_notify_cap) == 20, "virtio v1.3 §4.1.4.4");

/* virtio v1.3 §4.1.4.9 PCI configuration access capability */
struct virtio_pci_cfg_cap {
	struct virtio_pci_cap cap;
	uint8_t pci_cfg_data[4];
} __attribute__((packed));

/* virtio v1.3 §4.1.4.3 Common configuration structure layout */
struct virtio_pci_common_cfg {
	uint32_t device_feature_select; /* read-write */
	uint32_t device_feature;        /* read-only for driver */
	uint32_t driver_feature_select; /* read-write */
	uint32_t driver_feature;        /* read-write */
	uint16_t config_msix_vector;    /* read-write */
	uint16_t num_queues;            /* read-only for driver */
	uint8_t device_status;          /* read-write */
	uint8_t config_generation;      /* read-only for driver */
	/* About a specific virtqueue. */
	uint16_t queue_select;            /* read-write */
	uint16_t queue_size;              /* read-write */
	uint16_t queue_msix_vector;       /* read-write */
	uint16_t queue_enable;            /* read-write */
	uint16_t queue_notify_off;        /* read-only for driver */
	uint64_t queue_desc;              /* read-write */
	uint64_t queue_driver;            /* read-write */
	uint64_t queue_device;            /* read-write */
	uint16_t queue_notif_config_data; /* read-only for driver */
	uint16_t queue_reset;             /* read-write */
} __attribute__((packed));
_Static_assert(offsetof(struct virtio_pci_common_cfg, device_status) == 0x14, "virtio v1.3 §4.1.4.3");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_select) == 0x16, "virtio v1.3 §4.1.4.3");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_notify_off) == 0x1e, "virtio v1.3 §4.1.4.3");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_desc) == 0x20, "virtio v1.3 §4.1.4.3");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_device) == 0x30, "virtio v1.3 §4.1.4.3");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_reset) == 0x3a, "virtio v1.3 §4.1.4.3");
/* virtio v1.3 §4.1.4.3.2 Driver Requirements: Common configuration
 * structure layout: after writing 0 to device_status the driver waits for
 * a read of 0 before re-initialising. The spec sets no bound; this one is
 * ours (iPXE waits 100 x 1 ms too). */
#define VIRTIO_PCI_RESET_TIMEOUT_US 100000
/* virtio v1.3 §2.5.1 Driver Requirements: Device Configuration Space:
 * re-read until config_generation is the same before and after. The spec
 * sets no bound; this one is ours. */
#define VIRTIO_CONFIG_GENERATION_TRIES 100
/* The part a virtio 1.0 device must implement (up to queue_device). */
#define VIRTIO_PCI_COMMON_CFG_MIN_LEN 0x38

/* virtio v1.3 §4.1.5.1.2 MSI-X Vector Configuration: "no vector" */
#define VIRTIO_MSI_NO_VECTOR 0xffff

/* virtio v1.3 §4.1.4.5 ISR status capability */
#define VIRTIO_PCI_ISR_QUEUE  0x1
#define VIRTIO_PCI_ISR_CONFIG 0x2

#endif
