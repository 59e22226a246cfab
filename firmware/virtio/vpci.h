/* firmware/virtio/vpci.h: the virtio-pci modern transport (virtio v1.3
 * §4.1 Virtio Over PCI Bus), polled: every MSI-X vector is NO_VECTOR and
 * every wait has a deadline. */
#ifndef VFPROBE_VIRTIO_VPCI_H
#define VFPROBE_VIRTIO_VPCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pci/pci.h"
#include "virtio/caps.h"
#include "virtio/spec_pci.h"
#include "virtio/virtq.h"

#define VPCI_MAX_QUEUES 17 /* virtio-net: NET_MAX_PAIRS pairs and the control queue */

struct virtio_pci_dev {
	pci_rid rid;
	char name[16]; /* "01:00.1" */
	struct vpci_caps caps;
	volatile uint8_t *common, *isr, *device, *notify;
	uint64_t bar_size[PCI_NUM_BARS];
	uint64_t offered, negotiated; /* feature bits 0..63 */
	uint16_t num_queues;
	volatile uint16_t *doorbell[VPCI_MAX_QUEUES];
	struct virtq *vq[VPCI_MAX_QUEUES];
	char err[160]; /* the last failure, one line */
};

/* Parse the capabilities, check each region fits its BAR, map them, turn on
 * memory decode and bus mastering. 0 or -1 (vp->err says why). */
int vpci_open(struct virtio_pci_dev *vp, const struct pci_func *f);

/* Common configuration by field; the access width comes from the field. */
#define vpci_common_read(vp, field)                                                                          \
	vpci_read_w((vp)->common + offsetof(struct virtio_pci_common_cfg, field),                            \
	            sizeof(((struct virtio_pci_common_cfg *)0)->field))
#define vpci_common_write(vp, field, v)                                                                      \
	vpci_write_w((vp)->common + offsetof(struct virtio_pci_common_cfg, field),                           \
	             sizeof(((struct virtio_pci_common_cfg *)0)->field), (v))
uint64_t vpci_read_w(volatile uint8_t *p, size_t width);
void vpci_write_w(volatile uint8_t *p, size_t width, uint64_t v);

/* Read (and so clear) the ISR status byte (virtio v1.3 §4.1.4.5 ISR
 * status capability). */
uint8_t vpci_read_isr(struct virtio_pci_dev *vp);
uint8_t vpci_get_status(struct virtio_pci_dev *vp);
/* Status bits are OR-ed into what is there (virtio v1.3 §2.1.1 Driver
 * Requirements: Device Status Field: the driver MUST NOT clear a bit). */
void vpci_add_status(struct virtio_pci_dev *vp, uint8_t bits);
/* Write 0 and wait (deadline timeout_us, usually
 * VIRTIO_PCI_RESET_TIMEOUT_US) for a read of 0. 0 or -1. */
int vpci_reset(struct virtio_pci_dev *vp, uint64_t timeout_us);
uint64_t vpci_device_features(struct virtio_pci_dev *vp);
void vpci_write_driver_features(struct virtio_pci_dev *vp, uint64_t f);
static inline bool virtio_has(const struct virtio_pci_dev *vp, unsigned bit)
{
	return bit < 64 && (vp->negotiated & (1ULL << bit));
}
static inline bool virtio_offers(const struct virtio_pci_dev *vp, unsigned bit)
{
	return bit < 64 && (vp->offered & (1ULL << bit));
}

/* Reset, ACKNOWLEDGE, DRIVER, features = wanted & offered, FEATURES_OK and
 * its read-back (virtio v1.3 §3.1.1 Driver Requirements: Device
 * Initialization, steps 1-6). On failure: FAILED set, -1. */
int vpci_init_features(struct virtio_pci_dev *vp, uint64_t wanted);

/* Queue setup (step 7): select, read the maximum, size = min(want, max),
 * reject a size the ring format does not allow (split: 0 or not a power of
 * 2), allocate the ring (one zeroed DMA block), set NO_VECTOR, the three
 * area addresses the queue gives, doorbell (bounds-checked), enable. */
int vpci_setup_queue(struct virtio_pci_dev *vp, struct virtq *vq, uint16_t index, uint16_t want_size);
/* Re-program an already allocated queue after a reset (same memory). */
int vpci_restart_queue(struct virtio_pci_dev *vp, struct virtq *vq);
uint16_t vpci_queue_max(struct virtio_pci_dev *vp, uint16_t index);
uint16_t vpci_queue_enabled(struct virtio_pci_dev *vp, uint16_t index);
void vpci_driver_ok(struct virtio_pci_dev *vp);

/* Device-specific configuration, one field at a time. Callers read a
 * consistent snapshot between two equal vpci_config_generation() values. */
uint8_t vpci_config_generation(struct virtio_pci_dev *vp);
uint8_t vpci_dev_read8(struct virtio_pci_dev *vp, uint32_t off);
uint16_t vpci_dev_read16(struct virtio_pci_dev *vp, uint32_t off);
uint32_t vpci_dev_read32(struct virtio_pci_dev *vp, uint32_t off);

/* Wait for the next used element of vq, up to timeout_us: 1, 0 on timeout,
 * -1 when the device broke a ring rule. */
int vq_wait(struct virtq *vq, void **cookie, uint32_t *len, uint64_t timeout_us);

#endif
