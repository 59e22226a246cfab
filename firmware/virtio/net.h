/* firmware/virtio/net.h: a polled virtio-net driver (virtio v1.3 §5.1
 * Network Device) on the virtio-pci transport and the queue API, split or
 * packed virtqueues. Queue pair N (receiveqN+1, transmitqN+1) is queues 2N
 * and 2N+1; with net_opts.ctrl_vq the control queue (VIRTIO_NET_F_CTRL_VQ)
 * is the last one, driven by net_ctrl.c (net_ctrl.h). net_opts.pairs > 1
 * asks for VIRTIO_NET_F_MQ and sets up that many pairs (within the
 * device's max_virtqueue_pairs); the device uses only the first until the
 * driver sends VQ_PAIRS_SET (net_ctrl_mq_pairs).
 *
 * Hot path (no allocation, no PCI config access), on pair 0, or on pair q
 * with the net_pair_* forms:
 *   net_tx(nd, frame, len)      copy into a pre-allocated slot, post; no kick
 *   net_tx_kick(nd)             publish + doorbell for everything posted
 *   net_tx_reap(nd)             take back completed TX slots
 *   net_rx(nd, buf, cap, &len)  one received frame (header stripped),
 *                               RX buffers re-posted in batches */
#ifndef VFPROBE_VIRTIO_NET_H
#define VFPROBE_VIRTIO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/spec_net.h"
#include "virtio/virtq.h"
#include "virtio/vpci.h"

struct net_opts {
	bool mrg_rxbuf;            /* ask for VIRTIO_NET_F_MRG_RXBUF */
	uint32_t rx_buf_len;       /* bytes per RX buffer, header included (0: 2048) */
	uint16_t rx_size, tx_size; /* wanted ring sizes (0: device maximum, at most 256) */
	bool packed_ring;          /* ask for VIRTIO_F_RING_PACKED and fail when not offered */
	bool ctrl_vq;              /* ask for the control queue and its RX/MAC/VLAN classes */
	bool ctrl_no_vlan;         /* ... but leave VIRTIO_NET_F_CTRL_VLAN out */
	uint16_t pairs;            /* queue pairs wanted (0 or 1: one, no MQ) */
	bool access_platform;      /* ask for VIRTIO_F_ACCESS_PLATFORM and fail when not offered */
	bool unchecked_used;       /* benchmarks only: used elements not validated (virtq.unchecked) */
	/* TX as one descriptor (header and frame are contiguous in the slot)
	 * even with INDIRECT_DESC: one table fewer for the device to read. */
	bool tx_direct;
};

struct net_stats {
	uint64_t tx_frames, tx_bytes, rx_frames, rx_bytes, rx_merged, tx_full;
};

/* The guest's limit on queue pairs (scripts/backends.py MAX_QUEUE_PAIRS). */
#define NET_MAX_PAIRS 8
_Static_assert(2 * NET_MAX_PAIRS + 1 <= VPCI_MAX_QUEUES, "every pair and the control queue");

/* One receive/transmit queue pair and its buffers. */
struct net_pair {
	struct virtq rxq, txq;
	uint8_t *rx_bufs;   /* rxq.size x rx_buf_len, DMA */
	size_t rx_bufs_cap; /* bytes allocated for rx_bufs */
	uint8_t *tx_bufs;   /* txq.size x NET_TX_SLOT, DMA, headers pre-zeroed */
	uint16_t *tx_free;  /* stack of free TX slots */
	uint16_t tx_nfree;
	uint16_t rx_refill; /* RX buffers re-posted since the last kick */
	/* Merged-buffer reassembly in progress. */
	uint16_t rx_need; /* buffers still to take for this frame */
	size_t rx_got;
	uint8_t *rx_frame; /* ETH_FRAME_LEN + slack, for merged frames */
	uint64_t tx_frames, rx_frames;
	/* Where the last frame came from: its last RX buffer, and the count of
	 * used elements taken from the RX queue with it (rxq.completions). */
	uint16_t rx_last_buf;
	uint64_t rx_last_used;
};

