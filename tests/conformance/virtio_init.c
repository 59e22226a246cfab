/* tests/conformance/virtio_init.c: suite `virtio`, the virtio-pci transport
 * and device initialisation of every virtio-net function: the PF and each
 * VF. Each check names its rule in virtio v1.3. */
#include <stdio.h>
#include <string.h>

#include "deviations.h"
#include "virtio_env.h"

static const char *cfg_model = "virtio-net";

#define R_DEVID                                                                                              \
	"virtio v1.3 §4.1.2.1 Device Requirements: PCI Device Discovery: Device ID 0x1040 + device type"
#define R_CAPS                                                                                               \
	"virtio v1.3 §4.1.4 Virtio Structure PCI Capabilities: common, notify, ISR and device caps present"
#define R_CAP_BAR "virtio v1.3 §4.1.4 Virtio Structure PCI Capabilities: offset+length within the BAR"
#define R_RESET                                                                                              \
	"virtio v1.3 §4.1.4.3.1 Device Requirements: Common configuration structure layout: 0 in "          \
	"device_status once reset"
#define R_QENABLE                                                                                             \
	"virtio v1.3 §4.1.4.3.1 Device Requirements: Common configuration structure layout: queue_enable 0 " \
	"on reset"
#define R_VERSION1                                                                                           \
	"virtio v1.3 §6.1 Driver Requirements: Reserved Feature Bits / §6.2: a device MUST offer "         \
	"VIRTIO_F_VERSION_1"
#define R_SRIOV_PF                                                                                            \
	"virtio v1.3 §6.2 Device Requirements: Reserved Feature Bits: SHOULD offer VIRTIO_F_SR_IOV with an " \
	"SR-IOV capability"
#define R_SRIOV_VF                                                                                           \
	"virtio v1.3 §6.2 Device Requirements: Reserved Feature Bits: MUST NOT offer VIRTIO_F_SR_IOV "      \
	"without an SR-IOV capability"
#define R_FEAT_BAD                                                                                           \
	"virtio v1.3 §2.2.2 Device Requirements: Feature Bits: accept a valid subset, otherwise fail "      \
	"FEATURES_OK"
#define R_FEAT_OK                                                                                            \
	"virtio v1.3 §3.1.1 Driver Requirements: Device Initialization step 6: FEATURES_OK still set on "   \
	"re-read"
#define R_QSIZE "virtio v1.3 §2.7 Split Virtqueues: Queue Size is a power of 2, at most 32768"
#define R_NUMQ  "virtio v1.3 §5.1.2 Network Device Virtqueues: receiveq1 and transmitq1 exist"
#define R_MULT                                                                                               \
	"virtio v1.3 §4.1.4.4.1 Device Requirements: Notification capability: notify_off_multiplier an "    \
	"even power of 2 or 0"
#define R_NOTIFY                                                                                             \
	"virtio v1.3 §4.1.4.4.1 Device Requirements: Notification capability: cap.length >= "               \
	"queue_notify_off * multiplier + 2"
#define R_MSIX "virtio v1.3 §4.1.5.1.2 MSI-X Vector Configuration: NO_VECTOR written reads back NO_VECTOR"
#define R_QSIZE_W                                                                                            \
	"virtio v1.3 §4.1.4.3 Common configuration structure layout: queue_size: the driver MAY write a "   \
	"smaller value"
#define R_MAC                                                                                                \
	"virtio v1.3 §5.1.4 Network Device configuration layout: mac (VIRTIO_NET_F_MAC), as the topology "  \
	"set it"
#define R_MAC_GEN                                                                                            \
	"virtio v1.3 §2.5.1 Driver Requirements: Device Configuration Space: config_generation unchanged "  \
	"=> consistent fields"
#define R_LINK                                                                                               \
	"virtio v1.3 §5.1.4 Network Device configuration layout: status VIRTIO_NET_S_LINK_UP (hub netdev "  \
	"is up)"
#define R_DRIVER_OK "virtio v1.3 §3.1.1 Driver Requirements: Device Initialization: DRIVER_OK, device live"
#define R_FEAT_NET  "virtio v1.3 §5.1.3 Network Device Feature bits: MAC, STATUS and MRG_RXBUF offered"

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static int first_unoffered(uint64_t offered)
{
	/* A device-type bit (0..23) first, then any other not offered. */
	for (int b = 0; b < 64; b++)
		if (!(offered & (1ULL << b)) && b != 30 /* VIRTIO_F_BAD_FEATURE */)
			return b;
	return -1;
}

