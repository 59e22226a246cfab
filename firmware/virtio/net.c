/* firmware/virtio/net.c: virtio-net, polled (virtio v1.3 §5.1 Network
 * Device). Uses the transport (vpci_*) and the queue API (vq_*) only. */
#include "virtio/net.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/mem.h"
#include "lib/frame_copy.h"
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

static void rx_post(struct net_dev *nd, struct net_pair *p, uint16_t i)
{
	struct vq_sg sg = {dma_addr(p->rx_bufs + (size_t)i * nd->rx_buf_len), nd->rx_buf_len};
	/* Cannot fail: one descriptor per buffer and as many buffers as entries. */
	(void)vq_add(&p->rxq, &sg, 0, 1, (void *)(uintptr_t)(i + 1u));
	p->rx_refill++;
}

void net_pair_rx_kick(struct net_dev *nd, uint16_t q)
{
	struct net_pair *p = &nd->pair[q];
	if (p->rx_refill) {
		vq_kick(&p->rxq);
		p->rx_refill = 0;
	}
}

/* Lay out pair q's queues and buffers (the first time) or restart them
 * in the memory they had. */
static int pair_setup(struct net_dev *nd, uint16_t q)
{
	struct virtio_pci_dev *vp = &nd->vp;
	struct net_pair *p = &nd->pair[q];
	/* virtio v1.3 §5.1.2 Virtqueues: receiveqN is 2(N-1), transmitqN 2(N-1)+1. */
	uint16_t rxi = (uint16_t)(VIRTIO_NET_RXQ + 2 * q), txi = (uint16_t)(VIRTIO_NET_TXQ + 2 * q);
	if (p->rx_bufs) {
		if (vpci_queue_max(vp, rxi) < p->rxq.size || vpci_queue_max(vp, txi) < p->txq.size ||
		    vpci_restart_queue(vp, &p->rxq) != 0 || vpci_restart_queue(vp, &p->txq) != 0)
			return net_fail(nd, "%s", vp->err);
		p->rxq.unchecked = p->txq.unchecked = nd->opts.unchecked_used;
		return 0;
	}
	uint16_t rs = nd->opts.rx_size ? nd->opts.rx_size : 256;
	uint16_t ts = nd->opts.tx_size ? nd->opts.tx_size : 256;
	if (vpci_setup_queue(vp, &p->rxq, rxi, rs) != 0 || vpci_setup_queue(vp, &p->txq, txi, ts) != 0)
		return net_fail(nd, "%s", vp->err);
	p->rx_bufs_cap = (size_t)p->rxq.size * 2048;
	p->rx_bufs = dma_alloc(p->rx_bufs_cap, 4096);
	p->tx_bufs = dma_alloc((size_t)p->txq.size * NET_TX_SLOT, 4096);
	p->tx_free = malloc(sizeof(uint16_t) * p->txq.size);
	p->rx_frame = malloc(ETH_FRAME_LEN + 64);
	if (!p->rx_bufs || !p->tx_bufs || !p->tx_free || !p->rx_frame)
		return net_fail(nd, "out of memory for %u+%u buffers of pair %u", p->rxq.size, p->txq.size,
		                q);
	p->rxq.unchecked = p->txq.unchecked = nd->opts.unchecked_used;
	return 0;
}

static void pair_reset_state(struct net_pair *p)
{
	p->tx_nfree = p->txq.size;
	for (uint16_t i = 0; i < p->txq.size; i++)
		p->tx_free[i] = (uint16_t)(p->txq.size - 1 - i);
	p->rx_need = 0;
	p->rx_got = 0;
	p->rx_refill = 0;
}

