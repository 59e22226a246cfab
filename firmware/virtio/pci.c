/* firmware/virtio/pci.c: the virtio-pci modern transport, polled. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/io.h"
#include "boot/mem.h"
#include "boot/timer.h"
#include "pci/pci_regs.h"
#include "virtio/vpci.h"

static void vp_err(struct virtio_pci_dev *vp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vp_err(struct virtio_pci_dev *vp, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(vp->err, sizeof(vp->err), fmt, ap);
	va_end(ap);
}

uint64_t vpci_read_w(volatile uint8_t *p, size_t width)
{
	switch (width) {
	case 1:
		return mmio_read8(p);
	case 2:
		return mmio_read16(p);
	case 4:
		return mmio_read32(p);
	default:
		/* virtio v1.3 §4.1.3.1 Driver Requirements: PCI Device Layout:
		 * 64-bit fields as two 32-bit halves. */
		return mmio_read32(p) | (uint64_t)mmio_read32(p + 4) << 32;
	}
}

void vpci_write_w(volatile uint8_t *p, size_t width, uint64_t v)
{
	switch (width) {
	case 1:
		mmio_write8(p, (uint8_t)v);
		break;
	case 2:
		mmio_write16(p, (uint16_t)v);
		break;
	case 4:
		mmio_write32(p, (uint32_t)v);
		break;
	default:
		mmio_write32(p, (uint32_t)v);
		mmio_write32(p + 4, (uint32_t)(v >> 32));
		break;
	}
}

static volatile uint8_t *map_region(struct virtio_pci_dev *vp, const struct pci_func *f,
                                    const struct vpci_region *r, const char *what)
{
	const struct pci_bar *b = &f->bar[r->bar];
	if (b->is_io || b->base == 0 || b->size == 0) {
		vp_err(vp, "%s: %s structure in BAR%u, which is %s", vp->name, what, r->bar,
		       b->is_io ? "an I/O BAR" : "unassigned");
		return NULL;
	}
	if (!vpci_region_fits(r, b->size)) {
		vp_err(vp, "%s: %s structure 0x%x+0x%x outside BAR%u (0x%llx bytes)", vp->name, what,
		       r->offset, r->length, r->bar, (unsigned long long)b->size);
		return NULL;
	}
	return (volatile uint8_t *)(uintptr_t)(b->base + r->offset);
}

int vpci_open(struct virtio_pci_dev *vp, const struct pci_func *f)
{
	memset(vp, 0, sizeof(*vp));
	vp->rid = f->rid;
	snprintf(vp->name, sizeof(vp->name), "%02x:%02x.%x", f->rid >> 8, (f->rid >> 3) & 0x1f, f->rid & 7);
	if (vpci_parse_caps(f->cfg, PCI_CFG_EXT_SPACE_SIZE, true, &vp->caps) != 0) {
		vp_err(vp, "%s: virtio capabilities missing (common %d notify %d isr %d device %d)", vp->name,
		       vp->caps.common.found, vp->caps.notify.found, vp->caps.isr.found,
		       vp->caps.device.found);
		return -1;
	}
	for (int i = 0; i < PCI_NUM_BARS; i++)
		vp->bar_size[i] = f->bar[i].size;
	if (vp->caps.common.length < VIRTIO_PCI_COMMON_CFG_MIN_LEN) {
		vp_err(vp, "%s: common cfg length 0x%x < 0x%x", vp->name, vp->caps.common.length,
		       VIRTIO_PCI_COMMON_CFG_MIN_LEN);
		return -1;
	}
	if (!(vp->common = map_region(vp, f, &vp->caps.common, "common")) ||
	    !(vp->notify = map_region(vp, f, &vp->caps.notify, "notify")) ||
	    !(vp->isr = map_region(vp, f, &vp->caps.isr, "ISR")) ||
	    !(vp->device = map_region(vp, f, &vp->caps.device, "device")))
		return -1;
	pci_enable_mem_bus_master(f->rid);
	return 0;
}

uint8_t vpci_read_isr(struct virtio_pci_dev *vp)
{
	return mmio_read8(vp->isr);
}

uint8_t vpci_get_status(struct virtio_pci_dev *vp)
{
	return (uint8_t)vpci_common_read(vp, device_status);
}

void vpci_add_status(struct virtio_pci_dev *vp, uint8_t bits)
{
	vpci_common_write(vp, device_status, vpci_get_status(vp) | bits);
}