static void check_fn(struct venv *e, size_t i)
{
	struct venv_fn *fn = &e->fn[i];
	if (!fn->f) {
		tap_check_true(false, "PCIe 6.0 §9.3.3.3.1 VF Enable", "VF present");
		return;
	}
	uint16_t did = fn->vf_no ? fn->pf->vf_device : fn->f->device;
	tap_check_eq(did, VIRTIO_PCI_MODERN_DEVICE_BASE + VIRTIO_ID_NET, R_DEVID,
	             "%s 0x%04x is 0x1040 + 1 (network)",
	             fn->vf_no ? "VF Device ID (SR-IOV capability)" : "Device ID", did);
	struct virtio_pci_dev vpd, *vp = &vpd;
	int rc = vpci_open(vp, fn->f);
	tap_check(rc == 0, R_CAPS, rc ? vp->err : "found",
	          "common, notify, ISR, device in assigned memory BARs",
	          "virtio structures found and inside their BARs");
	if (rc)
		return;
	const struct vpci_caps *c = &vp->caps;
	char got[96];
	snprintf(got, sizeof(got), "common BAR%u+0x%x notify BAR%u+0x%x/0x%x", c->common.bar,
	         c->common.offset, c->notify.bar, c->notify.offset, c->notify.length);
	tap_check(vpci_region_fits(&c->common, vp->bar_size[c->common.bar]) &&
	              vpci_region_fits(&c->notify, vp->bar_size[c->notify.bar]) &&
	              vpci_region_fits(&c->isr, vp->bar_size[c->isr.bar]) &&
	              vpci_region_fits(&c->device, vp->bar_size[c->device.bar]),
	          R_CAP_BAR, got, "every region inside its BAR", "each structure lies inside its BAR");
	tap_check_true(is_pow2(c->notify_off_multiplier) ? (c->notify_off_multiplier % 2 == 0)
	                                                 : c->notify_off_multiplier == 0,
	               R_MULT, "notify_off_multiplier %u is 0 or an even power of 2",
	               c->notify_off_multiplier);

	/* Dirty the status, then reset. */
	vpci_add_status(vp, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	rc = vpci_reset(vp, VIRTIO_PCI_RESET_TIMEOUT_US);
	tap_check_eq(vpci_get_status(vp), 0, R_RESET, "device_status reads 0 within 100 ms of writing 0");
	vp->num_queues = (uint16_t)vpci_common_read(vp, num_queues);
	tap_check_true(vp->num_queues >= 2, R_NUMQ, "num_queues %u >= 2", vp->num_queues);
	unsigned qbad = 0, qen = 0, nbad = 0;
	char qdesc[96] = "";
	for (uint16_t q = 0; q < vp->num_queues && q < 16; q++) {
		vpci_common_write(vp, queue_select, q);
		uint16_t sz = (uint16_t)vpci_common_read(vp, queue_size);
		uint16_t en = (uint16_t)vpci_common_read(vp, queue_enable);
		uint16_t noff = (uint16_t)vpci_common_read(vp, queue_notify_off);
		if (sz && (!is_pow2(sz) || sz > VIRTQ_SPLIT_MAX_SIZE) && !qbad++)
			snprintf(qdesc, sizeof(qdesc), "queue %u size %u", q, sz);
		qen += en != 0;
		nbad += vpci_notify_offset(c, noff, 2) < 0;
		if (q < 2)
			tap_diag("%s: queue %u: size %u, notify_off %u -> doorbell BAR%u+0x%llx", fn->name, q,
			         sz, noff, c->notify.bar,
			         (unsigned long long)(c->notify.offset +
			                              (uint64_t)noff * c->notify_off_multiplier));
	}
	tap_check(qbad == 0, R_QSIZE, qbad ? qdesc : "all powers of 2", "power of 2 <= 32768",
	          "every queue size is a power of 2 and within limits");
	tap_check_eq(qen, 0, R_QENABLE, "no queue enabled after reset");
	tap_check_eq(nbad, 0, R_NOTIFY, "every queue's notify address lies inside the notify region");

	/* Features. */
	vpci_add_status(vp, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	vpci_add_status(vp, VIRTIO_CONFIG_S_DRIVER);
	uint64_t off = vpci_device_features(vp);
	vp->offered = off;
	tap_diag("%s: device features 0x%016llx", fn->name, (unsigned long long)off);
	tap_check_true(off & (1ULL << VIRTIO_F_VERSION_1), R_VERSION1, "VIRTIO_F_VERSION_1 (bit 32) offered");
	if (fn->vf_no == 0)
		tap_check_true(off & (1ULL << VIRTIO_F_SR_IOV), R_SRIOV_PF,
		               "VIRTIO_F_SR_IOV (bit 37) offered by the PF");
	else
		tap_check_true(!(off & (1ULL << VIRTIO_F_SR_IOV)), R_SRIOV_VF,
		               "VIRTIO_F_SR_IOV (bit 37) not offered by a VF");
	uint64_t net =
	    1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS | 1ULL << VIRTIO_NET_F_MRG_RXBUF;
	tap_check_eq(off & net, net, R_FEAT_NET, "MAC, STATUS and MRG_RXBUF offered");

	/* virtio v1.3 §6 Reserved Feature Bits: a device behind an IOMMU
	 * (iommu_platform=on) needs VIRTIO_F_ACCESS_PLATFORM accepted. */
	uint64_t platform = off & (1ULL << VIRTIO_F_ACCESS_PLATFORM);
	int bad = first_unoffered(off);
	if (bad < 0) {
		tap_skip("the device offers all 64 feature bits",
		         "FEATURES_OK refused for an unoffered feature");
	} else {
		vpci_write_driver_features(vp, (off & (1ULL << VIRTIO_F_VERSION_1)) | platform | 1ULL << bad);
		vpci_add_status(vp, VIRTIO_CONFIG_S_FEATURES_OK);
		uint8_t s = vpci_get_status(vp);
		snprintf(got, sizeof(got), "status 0x%x after FEATURES_OK with unoffered bit %d", s, bad);
		tap_check_kfail(deviation_known("virtio-features-ok-unoffered", cfg_model),
		                !(s & VIRTIO_CONFIG_S_FEATURES_OK), R_FEAT_BAD, got, "FEATURES_OK clear",
		                "FEATURES_OK refused when the driver accepts an unoffered feature");
	}
	/* A valid subset is accepted. */
	rc = vpci_init_features(vp, 1ULL << VIRTIO_F_VERSION_1 | net | platform);
	tap_check(rc == 0, R_FEAT_OK, rc ? vp->err : "FEATURES_OK kept", "FEATURES_OK kept",
	          "FEATURES_OK kept for VERSION_1|MAC|STATUS|MRG_RXBUF");
	vpci_common_write(vp, config_msix_vector, VIRTIO_MSI_NO_VECTOR);
	tap_check_eq(vpci_common_read(vp, config_msix_vector), VIRTIO_MSI_NO_VECTOR, R_MSIX,
	             "config_msix_vector NO_VECTOR reads back");
	uint16_t max0 = vpci_queue_max(vp, 0);
	uint16_t small = max0 > 16 ? (uint16_t)(max0 / 2) : max0;
	vpci_common_write(vp, queue_size, small);
	tap_check_eq(vpci_common_read(vp, queue_size), small, R_QSIZE_W,
	             "queue 0 size %u (max %u) reads back", small, max0);
	vpci_reset(vp, VIRTIO_PCI_RESET_TIMEOUT_US);

	/* The full driver: net_open. */
	rc = venv_open(e, i, &venv_default_opts);
	tap_check(rc == 0, R_DRIVER_OK, rc ? fn->nd->err : "up", "up",
	          "net_open: init sequence to DRIVER_OK");
	if (rc)
		return;
	struct net_dev *nd = fn->nd;
	uint8_t st = vpci_get_status(&nd->vp);
	tap_check_eq(st,
	             VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK |
	                 VIRTIO_CONFIG_S_DRIVER_OK,
	             R_DRIVER_OK, "device_status ACKNOWLEDGE|DRIVER|FEATURES_OK|DRIVER_OK, no NEEDS_RESET");
	uint8_t want[6], mac2[6];
	venv_expected_mac(fn, want);
	char gs[24], ws[24];
	snprintf(gs, sizeof(gs), "%02x:%02x:%02x:%02x:%02x:%02x", nd->mac[0], nd->mac[1], nd->mac[2],
	         nd->mac[3], nd->mac[4], nd->mac[5]);
	snprintf(ws, sizeof(ws), "%02x:%02x:%02x:%02x:%02x:%02x", want[0], want[1], want[2], want[3], want[4],
	         want[5]);
	tap_check(memcmp(nd->mac, want, 6) == 0, R_MAC, gs, ws, "MAC from device config is the topology's");
	uint8_t g0 = vpci_config_generation(&nd->vp);
	uint16_t st2;
	net_read_config(nd, mac2, &st2);
	uint8_t g1 = vpci_config_generation(&nd->vp);
	tap_check_true(g0 == g1 && memcmp(mac2, nd->mac, 6) == 0, R_MAC_GEN,
	               "MAC stable across config_generation (%u -> %u, %u retries)", g0, g1,
	               nd->cfg_gen_retries);
	tap_check_true(nd->status & VIRTIO_NET_S_LINK_UP, R_LINK, "link up (status 0x%x)", nd->status);
	if (i == 0)
		tap_diag("negotiated features 0x%016llx, virtio_net_hdr %u bytes, rx %u tx %u entries",
		         (unsigned long long)nd->vp.negotiated, nd->hdr_len, nd->pair[0].rxq.size,
		         nd->pair[0].txq.size);
}

static void run(const struct run_config *cfg)
{
	struct venv *e = venv_get(cfg);
	if (!e)
		return;
	if (cfg->model)
		cfg_model = cfg->model;
	unsigned pfs = 0;
	for (size_t i = 0; i < e->n; i++)
		pfs += e->fn[i].vf_no == 0;
	if (cfg->pfs)
		tap_check_eq(pfs, cfg->pfs, "topology", "%lu virtio-net SR-IOV PF(s) found", cfg->pfs);
	if (cfg->vfs)
		tap_check_eq(e->n - pfs, cfg->vfs * pfs, "topology", "%lu VFs per PF enabled", cfg->vfs);
	for (size_t i = 0; i < e->n; i++) {
		tap_prefix_push("%s", e->fn[i].name);
		check_fn(e, i);
		tap_prefix_pop();
	}
	venv_ledger(e);
}

VFPROBE_SUITE(virtio, "virtio", "virtio-pci transport and virtio-net init on the PF and every VF", run, 0,
              NULL);
