/* firmware/virtio/net_ctrl.c: see net_ctrl.h. Uses the transport and the
 * queue API only, like net.c. */
#include "virtio/net_ctrl.h"

#include <stdio.h>
#include <string.h>

#include "boot/mem.h"

/* The ack byte sits at the end of the buffer, apart from the command. */
#define CTRL_ACK_OFF    (NET_CTRL_BUF - 8)
#define CTRL_ACK_POISON 0xa5
#define CTRL_QUEUE_WANT 16

const char *net_ctrl_result_name(enum net_ctrl_result r)
{
	switch (r) {
	case NET_CTRL_DONE:
		return "done";
	case NET_CTRL_NO_QUEUE:
		return "no control queue";
	case NET_CTRL_TOO_BIG:
		return "command too big";
	case NET_CTRL_TIMEOUT:
		return "not answered";
	case NET_CTRL_BAD_LEN:
		return "used length is not the ack byte";
	case NET_CTRL_BAD_ACK:
		return "ack neither OK nor ERR";
	case NET_CTRL_BROKEN:
		return "queue broken";
	}
	return "?";
}

int net_ctrl_setup(struct net_dev *nd)
{
	struct virtio_pci_dev *vp = &nd->vp;
	nd->ctrl = false;
	/* Asked for (ctrl_vq, or MQ which needs it) and negotiated. */
	if (!virtio_has(vp, VIRTIO_NET_F_CTRL_VQ))
		return 0;
	/* virtio v1.3 §5.1.2 Virtqueues: the control queue is 2N with N
	 * max_virtqueue_pairs under VIRTIO_NET_F_MQ, 2 without it. */
	const uint16_t index = (uint16_t)(2 * nd->max_pairs);
	if (!nd->ctrl_buf) {
		nd->ctrl_buf = dma_alloc(NET_CTRL_BUF, 4096);
		if (!nd->ctrl_buf) {
			snprintf(vp->err, sizeof(vp->err), "%s: out of memory for the control queue",
			         vp->name);
			return -1;
		}
	}
	/* A queue laid out at another index (MQ negotiated or not since)
	 * gets a new ring: DMA memory is never freed. */
	int rc = nd->ctrlq.size == 0 || nd->ctrlq.index != index
	             ? vpci_setup_queue(vp, &nd->ctrlq, index, CTRL_QUEUE_WANT)
	             : vpci_restart_queue(vp, &nd->ctrlq);
	if (rc != 0)
		return -1;
	nd->ctrl = true;
	return 0;
}

static uint64_t ctrl_feature_of(uint8_t cls, uint8_t cmd)
{
	uint64_t f = 1ULL << VIRTIO_NET_F_CTRL_VQ;
	if (cls == VIRTIO_NET_CTRL_RX)
		f |= 1ULL << (cmd >= VIRTIO_NET_CTRL_RX_ALLUNI ? VIRTIO_NET_F_CTRL_RX_EXTRA
		                                               : VIRTIO_NET_F_CTRL_RX);
	else if (cls == VIRTIO_NET_CTRL_MAC)
		f |= 1ULL << (cmd == VIRTIO_NET_CTRL_MAC_ADDR_SET ? VIRTIO_NET_F_CTRL_MAC_ADDR
		                                                  : VIRTIO_NET_F_CTRL_RX);
	else if (cls == VIRTIO_NET_CTRL_VLAN)
		f |= 1ULL << VIRTIO_NET_F_CTRL_VLAN;
	else if (cls == VIRTIO_NET_CTRL_MQ)
		f |= 1ULL << VIRTIO_NET_F_MQ;
	return f;
}