/* How many pairs to set up: opts.pairs within what the device has. */
static int pairs_negotiate(struct net_dev *nd)
{
	struct virtio_pci_dev *vp = &nd->vp;
	nd->max_pairs = 1;
	if (virtio_has(vp, VIRTIO_NET_F_MQ)) {
		/* virtio v1.3 §5.1.4: max_virtqueue_pairs exists with MQ and is
		 * VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN..MAX (§5.1.4.1). */
		nd->max_pairs = vpci_dev_read16(vp, offsetof(struct virtio_net_config, max_virtqueue_pairs));
		if (nd->max_pairs < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN ||
		    nd->max_pairs > VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX)
			return net_fail(nd, "max_virtqueue_pairs %u outside %u..%u", nd->max_pairs,
			                VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX);
	}
	uint16_t want = nd->opts.pairs ? nd->opts.pairs : 1;
	if (want > NET_MAX_PAIRS)
		want = NET_MAX_PAIRS;
	nd->npairs = want < nd->max_pairs ? want : nd->max_pairs;
	return 0;
}

static int net_start(struct net_dev *nd, const struct pci_func *f)
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
	/* virtio v1.3 §6 Reserved Feature Bits: behind an IOMMU the device's addresses are the
	 * platform's (VIRTIO_F_ACCESS_PLATFORM). */
	if (nd->opts.access_platform && !virtio_has(vp, VIRTIO_F_ACCESS_PLATFORM)) {
		net_fail(nd, "IOMMU asked for, VIRTIO_F_ACCESS_PLATFORM not offered (features 0x%llx)",
		         (unsigned long long)vp->offered);
		goto err_failed_quiet;
	}
	nd->mrg = virtio_has(vp, VIRTIO_NET_F_MRG_RXBUF);
	/* virtio v1.3 §5.1.6 Device Operation: num_buffers is present with
	 * VERSION_1. */
	nd->hdr_len = sizeof(struct virtio_net_hdr);
	nd->rx_buf_len = nd->opts.rx_buf_len ? nd->opts.rx_buf_len : 2048;
	/* virtio v1.3 §5.1.6.3.1 Driver Requirements: Setting Up Receive
	 * Buffers: without MRG_RXBUF (and no GUEST_TSO/UFO) each buffer holds
	 * a whole frame: >= 1526 bytes. With it, at least the header. */
	uint32_t min = nd->mrg ? nd->hdr_len : ETH_FRAME_LEN + nd->hdr_len;
	if (nd->rx_buf_len < min)
		nd->rx_buf_len = min;
	if (pairs_negotiate(nd) != 0)
		goto err_failed_quiet;
	for (uint16_t q = 0; q < nd->npairs; q++) {
		struct net_pair *p = &nd->pair[q];
		if (pair_setup(nd, q) != 0)
			goto err_failed_quiet;
		if ((size_t)p->rxq.size * nd->rx_buf_len > p->rx_bufs_cap) {
			net_fail(nd, "RX buffers of %u bytes do not fit the %zu bytes allocated",
			         nd->rx_buf_len, p->rx_bufs_cap);
			goto err_failed_quiet;
		}
		pair_reset_state(p);
	}
	if (net_ctrl_setup(nd) != 0)
		goto err_failed;
	if (net_read_config(nd, nd->mac, &nd->status) != 0)
		goto err_failed_quiet;
	for (uint16_t q = 0; q < nd->npairs; q++)
		for (uint16_t i = 0; i < nd->pair[q].rxq.size; i++)
			rx_post(nd, &nd->pair[q], i);
	vpci_driver_ok(vp);
	/* virtio v1.3 §3.1.1 Driver Requirements: Device Initialization: no
	 * notification before DRIVER_OK. */
	for (uint16_t q = 0; q < nd->npairs; q++)
		net_pair_rx_kick(nd, q);
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
	if (o->access_platform)
		want |= 1ULL << VIRTIO_F_ACCESS_PLATFORM;
	if (o->ctrl_vq)
		want |= NET_CTRL_FEATURES;
	/* virtio v1.3 §5.1.3.1: VIRTIO_NET_F_MQ requires VIRTIO_NET_F_CTRL_VQ. */
	if (o->pairs > 1)
		want |= 1ULL << VIRTIO_NET_F_MQ | 1ULL << VIRTIO_NET_F_CTRL_VQ;
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
	for (uint16_t q = 0; q < nd->npairs; q++) {
		const struct net_pair *p = &nd->pair[q];
		if (virtio_has(vp, VIRTIO_F_RING_PACKED) && p->rxq.completions + p->txq.completions > 0)
			used |= 1ULL << VIRTIO_F_RING_PACKED;
		if (p->rxq.event_checks + p->txq.event_checks > 0)
			used |= 1ULL << VIRTIO_F_EVENT_IDX;
		if (p->txq.indirect > 0 && p->txq.completions > 0)
			used |= 1ULL << VIRTIO_F_INDIRECT_DESC;
	}
	/* MQ counts once frames crossed a pair beyond the first after the
	 * device acked VQ_PAIRS_SET. */
	bool beyond = false;
	for (uint16_t q = 1; q < nd->npairs; q++)
		beyond |= nd->pair[q].tx_frames + nd->pair[q].rx_frames > 0;
	uint64_t ctrl = nd->ctrl_exercised;
	if (!beyond)
		ctrl &= ~(1ULL << VIRTIO_NET_F_MQ);
	return used | ctrl;
}

