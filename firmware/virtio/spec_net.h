/* firmware/virtio/spec_net.h: the virtio network device (virtio v1.3 §5.1
 * Network Device). Names follow Linux include/uapi/linux/virtio_net.h. */
#ifndef VFPROBE_VIRTIO_SPEC_NET_H
#define VFPROBE_VIRTIO_SPEC_NET_H

#include <stddef.h>
#include <stdint.h>

/* virtio v1.3 §5.1.2 Virtqueues: receiveq1, transmitq1, ..., controlq */
#define VIRTIO_NET_RXQ 0
#define VIRTIO_NET_TXQ 1

/* virtio v1.3 §5.1.3 Feature bits (bit numbers) */
#define VIRTIO_NET_F_CSUM          0
#define VIRTIO_NET_F_GUEST_CSUM    1
#define VIRTIO_NET_F_MTU           3
#define VIRTIO_NET_F_MAC           5
#define VIRTIO_NET_F_GUEST_TSO4    7
#define VIRTIO_NET_F_GUEST_TSO6    8
#define VIRTIO_NET_F_GUEST_UFO     10
#define VIRTIO_NET_F_HOST_TSO4     11
#define VIRTIO_NET_F_MRG_RXBUF     15
#define VIRTIO_NET_F_STATUS        16
#define VIRTIO_NET_F_CTRL_VQ       17
#define VIRTIO_NET_F_CTRL_RX       18
#define VIRTIO_NET_F_CTRL_VLAN     19
#define VIRTIO_NET_F_CTRL_RX_EXTRA 20
#define VIRTIO_NET_F_MQ            22
#define VIRTIO_NET_F_CTRL_MAC_ADDR 23
#define VIRTIO_NET_F_HASH_REPORT   57
#define VIRTIO_NET_F_GUEST_HDRLEN  59
#define VIRTIO_NET_F_RSS           60

/* virtio v1.3 §5.1.4 Device configuration layout */
#define VIRTIO_NET_S_LINK_UP  1
#define VIRTIO_NET_S_ANNOUNCE 2
struct virtio_net_config {
	uint8_t mac[6];
	uint16_t status;
	uint16_t max_virtqueue_pairs;
	uint16_t mtu;
} __attribute__((packed));
_Static_assert(offsetof(struct virtio_net_config, status) == 6, "virtio v1.3 §5.1.4");

/* virtio v1.3 §5.1.6 Device Operation: struct virtio_net_hdr. With
 * VIRTIO_F_VERSION_1 or VIRTIO_NET_F_MRG_RXBUF, num_buffers is present: 12
 * bytes; only a legacy device without MRG_RXBUF uses the 10-byte form. */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2
#define VIRTIO_NET_HDR_GSO_NONE     0
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_net_hdr) == 12, "virtio v1.3 §5.1.6");
#define VIRTIO_NET_HDR_LEN_LEGACY 10
/* VIRTIO_NET_F_HASH_REPORT adds hash_value (le32), hash_report, padding. */
#define VIRTIO_NET_HDR_LEN_HASH 20

/* virtio v1.3 §5.1.6.5 Control Virtqueue: a command is class, command,
 * command-specific data (device-readable), then the ack byte
 * (device-writable). The control queue is the last queue: 2 without
 * VIRTIO_NET_F_MQ, 2 * max_virtqueue_pairs with it (§5.1.2 Virtqueues). */
struct virtio_net_ctrl_hdr {
	uint8_t class;
	uint8_t cmd;
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_net_ctrl_hdr) == 2, "virtio v1.3 §5.1.6.5");
#define VIRTIO_NET_OK  0
#define VIRTIO_NET_ERR 1

/* virtio v1.3 §5.1.6.5.1 Packet Receive Filtering: one byte, 0 off, 1 on.
 * PROMISC and ALLMULTI need CTRL_RX; the others CTRL_RX_EXTRA. */
#define VIRTIO_NET_CTRL_RX          0
#define VIRTIO_NET_CTRL_RX_PROMISC  0
#define VIRTIO_NET_CTRL_RX_ALLMULTI 1
#define VIRTIO_NET_CTRL_RX_ALLUNI   2
#define VIRTIO_NET_CTRL_RX_NOMULTI  3
#define VIRTIO_NET_CTRL_RX_NOUNI    4
#define VIRTIO_NET_CTRL_RX_NOBCAST  5

/* virtio v1.3 §5.1.6.5.2 Setting MAC Address Filtering: TABLE_SET carries
 * two struct virtio_net_ctrl_mac back to back (unicast, then multicast):
 * le32 entries, then entries x 6 bytes. ADDR_SET carries 6 bytes. */
#define VIRTIO_NET_CTRL_MAC           1
#define VIRTIO_NET_CTRL_MAC_TABLE_SET 0
#define VIRTIO_NET_CTRL_MAC_ADDR_SET  1
struct virtio_net_ctrl_mac {
	uint32_t entries;
	uint8_t macs[][6];
} __attribute__((packed));
_Static_assert(offsetof(struct virtio_net_ctrl_mac, macs) == 4, "virtio v1.3 §5.1.6.5.2");

/* virtio v1.3 §5.1.6.5.3 VLAN Filtering: a le16 VLAN id. */
#define VIRTIO_NET_CTRL_VLAN     2
#define VIRTIO_NET_CTRL_VLAN_ADD 0
#define VIRTIO_NET_CTRL_VLAN_DEL 1

/* virtio v1.3 §5.1.6.5.6 Automatic receive steering in multiqueue mode */
#define VIRTIO_NET_CTRL_MQ              4
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET 0
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN 1
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX 0x8000
struct virtio_net_ctrl_mq {
	uint16_t virtqueue_pairs;
} __attribute__((packed));

/* Ethernet frame limits (without FCS) */
#define ETH_ZLEN      60
#define ETH_FRAME_LEN 1514

#endif