enum net_ctrl_result net_ctrl(struct net_dev *nd, uint8_t cls, uint8_t cmd, const void *data, size_t len,
                              uint8_t *ack)
{
	if (!nd->ctrl)
		return NET_CTRL_NO_QUEUE;
	if (nd->ctrlq.err != VQ_OK)
		return NET_CTRL_BROKEN;
	if (sizeof(struct virtio_net_ctrl_hdr) + len > CTRL_ACK_OFF)
		return NET_CTRL_TOO_BIG;
	uint8_t *b = nd->ctrl_buf;
	struct virtio_net_ctrl_hdr h = {.class = cls, .cmd = cmd};
	memcpy(b, &h, sizeof(h));
	if (len)
		memcpy(b + sizeof(h), data, len);
	b[CTRL_ACK_OFF] = CTRL_ACK_POISON;
	/* virtio v1.3 §5.1.6.5: header and data device-readable, ack
	 * device-writable; header and data as separate descriptors (§2.6.4
	 * Message Framing: the device may assume no particular layout). */
	struct vq_sg sg[3] = {{dma_addr(b), sizeof(h)}, {dma_addr(b + sizeof(h)), (uint32_t)len}, {0, 1}};
	unsigned n_out = len ? 2 : 1;
	sg[n_out] = (struct vq_sg){dma_addr(b + CTRL_ACK_OFF), 1};
	if (vq_add(&nd->ctrlq, sg, n_out, 1, nd->ctrl_buf) != 0)
		return NET_CTRL_BROKEN;
	vq_kick(&nd->ctrlq);
	void *cookie = NULL;
	uint32_t used_len = 0;
	int waited = vq_wait(&nd->ctrlq, &cookie, &used_len, NET_CTRL_TIMEOUT_US);
	*ack = waited > 0 ? b[CTRL_ACK_OFF] : 0;
	enum net_ctrl_result r = net_ctrl_judge(waited, used_len, *ack);
	if (r == NET_CTRL_BROKEN)
		snprintf(nd->err, sizeof(nd->err), "%s: control queue %u: %s (got %u, limit %u)", nd->vp.name,
		         nd->ctrlq.index, vq_error_name(nd->ctrlq.err), nd->ctrlq.err_got,
		         nd->ctrlq.err_want);
	/* Unanswered: the buffer stays with the device, nothing more is sent. */
	if (r == NET_CTRL_TIMEOUT)
		nd->ctrl = false;
	if (r != NET_CTRL_DONE)
		return r;
	if (*ack == VIRTIO_NET_OK)
		nd->ctrl_exercised |= ctrl_feature_of(cls, cmd);
	return NET_CTRL_DONE;
}

enum net_ctrl_result net_ctrl_rx_mode(struct net_dev *nd, uint8_t cmd, bool on, uint8_t *ack)
{
	uint8_t v = on ? 1 : 0;
	return net_ctrl(nd, VIRTIO_NET_CTRL_RX, cmd, &v, 1, ack);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

enum net_ctrl_result net_ctrl_mac_table(struct net_dev *nd, const uint8_t (*uni)[6], uint32_t n_uni,
                                        const uint8_t (*multi)[6], uint32_t n_multi, uint8_t *ack)
{
	if (n_uni + n_multi > NET_CTRL_MAC_MAX)
		return NET_CTRL_TOO_BIG;
	uint8_t data[8 + NET_CTRL_MAC_MAX * 6];
	size_t off = 0;
	put_le32(data + off, n_uni);
	off += 4;
	if (n_uni)
		memcpy(data + off, uni, (size_t)n_uni * 6);
	off += (size_t)n_uni * 6;
	put_le32(data + off, n_multi);
	off += 4;
	if (n_multi)
		memcpy(data + off, multi, (size_t)n_multi * 6);
	off += (size_t)n_multi * 6;
	return net_ctrl(nd, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, data, off, ack);
}

enum net_ctrl_result net_ctrl_mac_addr(struct net_dev *nd, const uint8_t mac[6], uint8_t *ack)
{
	return net_ctrl(nd, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET, mac, 6, ack);
}

enum net_ctrl_result net_ctrl_vlan(struct net_dev *nd, bool add, uint16_t vid, uint8_t *ack)
{
	uint8_t v[2] = {(uint8_t)vid, (uint8_t)(vid >> 8)};
	return net_ctrl(nd, VIRTIO_NET_CTRL_VLAN, add ? VIRTIO_NET_CTRL_VLAN_ADD : VIRTIO_NET_CTRL_VLAN_DEL,
	                v, 2, ack);
}

enum net_ctrl_result net_ctrl_mq_pairs(struct net_dev *nd, uint16_t pairs, uint8_t *ack)
{
	uint8_t v[2] = {(uint8_t)pairs, (uint8_t)(pairs >> 8)};
	return net_ctrl(nd, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, v, 2, ack);
}
