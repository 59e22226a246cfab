/* tests/conformance/iommu_read.c: a VF's device made to transmit from
 * another VF's memory. The victim's spare TX slot holds a whole frame (a
 * virtio-net header, a broadcast Ethernet header and a secret payload):
 * had the read gone through, every other function would receive it. */
#include <stdio.h>
#include <string.h>

#include "boot/mem.h"
#include "boot/timer.h"
#include "deviations.h"
#include "iommu/vtd_regs.h"
#include "iommu_checks.h"
#include "iommu_probe.h"
#include "iommu_rules.h"

#define SECRET_SEED    0x3c
#define SECRET_PAYLOAD 128
#define ETH_HDR        14
/* IEEE 802 Local Experimental Ethertype 1: nothing else sends it. */
#define ETHERTYPE_LOCAL_EXPERIMENTAL 0x88b5
#define READ_WAIT_US                 50000

static size_t build_secret(uint8_t *slot, uint32_t hdr_len)
{
	memset(slot, 0, hdr_len);
	uint8_t *eth = slot + hdr_len;
	memset(eth, 0xff, 6);
	const uint8_t src[6] = {0x02, 0, 0, 0, 0x5e, 0xc7};
	memcpy(eth + 6, src, 6);
	eth[12] = ETHERTYPE_LOCAL_EXPERIMENTAL >> 8;
	eth[13] = ETHERTYPE_LOCAL_EXPERIMENTAL & 0xff;
	probe_fill(eth + ETH_HDR, SECRET_PAYLOAD, SECRET_SEED);
	return hdr_len + ETH_HDR + SECRET_PAYLOAD;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

struct heard {
	unsigned frames, secret, zeros;
};

/* What every other function receives in READ_WAIT_US. */
static struct heard listen(struct venv *e, size_t a)
{
	static uint8_t buf[2048];
	struct heard h = {0};
	struct deadline d = deadline_in_us(READ_WAIT_US);
	while (!deadline_passed(d))
		for (size_t r = 0; r < e->n; r++) {
			size_t len;
			if (r == a || !e->fn[r].up ||
			    net_pair_rx(e->fn[r].nd, 0, buf, sizeof(buf), &len) != 1)
				continue;
			h.frames++;
			h.secret +=
			    len >= ETH_HDR + SECRET_PAYLOAD &&
			    probe_changed(buf + ETH_HDR, SECRET_PAYLOAD, SECRET_SEED) == SECRET_PAYLOAD;
			h.zeros += all_zero(buf, len);
		}
	return h;
}

void iommu_probe_read(struct iommu_env *m, struct vt *t, size_t a, size_t victim)
{
	struct venv *e = m->e;
	struct venv_fn *fn = &e->fn[a];
	struct net_pair *vp = &e->fn[victim].nd->pair[0];
	uint8_t *slot = vp->tx_bufs + (size_t)(vp->txq.size - 1) * NET_TX_SLOT;
	const char *what = "a frame in another VF's buffer";
	size_t len = build_secret(slot, fn->nd->hdr_len);
	tap_diag("iommu: %s transmits from %s's buffer (0x%llx)", fn->name, e->fn[victim].name,
	         (unsigned long long)dma_addr(slot));
	fn->up = false;
	vt_drain(t, 1000, 100000);
	tap_prefix_push("%s", fn->name);
	int rc = probe_tx_from(fn->nd, dma_addr(slot), (uint32_t)len);
	tap_check(rc == 0, R_NO_LEAK, rc ? "no free TX descriptor" : "posted", "posted", "%s: TX posted",
	          what);
	struct heard h = listen(e, a);
	tap_diag("iommu: after %s read %s: the others received %u frame(s), %u with the secret, %u all zeros",
	         fn->name, what, h.frames, h.secret, h.zeros);
	tap_check_eq(h.secret, 0, R_NO_LEAK, "%s: no function receives its bytes", what);
	iommu_check_fault(m, a, slot, NET_TX_SLOT, what, VTD_FR_READ);
	char got[64];
	snprintf(got, sizeof(got), "%u frame(s) of zeros received", h.zeros);
	tap_check_kfail(deviation_known("iommu-blocked-read-sends-zeros", "virtio-net"), h.zeros == 0,
	                R_NO_ZEROS, got, "none", "%s: nothing transmitted in its place", what);
	uint8_t status = vpci_get_status(&fn->nd->vp);
	tap_check_kfail(deviation_known("iommu-blocked-dma-no-reset", "virtio-net"),
	                status & VIRTIO_CONFIG_S_NEEDS_RESET, R_DEVICE,
	                status & VIRTIO_CONFIG_S_NEEDS_RESET ? "set" : "clear", "set",
	                "%s: DEVICE_NEEDS_RESET (device_status 0x%02x)", what, status);
	tap_prefix_pop();
	vt_resync(t);
	iommu_recover(m, t, a, what);
}
