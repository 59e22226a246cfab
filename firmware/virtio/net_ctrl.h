/* firmware/virtio/net_ctrl.h: the virtio-net control virtqueue, polled
 * (virtio v1.3 §5.1.6.5 Control Virtqueue). One command at a time: a
 * device-readable header and data, a device-writable ack byte, and a
 * deadline on its completion. What the device answers is hostile input:
 * no answer, a used length other than the ack byte, or an ack that is
 * neither VIRTIO_NET_OK nor VIRTIO_NET_ERR is a named failure. */
#ifndef VFPROBE_VIRTIO_NET_CTRL_H
#define VFPROBE_VIRTIO_NET_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/net.h"

/* What net_opts.ctrl_vq asks for (each negotiated when offered). */
#define NET_CTRL_FEATURES                                                                                    \
	(1ULL << VIRTIO_NET_F_CTRL_VQ | 1ULL << VIRTIO_NET_F_CTRL_RX | 1ULL << VIRTIO_NET_F_CTRL_RX_EXTRA |  \
	 1ULL << VIRTIO_NET_F_CTRL_VLAN | 1ULL << VIRTIO_NET_F_CTRL_MAC_ADDR)
/* How long a command may take before it counts as unanswered. */
#define NET_CTRL_TIMEOUT_US 1000000
/* Entries one MAC table command can carry (NET_CTRL_BUF bounds it). */
#define NET_CTRL_MAC_MAX 150

enum net_ctrl_result {
	NET_CTRL_DONE,     /* the device used the buffer with a valid ack */
	NET_CTRL_NO_QUEUE, /* no control queue negotiated */
	NET_CTRL_TOO_BIG,  /* the command does not fit NET_CTRL_BUF */
	NET_CTRL_TIMEOUT,  /* not used within NET_CTRL_TIMEOUT_US */
	NET_CTRL_BAD_LEN,  /* used length is not 1 (the ack byte) */
	NET_CTRL_BAD_ACK,  /* ack neither VIRTIO_NET_OK nor VIRTIO_NET_ERR */
	NET_CTRL_BROKEN,   /* the queue broke a ring rule (nd->err) */
};

const char *net_ctrl_result_name(enum net_ctrl_result r);

/* What the device's answer means: `waited` is vq_wait's result (1 used,
 * 0 timed out, -1 a ring rule broken), used_len the length the device
 * reported, ack the byte in the ack buffer (poisoned before the command). */
static inline enum net_ctrl_result net_ctrl_judge(int waited, uint32_t used_len, uint8_t ack)
{
	if (waited < 0)
		return NET_CTRL_BROKEN;
	if (waited == 0)
		return NET_CTRL_TIMEOUT;
	/* virtio v1.3 §2.7.8 / §2.8.4: len is the number of bytes written:
	 * the ack byte, nothing else. */
	if (used_len != 1)
		return NET_CTRL_BAD_LEN;
	/* virtio v1.3 §5.1.6.5 Control Virtqueue: ack values OK and ERR. */
	if (ack != VIRTIO_NET_OK && ack != VIRTIO_NET_ERR)
		return NET_CTRL_BAD_ACK;
	return NET_CTRL_DONE;
}

/* Called by net_start before DRIVER_OK: lay out (first time) or restart
 * the control queue when it was asked for and negotiated. 0 or -1
 * (nd->vp.err). */
int net_ctrl_setup(struct net_dev *nd);

/* Send one command and wait for it; *ack is the device's answer when the
 * result is NET_CTRL_DONE. */
enum net_ctrl_result net_ctrl(struct net_dev *nd, uint8_t cls, uint8_t cmd, const void *data, size_t len,
                              uint8_t *ack);
/* §5.1.6.5.1: VIRTIO_NET_CTRL_RX_* on (1) or off (0). */
enum net_ctrl_result net_ctrl_rx_mode(struct net_dev *nd, uint8_t cmd, bool on, uint8_t *ack);
/* §5.1.6.5.2: the unicast and multicast tables (n_uni + n_multi at most
 * NET_CTRL_MAC_MAX). */
enum net_ctrl_result net_ctrl_mac_table(struct net_dev *nd, const uint8_t (*uni)[6], uint32_t n_uni,
                                        const uint8_t (*multi)[6], uint32_t n_multi, uint8_t *ack);
enum net_ctrl_result net_ctrl_mac_addr(struct net_dev *nd, const uint8_t mac[6], uint8_t *ack);
/* §5.1.6.5.3: VLAN_ADD (add) or VLAN_DEL. */
enum net_ctrl_result net_ctrl_vlan(struct net_dev *nd, bool add, uint16_t vid, uint8_t *ack);
/* §5.1.6.5.6: VQ_PAIRS_SET, the device may then steer frames to the
 * first `pairs` receive queues (1..max_virtqueue_pairs). */
enum net_ctrl_result net_ctrl_mq_pairs(struct net_dev *nd, uint16_t pairs, uint8_t *ack);

#endif
