/* tests/conformance/net_filter_model.h: what a virtio-net receive filter
 * must deliver, as the spec says it (virtio v1.3 §5.1.6.5.1 Packet
 * Receive Filtering, §5.1.6.5.2 Setting MAC Address Filtering, §5.1.6.5.3
 * VLAN Filtering): the switch port a function's filter state makes. Pure,
 * host-tested (tests/unit/test_net_filter_model.c). */
#ifndef VFPROBE_TESTS_NET_FILTER_MODEL_H
#define VFPROBE_TESTS_NET_FILTER_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#define NF_TABLE_MAX 4
#define NF_VIDS_MAX  4
#define NF_UNTAGGED  (-1)

struct nf_filter {
	bool promisc, allmulti, alluni, nomulti, nouni, nobcast;
	bool vlan_filter; /* VIRTIO_NET_F_CTRL_VLAN negotiated */
	uint8_t mac[6];   /* the default MAC (config mac or MAC_ADDR_SET) */
	uint8_t uni[NF_TABLE_MAX][6], multi[NF_TABLE_MAX][6];
	unsigned n_uni, n_multi;
	/* More entries were given than the device promises to hold: the
	 * spec lets it fall back to all-unicast / all-multicast. */
	bool uni_overflow, multi_overflow;
	uint16_t vids[NF_VIDS_MAX];
	unsigned n_vids;
};

enum nf_verdict {
	NF_DROP,   /* the device SHOULD drop it */
	NF_ACCEPT, /* the filter admits it: it must arrive */
	NF_EITHER, /* the spec leaves it to the device */
};

/* The base state of a filtering port: everything off, mac, empty tables,
 * no VLAN, vlan_filter as negotiated. */
void nf_filter_init(struct nf_filter *f, const uint8_t mac[6], bool vlan_filter);
/* A frame to dst, untagged (vid NF_UNTAGGED) or 802.1Q-tagged with vid. */
enum nf_verdict nf_expect(const struct nf_filter *f, const uint8_t dst[6], int vid);
const char *nf_verdict_name(enum nf_verdict v);

#endif
