/* tests/conformance/net_filter_probe.h: the probe frames of the ctrl
 * suite. Every sender sends the same list, each probe a test frame
 * (tests/lib/frame.h) whose sequence number is the probe's index and whose
 * destination (and 802.1Q tag) the probe chooses: each function's own MAC,
 * each function's alternate MAC, broadcast, a multicast in and one out of
 * the tables, a unicast in and one out of the tables, and broadcast
 * tagged with an added and with a never-added VID. A tagged frame is the
 * test frame with the 4-byte tag inserted after the source MAC. */
#ifndef VFPROBE_TESTS_NET_FILTER_PROBE_H
#define VFPROBE_TESTS_NET_FILTER_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NFP_MAX_FN  8
#define NFP_VID_IN  100 /* added to every filter */
#define NFP_VID_OUT 200 /* never added */
#define NFP_FIXED   7   /* probes besides the 2 per function */
#define NFP_MAX     (2 * NFP_MAX_FN + NFP_FIXED)

extern const uint8_t nfp_bcast[6], nfp_multi_in[6], nfp_multi_out[6], nfp_uni_in[6], nfp_uni_out[6];

struct nfp_probe {
	uint8_t dst[6];
	int vid; /* NF_UNTAGGED or the VID */
	char what[40];
};

/* The alternate MAC of function i (what MAC_ADDR_SET gives it). */
void nfp_alt_mac(size_t i, uint8_t mac[6]);
/* Probes for n functions whose own MACs are macs[]: 2n + NFP_FIXED. */
size_t nfp_probes(struct nfp_probe *p, size_t n, const uint8_t (*macs)[6]);
/* Build probe p (index idx) of sender s in round `run`, from src, into
 * buf (at least FRAME_MIN_LEN + 4 bytes); the length written. */
size_t nfp_build(uint8_t *buf, const struct nfp_probe *p, uint32_t idx, uint16_t s, uint32_t run,
                 const uint8_t src[6]);
/* Take a received frame apart: strip a tag (into *vid, else NF_UNTAGGED),
 * check it is a test frame with an intact payload, and return its sender,
 * run and probe index. false when it is not one of ours. */
bool nfp_parse(uint8_t *buf, size_t len, int *vid, uint16_t *sender, uint32_t *run, uint32_t *probe,
               uint8_t dst[6]);

#endif
