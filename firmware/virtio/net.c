/* firmware/virtio/net.c: virtio-net, polled (virtio v1.3 §5.1 Network
 * Device). Uses the transport (vpci_*) and the queue API (vq_*) only. */
#include "virtio/net.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/mem.h"
#include "virtio/net_ctrl.h"

static int net_fail(struct net_dev *nd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int net_fail(struct net_dev *nd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = snprintf(nd->err, sizeof(nd->err), "%s: ", nd->vp.name);
	if (n < 0 || (size_t)n >= sizeof(nd->err))
		n = 0;
	vsnprintf(nd->err + n, sizeof(nd->err) - (size_t)n, fmt, ap);
	va_end(ap);
	nd->broken = true;
	return -1;
}

static int vq_broken(struct net_dev *nd, struct virtq *vq, const char *qname)
{
	return net_fail(nd, "%s queue %u: %s (got %u, limit %u)", qname, vq->index, vq_error_name(vq->err),
	                vq->err_got, vq->err_want);
}

int net_read_config(struct net_dev *nd, uint8_t mac[6], uint16_t *status)
{
	struct virtio_pci_dev *vp = &nd->vp;
	for (unsigned tries = 0; tries < VIRTIO_CONFIG_GENERATION_TRIES; tries++) {
		uint8_t before = vpci_config_generation(vp);
		for (unsigned i = 0; i < 6; i++)
			mac[i] = vpci_dev_read8(vp, offsetof(struct virtio_net_config, mac) + i);
		*status = virtio_has(vp, VIRTIO_NET_F_STATUS)
		              ? vpci_dev_read16(vp, offsetof(struct virtio_net_config, status))
		              : VIRTIO_NET_S_LINK_UP;
		if (vpci_config_generation(vp) == before) {
			nd->cfg_gen_retries = (uint8_t)tries;
			return 0;
		}
	}
	return net_fail(nd, "config_generation never settled over %u reads", VIRTIO_CONFIG_GENERATION_TRIES);
}

static void rx_post(struct net_dev *nd, uint16_t i)
{
	struct vq_sg sg = {dma_addr(nd->rx_bufs + (size_t)i * nd->rx_buf_len), nd->rx_buf_len};
	/* Cannot fail: one descriptor per buffer and as many buffers as entries. */
	(void)vq_add(&nd->rxq, &sg, 0, 1, (void *)(uintptr_t)(i + 1u));
	nd->rx_refill++;
}

void net_rx_kick(struct net_dev *nd)
{
	if (nd->rx_refill) {
		vq_kick(&nd->rxq);
		nd->rx_refill = 0;
	}
}

static int net_start(struct net_dev *nd, const struct pci_func *f, bool first)
{
	struct virtio_pci_dev *vp = &nd->vp;
	nd->broken = false;
	nd->err[0] = 0;
	if (vpci_open(vp, f) != 0)
		return net_fail(nd, "%s", vp->err);
	if (vpci_init_features(vp, net_wanted_features(&nd->opts)) != 0)
		return net_fail(nd, "%s", vp->err);
	if (nd->opts.packed_ring && !virtio_has(vp, VIRTIO_F_RING_PACKED)) {
		net_fail(nd, "packed ring asked for, VIRTIO_F_RING_PACKED not offered (features 0x%llx)",
		         (unsigned long long)vp->offered);
		goto err_failed_quiet;
	}
	nd->mrg = virtio_has(vp, VIRTIO_NET_F_MRG_RXBUF);
	/* virtio v1.3 §5.1.6 Device Operation: num_buffers is present with
	 * VERSION_1. */
	nd->hdr_len = sizeof(struct virtio_net_hdr);
	if (first) {
		uint16_t rs = nd->opts.rx_size ? nd->opts.rx_size : 256;
		uint16_t ts = nd->opts.tx_size ? nd->opts.tx_size : 256;
		if (vpci_setup_queue(vp, &nd->rxq, VIRTIO_NET_RXQ, rs) != 0 ||
		    vpci_setup_queue(vp, &nd->txq, VIRTIO_NET_TXQ, ts) != 0)
			goto err_failed;
		nd->rx_bufs_cap = (size_t)nd->rxq.size * 2048;
		nd->rx_bufs = dma_alloc(nd->rx_bufs_cap, 4096);
		nd->tx_bufs = dma_alloc((size_t)nd->txq.size * NET_TX_SLOT, 4096);
		nd->tx_free = malloc(sizeof(uint16_t) * nd->txq.size);
		nd->rx_frame = malloc(ETH_FRAME_LEN + 64);
		if (!nd->rx_bufs || !nd->tx_bufs || !nd->tx_free || !nd->rx_frame) {
			net_fail(nd, "out of memory for %u+%u buffers", nd->rxq.size, nd->txq.size);
			goto err_failed_quiet;
		}
	} else {
		if (vpci_queue_max(vp, VIRTIO_NET_RXQ) < nd->rxq.size ||
		    vpci_queue_max(vp, VIRTIO_NET_TXQ) < nd->txq.size ||
		    vpci_restart_queue(vp, &nd->rxq) != 0 || vpci_restart_queue(vp, &nd->txq) != 0)
			goto err_failed;
	}
	nd->rx_buf_len = nd->opts.rx_buf_len ? nd->opts.rx_buf_len : 2048;
	/* virtio v1.3 §5.1.6.3.1 Driver Requirements: Setting Up Receive
	 * Buffers: without MRG_RXBUF (and no GUEST_TSO/UFO) each buffer holds
	 * a whole frame: >= 1526 bytes. With it, at least the header. */
	uint32_t min = nd->mrg ? nd->hdr_len : ETH_FRAME_LEN + nd->hdr_len;
	if (nd->rx_buf_len < min)
		nd->rx_buf_len = min;
	if ((size_t)nd->rxq.size * nd->rx_buf_len > nd->rx_bufs_cap) {
		net_fail(nd, "RX buffers of %u bytes do not fit the %zu bytes allocated", nd->rx_buf_len,
		         nd->rx_bufs_cap);
		goto err_failed_quiet;
	}
	nd->tx_nfree = nd->txq.size;
	for (uint16_t i = 0; i < nd->txq.size; i++)
		nd->tx_free[i] = (uint16_t)(nd->txq.size - 1 - i);
	nd->rx_need = 0;
	nd->rx_got = 0;
	nd->rx_refill = 0;
	if (net_ctrl_setup(nd) != 0)
		goto err_failed;
	if (net_read_config(nd, nd->mac, &nd->status) != 0)
		goto err_failed_quiet;
	for (uint16_t i = 0; i < nd->rxq.size; i++)
		rx_post(nd, i);
	vpci_driver_ok(vp);
	/* virtio v1.3 §3.1.1 Driver Requirements: Device Initialization: no
	 * notification before DRIVER_OK. */
	net_rx_kick(nd);
	return 0;
err_failed:
	net_fail(nd, "%s", vp->err);
err_failed_quiet:
	vpci_add_status(vp, VIRTIO_CONFIG_S_FAILED);
	return -1;
}

uint64_t net_wanted_features(const struct net_opts *o)
{
	uint64_t want = 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS |
	                1ULL << VIRTIO_F_EVENT_IDX | 1ULL << VIRTIO_F_INDIRECT_DESC;
	if (o->mrg_rxbuf)
		want |= 1ULL << VIRTIO_NET_F_MRG_RXBUF;
	if (o->packed_ring)
		want |= 1ULL << VIRTIO_F_RING_PACKED;
	if (o->ctrl_vq)
		want |= NET_CTRL_FEATURES;
	if (o->ctrl_no_vlan)
		want &= ~(1ULL << VIRTIO_NET_F_CTRL_VLAN);
	return want;
}

uint64_t net_features_exercised(const struct net_dev *nd)
{
	const struct virtio_pci_dev *vp = &nd->vp;
	uint64_t used = 0;
	bool traffic = nd->st.tx_frames + nd->st.rx_frames > 0;
	if (traffic && virtio_has(vp, VIRTIO_F_VERSION_1))
		used |= 1ULL << VIRTIO_F_VERSION_1;
	if (virtio_has(vp, VIRTIO_NET_F_MAC))
		used |= 1ULL << VIRTIO_NET_F_MAC;
	if (virtio_has(vp, VIRTIO_NET_F_STATUS))
		used |= 1ULL << VIRTIO_NET_F_STATUS;
	if (nd->mrg && nd->st.rx_frames > 0)
		used |= 1ULL << VIRTIO_NET_F_MRG_RXBUF;
	if (virtio_has(vp, VIRTIO_F_RING_PACKED) && nd->rxq.completions + nd->txq.completions > 0)
		used |= 1ULL << VIRTIO_F_RING_PACKED;
	if (nd->rxq.event_checks + nd->txq.event_checks > 0)
		used |= 1ULL << VIRTIO_F_EVENT_IDX;
	if (nd->txq.indirect > 0 && nd->txq.completions > 0)
		used |= 1ULL << VIRTIO_F_INDIRECT_DESC;
	return used | nd->ctrl_exercised;
}

int net_open(struct net_dev *nd, const struct pci_func *f, const struct net_opts *o)
{
	memset(nd, 0, sizeof(*nd));
	if (o)
		nd->opts = *o;
	return net_start(nd, f, true);
}

int net_reopen(struct net_dev *nd, const struct pci_func *f, const struct net_opts *o)
{
	if (o)
		nd->opts = *o;
	if (!nd->rx_bufs)
		return net_start(nd, f, true);
	return net_start(nd, f, false);
}

int net_close(struct net_dev *nd)
{
	return vpci_reset(&nd->vp, VIRTIO_PCI_RESET_TIMEOUT_US);
}

int net_tx(struct net_dev *nd, const void *frame, size_t len)
{
	if (nd->broken)
		return -1;
	if (len > NET_TX_SLOT - NET_TX_INDIRECT_BYTES - nd->hdr_len)
		return net_fail(nd, "net_tx: %zu-byte frame larger than a TX slot", len);
	if (nd->tx_nfree == 0) {
		nd->st.tx_full++;
		return -2;
	}
	uint16_t slot = nd->tx_free[--nd->tx_nfree];
	uint8_t *b = nd->tx_bufs + (size_t)slot * NET_TX_SLOT;
	/* The header stays zero: no offloads, GSO_NONE (virtio v1.3 §5.1.6.2
	 * Packet Transmission). */
	memcpy(b + nd->hdr_len, frame, len);
	void *cookie = (void *)(uintptr_t)(slot + 1u);
	int rc;
	if (virtio_has(&nd->vp, VIRTIO_F_INDIRECT_DESC)) {
		/* Header and frame as two entries of the slot's own indirect
		 * table (virtio v1.3 §2.7.5.3 / §2.8.7). */
		struct vq_sg sg[2] = {{dma_addr(b), nd->hdr_len}, {dma_addr(b + nd->hdr_len), (uint32_t)len}};
		uint8_t *table = b + NET_TX_SLOT - NET_TX_INDIRECT_BYTES;
		rc = vq_add_indirect(&nd->txq, sg, 2, 0, table, dma_addr(table), cookie);
	} else {
		struct vq_sg sg = {dma_addr(b), (uint32_t)(nd->hdr_len + len)};
		rc = vq_add(&nd->txq, &sg, 1, 0, cookie);
	}
	if (rc != 0) {
		nd->tx_free[nd->tx_nfree++] = slot;
		nd->st.tx_full++;
		return -2;
	}
	nd->st.tx_frames++;
	nd->st.tx_bytes += len;
	return 0;
}

void net_tx_kick(struct net_dev *nd)
{
	vq_kick(&nd->txq);
}

int net_tx_reap(struct net_dev *nd)
{
	int n = 0;
	void *cookie;
	uint32_t len;
	for (;;) {
		int r = vq_poll(&nd->txq, &cookie, &len);
		if (r == 0)
			return n;
		if (r < 0)
			return vq_broken(nd, &nd->txq, "TX");
		uintptr_t slot = (uintptr_t)cookie - 1;
		/* The device writes nothing into a TX buffer: len must be 0
		 * (enforced by vq_poll: nothing writable was posted). */
		nd->tx_free[nd->tx_nfree++] = (uint16_t)slot;
		n++;
	}
}

int net_rx(struct net_dev *nd, void *buf, size_t cap, size_t *out_len)
{
	if (nd->broken)
		return -1;
	for (;;) {
		void *cookie;
		uint32_t len;
		int r = vq_poll(&nd->rxq, &cookie, &len);
		if (r < 0)
			return vq_broken(nd, &nd->rxq, "RX");
		if (r == 0) {
			net_rx_kick(nd);
			return 0;
		}
		uint16_t i = (uint16_t)((uintptr_t)cookie - 1);
		const uint8_t *b = nd->rx_bufs + (size_t)i * nd->rx_buf_len;
		const uint8_t *data = b;
		uint32_t dlen = len;
		if (nd->rx_need == 0) {
			/* First buffer of a frame: it starts with the header. */
			if (len < nd->hdr_len) {
				rx_post(nd, i);
				return net_fail(nd, "RX used len %u shorter than the %u-byte virtio_net_hdr",
				                len, nd->hdr_len);
			}
			const struct virtio_net_hdr *h = (const void *)b;
			uint16_t nb = nd->mrg ? h->num_buffers : 1;
			/* virtio v1.3 §5.1.6.4 Processing of Incoming Packets:
			 * without MRG_RXBUF num_buffers is unused; with it, it
			 * counts this buffer too (>= 1). */
			if (nb == 0 || nb > nd->rxq.size) {
				rx_post(nd, i);
				return net_fail(nd, "RX num_buffers %u outside 1..%u", nb, nd->rxq.size);
			}
			nd->rx_need = nb;
			nd->rx_got = 0;
			data = b + nd->hdr_len;
			dlen = len - nd->hdr_len;
			if (nb > 1)
				nd->st.rx_merged++;
		}
		uint8_t *dst = nd->rx_need == 1 && nd->rx_got == 0 ? buf : nd->rx_frame;
		size_t dcap = dst == buf ? cap : ETH_FRAME_LEN + 64;
		if (nd->rx_got + dlen > dcap) {
			rx_post(nd, i);
			nd->rx_need = 0;
			return net_fail(nd, "RX frame of more than %zu bytes (buffer %zu)", nd->rx_got + dlen,
			                dcap);
		}
		memcpy(dst + nd->rx_got, data, dlen);
		nd->rx_got += dlen;
		rx_post(nd, i);
		if (nd->rx_refill >= nd->rxq.size / 8)
			net_rx_kick(nd);
		if (--nd->rx_need == 0) {
			if (dst != buf) {
				if (nd->rx_got > cap)
					return net_fail(nd, "RX frame of %zu bytes, caller buffer %zu",
					                nd->rx_got, cap);
				memcpy(buf, nd->rx_frame, nd->rx_got);
			}
			*out_len = nd->rx_got;
			nd->st.rx_frames++;
			nd->st.rx_bytes += nd->rx_got;
			return 1;
		}
	}
}