struct net_dev {
	struct virtio_pci_dev vp;
	struct net_pair pair[NET_MAX_PAIRS];
	uint16_t max_pairs; /* max_virtqueue_pairs with MQ negotiated, else 1 */
	uint16_t npairs;    /* pairs set up: opts.pairs within max_pairs */
	struct net_opts opts;
	uint8_t mac[6];
	uint16_t status;
	uint8_t cfg_gen_retries;
	bool mrg;
	uint32_t hdr_len; /* 12 with VERSION_1 */
	uint32_t rx_buf_len;
	struct net_stats st; /* every pair's frames */
	/* Control queue (net_ctrl.c): up when CTRL_VQ was negotiated. */
	struct virtq ctrlq;
	bool ctrl;
	uint8_t *ctrl_buf;       /* NET_CTRL_BUF bytes, DMA: command, then the ack */
	uint64_t ctrl_exercised; /* feature bits of the commands the device acked */
	bool broken;
	char err[200];
};

#define NET_TX_SLOT  2048
#define NET_CTRL_BUF 1024
/* With VIRTIO_F_INDIRECT_DESC the last bytes of each TX slot hold its
 * two-entry indirect table (header, frame). */
#define NET_TX_INDIRECT_BYTES 32

/* Features net_open asks for (the ring ones whenever offered). */
uint64_t net_wanted_features(const struct net_opts *o);
/* Of the negotiated features, those this device's traffic so far has
 * used: VERSION_1 (the header), MAC and STATUS (read), MRG_RXBUF (a frame
 * received with num_buffers), RING_PACKED (a buffer used on a packed
 * ring), EVENT_IDX (a kick decided by the device's event index),
 * INDIRECT_DESC (an indirect TX chain used), the control queue's
 * features (a command of their class acked). */
uint64_t net_features_exercised(const struct net_dev *nd);

/* Probe, negotiate, set up both queues, read MAC/status, DRIVER_OK, post
 * every RX buffer. 0 or -1 (nd->err, nd->vp.err say why). */
int net_open(struct net_dev *nd, const struct pci_func *f, const struct net_opts *o);
/* After a reset, FLR or VF re-enable: the same memory (rings and
 * buffers), a new init. o != NULL changes the options, within the memory
 * the first net_open allocated (ring sizes stay). */
int net_reopen(struct net_dev *nd, const struct pci_func *f, const struct net_opts *o);
/* Reset the device and leave it stopped (status 0). */
int net_close(struct net_dev *nd);

/* MAC and status, a consistent snapshot under config_generation
 * (virtio v1.3 §2.5.1 Driver Requirements: Device Configuration Space).
 * 0, or -1 when the generation never settled. */
int net_read_config(struct net_dev *nd, uint8_t mac[6], uint16_t *status);

/* 0, -2 when no TX slot is free (reap or kick first), -1 broken. */
int net_pair_tx(struct net_dev *nd, uint16_t q, const void *frame, size_t len);
void net_pair_tx_kick(struct net_dev *nd, uint16_t q);
/* Completed TX slots taken back (>= 0), -1 when the device broke a rule. */
int net_pair_tx_reap(struct net_dev *nd, uint16_t q);
/* 1 with a frame in buf, 0 when none yet, -1 on a device error. */
int net_pair_rx(struct net_dev *nd, uint16_t q, void *buf, size_t cap, size_t *len);
/* Publish re-posted RX buffers now. */
void net_pair_rx_kick(struct net_dev *nd, uint16_t q);

static inline int net_tx(struct net_dev *nd, const void *frame, size_t len)
{
	return net_pair_tx(nd, 0, frame, len);
}
static inline void net_tx_kick(struct net_dev *nd)
{
	net_pair_tx_kick(nd, 0);
}
static inline int net_tx_reap(struct net_dev *nd)
{
	return net_pair_tx_reap(nd, 0);
}
static inline int net_rx(struct net_dev *nd, void *buf, size_t cap, size_t *len)
{
	return net_pair_rx(nd, 0, buf, cap, len);
}
static inline void net_rx_kick(struct net_dev *nd)
{
	net_pair_rx_kick(nd, 0);
}

#endif