int net_open(struct net_dev *nd, const struct pci_func *f, const struct net_opts *o)
{
	memset(nd, 0, sizeof(*nd));
	if (o)
		nd->opts = *o;
	return net_start(nd, f);
}

int net_reopen(struct net_dev *nd, const struct pci_func *f, const struct net_opts *o)
{
	if (o)
		nd->opts = *o;
	return net_start(nd, f);
}

int net_close(struct net_dev *nd)
{
	return vpci_reset(&nd->vp, VIRTIO_PCI_RESET_TIMEOUT_US);
}

int net_pair_tx(struct net_dev *nd, uint16_t q, const void *frame, size_t len)
{
	struct net_pair *p = &nd->pair[q];
	if (nd->broken)
		return -1;
	if (len > NET_TX_SLOT - NET_TX_INDIRECT_BYTES - nd->hdr_len)
		return net_fail(nd, "net_tx: %zu-byte frame larger than a TX slot", len);
	if (p->tx_nfree == 0) {
		nd->st.tx_full++;
		return -2;
	}
	uint16_t slot = p->tx_free[--p->tx_nfree];
	uint8_t *b = p->tx_bufs + (size_t)slot * NET_TX_SLOT;
	/* The header stays zero: no offloads, GSO_NONE (virtio v1.3 §5.1.6.2
	 * Packet Transmission). */
	frame_copy(b + nd->hdr_len, frame, len);
	void *cookie = (void *)(uintptr_t)(slot + 1u);
	int rc;
	if (virtio_has(&nd->vp, VIRTIO_F_INDIRECT_DESC) && !nd->opts.tx_direct) {
		/* Header and frame as two entries of the slot's own indirect
		 * table (virtio v1.3 §2.7.5.3 / §2.8.7). */
		struct vq_sg sg[2] = {{dma_addr(b), nd->hdr_len}, {dma_addr(b + nd->hdr_len), (uint32_t)len}};
		uint8_t *table = b + NET_TX_SLOT - NET_TX_INDIRECT_BYTES;
		rc = vq_add_indirect(&p->txq, sg, 2, 0, table, dma_addr(table), cookie);
	} else {
		struct vq_sg sg = {dma_addr(b), (uint32_t)(nd->hdr_len + len)};
		rc = vq_add(&p->txq, &sg, 1, 0, cookie);
	}
	if (rc != 0) {
		p->tx_free[p->tx_nfree++] = slot;
		nd->st.tx_full++;
		return -2;
	}
	p->tx_frames++;
	nd->st.tx_frames++;
	nd->st.tx_bytes += len;
	return 0;
}

