/* tests/conformance/net_filter_probe.c: see net_filter_probe.h. */
#include "net_filter_probe.h"

#include <stdio.h>
#include <string.h>

#include "lib/frame.h"
#include "net_filter_model.h"

#define ETH_P_8021Q  0x8100
#define VLAN_TAG_LEN 4

const uint8_t nfp_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
const uint8_t nfp_multi_in[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
const uint8_t nfp_multi_out[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x02};
const uint8_t nfp_uni_in[6] = {0x52, 0x54, 0x00, 0xaa, 0x00, 0x01};
const uint8_t nfp_uni_out[6] = {0x52, 0x54, 0x00, 0xbb, 0x00, 0x01};

void nfp_alt_mac(size_t i, uint8_t mac[6])
{
	const uint8_t m[6] = {0x52, 0x54, 0x00, 0xcc, 0x00, (uint8_t)i};
	memcpy(mac, m, 6);
}

static void add(struct nfp_probe *p, size_t *k, const uint8_t dst[6], int vid, const char *what)
{
	memcpy(p[*k].dst, dst, 6);
	p[*k].vid = vid;
	snprintf(p[*k].what, sizeof(p[*k].what), "%s", what);
	(*k)++;
}

size_t nfp_probes(struct nfp_probe *p, size_t n, const uint8_t (*macs)[6])
{
	size_t k = 0;
	char what[40];
	if (n > NFP_MAX_FN)
		n = NFP_MAX_FN;
	for (size_t i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "to function %zu's MAC", i);
		add(p, &k, macs[i], NF_UNTAGGED, what);
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t alt[6];
		nfp_alt_mac(i, alt);
		snprintf(what, sizeof(what), "to function %zu's alternate MAC", i);
		add(p, &k, alt, NF_UNTAGGED, what);
	}
	add(p, &k, nfp_bcast, NF_UNTAGGED, "broadcast");
	add(p, &k, nfp_multi_in, NF_UNTAGGED, "multicast in the table");
	add(p, &k, nfp_multi_out, NF_UNTAGGED, "multicast not in the table");
	add(p, &k, nfp_uni_in, NF_UNTAGGED, "unicast in the table");
	add(p, &k, nfp_uni_out, NF_UNTAGGED, "unicast in no table");
	add(p, &k, nfp_bcast, NFP_VID_IN, "broadcast, VID 100 (added)");
	add(p, &k, nfp_bcast, NFP_VID_OUT, "broadcast, VID 200 (absent)");
	return k;
}

size_t nfp_build(uint8_t *buf, const struct nfp_probe *p, uint32_t idx, uint16_t s, uint32_t run,
                 const uint8_t src[6])
{
	struct frame_hdr h = {.sender = s, .run = run, .seq = idx};
	memcpy(h.dst, p->dst, 6);
	memcpy(h.src, src, 6);
	size_t len = frame_build(buf, FRAME_MIN_LEN, &h, frame_pattern_seed(s, idx));
	if (p->vid == NF_UNTAGGED)
		return len;
	/* IEEE 802.1Q-2018 §9.3: TPID 0x8100, then TCI (PCP 0, DEI 0, VID)
	 * between the source MAC and the rest of the frame. */
	memmove(buf + 12 + VLAN_TAG_LEN, buf + 12, len - 12);
	buf[12] = ETH_P_8021Q >> 8;
	buf[13] = ETH_P_8021Q & 0xff;
	buf[14] = (uint8_t)((p->vid >> 8) & 0x0f);
	buf[15] = (uint8_t)p->vid;
	return len + VLAN_TAG_LEN;
}

bool nfp_parse(uint8_t *buf, size_t len, int *vid, uint16_t *sender, uint32_t *run, uint32_t *probe,
               uint8_t dst[6])
{
	*vid = NF_UNTAGGED;
	if (len >= 12 + VLAN_TAG_LEN && buf[12] == ETH_P_8021Q >> 8 && buf[13] == (ETH_P_8021Q & 0xff)) {
		*vid = (buf[14] & 0x0f) << 8 | buf[15];
		memmove(buf + 12, buf + 12 + VLAN_TAG_LEN, len - 12 - VLAN_TAG_LEN);
		len -= VLAN_TAG_LEN;
	}
	struct frame_hdr h;
	if (!frame_parse(buf, len, &h) || h.len != len || !frame_payload_ok(buf, len))
		return false;
	*sender = h.sender;
	*run = h.run;
	*probe = h.seq;
	memcpy(dst, h.dst, 6);
	return true;
}