int vpci_reset(struct virtio_pci_dev *vp, uint64_t timeout_us)
{
	vpci_common_write(vp, device_status, 0);
	/* virtio v1.3 §4.1.4.3.2 Driver Requirements: Common configuration
	 * structure layout: wait for a read of 0 before re-initialising. */
	struct deadline d = deadline_in_us(timeout_us);
	uint8_t s;
	while ((s = vpci_get_status(vp)) != 0) {
		if (deadline_passed(d)) {
			vp_err(vp, "%s: device_status 0x%x, not 0, %llu us after reset", vp->name, s,
			       (unsigned long long)timeout_us);
			return -1;
		}
		cpu_relax();
	}
	return 0;
}

uint64_t vpci_device_features(struct virtio_pci_dev *vp)
{
	uint64_t f = 0;
	for (uint32_t w = 0; w < 2; w++) {
		vpci_common_write(vp, device_feature_select, w);
		f |= (uint64_t)(uint32_t)vpci_common_read(vp, device_feature) << (32 * w);
	}
	return f;
}

void vpci_write_driver_features(struct virtio_pci_dev *vp, uint64_t f)
{
	for (uint32_t w = 0; w < 2; w++) {
		vpci_common_write(vp, driver_feature_select, w);
		vpci_common_write(vp, driver_feature, (uint32_t)(f >> (32 * w)));
	}
}