void net_pair_tx_kick(struct net_dev *nd, uint16_t q)
{
	vq_kick(&nd->pair[q].txq);
}

int net_pair_tx_reap(struct net_dev *nd, uint16_t q)
{
	struct net_pair *p = &nd->pair[q];
	int n = 0;
	void *cookie;
	uint32_t len;
	for (;;) {
		int r = vq_poll(&p->txq, &cookie, &len);
		if (r == 0)
			return n;
		if (r < 0)
			return vq_broken(nd, &p->txq, "TX");
		uintptr_t slot = (uintptr_t)cookie - 1;
		/* The device writes nothing into a TX buffer: len must be 0
		 * (enforced by vq_poll: nothing writable was posted). */
		p->tx_free[p->tx_nfree++] = (uint16_t)slot;
		n++;
	}
}

int net_pair_rx(struct net_dev *nd, uint16_t q, void *buf, size_t cap, size_t *out_len)
{
	struct net_pair *p = &nd->pair[q];
	if (nd->broken)
		return -1;
	for (;;) {
		void *cookie;
		uint32_t len;
		int r = vq_poll(&p->rxq, &cookie, &len);
		if (r < 0)
			return vq_broken(nd, &p->rxq, "RX");
		if (r == 0) {
			net_pair_rx_kick(nd, q);
			return 0;
		}
		uint16_t i = (uint16_t)((uintptr_t)cookie - 1);
		const uint8_t *b = p->rx_bufs + (size_t)i * nd->rx_buf_len;
		const uint8_t *data = b;
		uint32_t dlen = len;
		if (p->rx_need == 0) {
			/* First buffer of a frame: it starts with the header. */
			if (len < nd->hdr_len) {
				rx_post(nd, p, i);
				return net_fail(nd, "RX used len %u shorter than the %u-byte virtio_net_hdr",
				                len, nd->hdr_len);
			}
			const struct virtio_net_hdr *h = (const void *)b;
			uint16_t nb = nd->mrg ? h->num_buffers : 1;
			/* virtio v1.3 §5.1.6.4 Processing of Incoming Packets:
			 * without MRG_RXBUF num_buffers is unused; with it, it
			 * counts this buffer too (>= 1). */
			if (nb == 0 || nb > p->rxq.size) {
				rx_post(nd, p, i);
				return net_fail(nd, "RX num_buffers %u outside 1..%u", nb, p->rxq.size);
			}
			p->rx_need = nb;
			p->rx_got = 0;
			data = b + nd->hdr_len;
			dlen = len - nd->hdr_len;
			if (nb > 1)
				nd->st.rx_merged++;
		}
		uint8_t *dst = p->rx_need == 1 && p->rx_got == 0 ? buf : p->rx_frame;
		size_t dcap = dst == buf ? cap : ETH_FRAME_LEN + 64;
		if (p->rx_got + dlen > dcap) {
			rx_post(nd, p, i);
			p->rx_need = 0;
			return net_fail(nd, "RX frame of more than %zu bytes (buffer %zu)", p->rx_got + dlen,
			                dcap);
		}
		frame_copy(dst + p->rx_got, data, dlen);
		p->rx_got += dlen;
		rx_post(nd, p, i);
		if (p->rx_refill >= p->rxq.size / 8)
			net_pair_rx_kick(nd, q);
		if (--p->rx_need == 0) {
			if (dst != buf) {
				if (p->rx_got > cap)
					return net_fail(nd, "RX frame of %zu bytes, caller buffer %zu",
					                p->rx_got, cap);
				frame_copy(buf, p->rx_frame, p->rx_got);
			}
			*out_len = p->rx_got;
			p->rx_last_buf = i;
			p->rx_last_used = p->rxq.completions;
			p->rx_frames++;
			nd->st.rx_frames++;
			nd->st.rx_bytes += p->rx_got;
			return 1;
		}
	}
}