int vpci_init_features(struct virtio_pci_dev *vp, uint64_t wanted)
{
	if (vpci_reset(vp, VIRTIO_PCI_RESET_TIMEOUT_US) != 0)
		goto err_failed;
	vpci_add_status(vp, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	vpci_add_status(vp, VIRTIO_CONFIG_S_DRIVER);
	vp->offered = vpci_device_features(vp);
	vp->negotiated = wanted & vp->offered;
	if (!virtio_has(vp, VIRTIO_F_VERSION_1)) {
		vp_err(vp, "%s: VIRTIO_F_VERSION_1 not offered (features 0x%llx)", vp->name,
		       (unsigned long long)vp->offered);
		goto err_failed;
	}
	vpci_write_driver_features(vp, vp->negotiated);
	vpci_add_status(vp, VIRTIO_CONFIG_S_FEATURES_OK);
	/* virtio v1.3 §3.1.1 Driver Requirements: Device Initialization,
	 * step 6: re-read to see the device accepted them. */
	uint8_t s = vpci_get_status(vp);
	if (!(s & VIRTIO_CONFIG_S_FEATURES_OK)) {
		vp_err(vp, "%s: FEATURES_OK not kept (status 0x%x) for features 0x%llx", vp->name, s,
		       (unsigned long long)vp->negotiated);
		goto err_failed;
	}
	vp->num_queues = (uint16_t)vpci_common_read(vp, num_queues);
	vpci_common_write(vp, config_msix_vector, VIRTIO_MSI_NO_VECTOR);
	return 0;
err_failed:
	vpci_add_status(vp, VIRTIO_CONFIG_S_FAILED);
	return -1;
}

uint16_t vpci_queue_max(struct virtio_pci_dev *vp, uint16_t index)
{
	vpci_common_write(vp, queue_select, index);
	return (uint16_t)vpci_common_read(vp, queue_size);
}

uint16_t vpci_queue_enabled(struct virtio_pci_dev *vp, uint16_t index)
{
	vpci_common_write(vp, queue_select, index);
	return (uint16_t)vpci_common_read(vp, queue_enable);
}

static void vpci_notify(void *ctx, uint16_t index)
{
	struct virtio_pci_dev *vp = ctx;
	mmio_write16(vp->doorbell[index], index);
}

static int vpci_program_queue(struct virtio_pci_dev *vp, struct virtq *vq)
{
	uint16_t index = vq->index;
	vpci_common_write(vp, queue_select, index);
	vpci_common_write(vp, queue_size, vq->size);
	vpci_common_write(vp, queue_msix_vector, VIRTIO_MSI_NO_VECTOR);
	vpci_common_write(vp, queue_desc, vq_desc_area(vq));
	vpci_common_write(vp, queue_driver, vq_driver_area(vq));
	vpci_common_write(vp, queue_device, vq_device_area(vq));
	uint16_t qnoff = (uint16_t)vpci_common_read(vp, queue_notify_off);
	unsigned width = virtio_has(vp, VIRTIO_F_NOTIFICATION_DATA) ? 4 : 2;
	int64_t off = vpci_notify_offset(&vp->caps, qnoff, width);
	if (off < 0) {
		vp_err(vp,
		       "%s: queue %u: queue_notify_off %u x multiplier %u outside the notify region (0x%x "
		       "bytes)",
		       vp->name, index, qnoff, vp->caps.notify_off_multiplier, vp->caps.notify.length);
		return -1;
	}
	vp->doorbell[index] = (volatile uint16_t *)(vp->notify + off);
	vp->vq[index] = vq;
	vq->notify = vpci_notify;
	vq->notify_ctx = vp;
	vpci_common_write(vp, queue_enable, 1);
	return 0;
}

int vpci_setup_queue(struct virtio_pci_dev *vp, struct virtq *vq, uint16_t index, uint16_t want_size)
{
	if (index >= VPCI_MAX_QUEUES || index >= vp->num_queues) {
		vp_err(vp, "%s: queue %u does not exist (num_queues %u)", vp->name, index, vp->num_queues);
		return -1;
	}
	uint16_t max = vpci_queue_max(vp, index);
	if (max == 0) {
		vp_err(vp, "%s: queue %u: size 0 (not available)", vp->name, index);
		return -1;
	}
	uint16_t n = want_size < max ? want_size : max;
	/* virtio v1.3 §2.8 Packed Virtqueues: the format VIRTIO_F_RING_PACKED
	 * negotiation chose. */
	enum vq_format fmt = virtio_has(vp, VIRTIO_F_RING_PACKED) ? VQ_FORMAT_PACKED : VQ_FORMAT_SPLIT;
	if (!vq_size_ok(fmt, n)) {
		vp_err(vp, "%s: queue %u: size %u is not %s (max %u)", vp->name, index, n, vq_size_rule(fmt),
		       max);
		return -1;
	}
	void *ring = dma_alloc(vq_ring_bytes(fmt, n), 4096);
	void *shadow = malloc(vq_shadow_bytes(fmt, n));
	if (!ring || !shadow) {
		vp_err(vp, "%s: queue %u: out of memory for %u entries", vp->name, index, n);
		return -1;
	}
	memset(vq, 0, sizeof(*vq));
	if (vq_layout(vq, fmt, index, n, ring, dma_addr(ring), shadow) != 0) {
		vp_err(vp, "%s: queue %u: bad layout", vp->name, index);
		return -1;
	}
	vq_set_event_idx(vq, virtio_has(vp, VIRTIO_F_EVENT_IDX));
	return vpci_program_queue(vp, vq);
}

int vpci_restart_queue(struct virtio_pci_dev *vp, struct virtq *vq)
{
	enum vq_format fmt = virtio_has(vp, VIRTIO_F_RING_PACKED) ? VQ_FORMAT_PACKED : VQ_FORMAT_SPLIT;
	if (vq->format != fmt) {
		vp_err(vp, "%s: queue %u: laid out for the other ring format", vp->name, vq->index);
		return -1;
	}
	vq_set_event_idx(vq, virtio_has(vp, VIRTIO_F_EVENT_IDX));
	return vpci_program_queue(vp, vq);
}

void vpci_driver_ok(struct virtio_pci_dev *vp)
{
	vpci_add_status(vp, VIRTIO_CONFIG_S_DRIVER_OK);
}

uint8_t vpci_config_generation(struct virtio_pci_dev *vp)
{
	return (uint8_t)vpci_common_read(vp, config_generation);
}

uint8_t vpci_dev_read8(struct virtio_pci_dev *vp, uint32_t off)
{
	return mmio_read8(vp->device + off);
}
uint16_t vpci_dev_read16(struct virtio_pci_dev *vp, uint32_t off)
{
	return mmio_read16(vp->device + off);
}
uint32_t vpci_dev_read32(struct virtio_pci_dev *vp, uint32_t off)
{
	return mmio_read32(vp->device + off);
}

int vq_wait(struct virtq *vq, void **cookie, uint32_t *len, uint64_t timeout_us)
{
	struct deadline d = deadline_in_us(timeout_us);
	for (;;) {
		int r = vq_poll(vq, cookie, len);
		if (r != 0)
			return r;
		if (deadline_passed(d))
			return 0;
		cpu_relax();
	}
}
