/* tests/unit/test_net_filter_model.c: the receive filter model of the ctrl
 * suite (tests/conformance/net_filter_model.c) against the spec's rules,
 * one case per rule and each mode's override. */
#include <string.h>

#include "conformance/net_filter_model.h"
#include "unit.h"

static const uint8_t own[6] = {0x52, 0x54, 0x00, 0x5f, 0, 1};
static const uint8_t other[6] = {0x52, 0x54, 0x00, 0x5f, 0, 2};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mc_in[6] = {0x01, 0x00, 0x5e, 0, 0, 1};
static const uint8_t mc_out[6] = {0x01, 0x00, 0x5e, 0, 0, 2};

#define EXPECT(f, dst, vid, want, what)                                                                      \
	tap_check_eq(nf_expect(f, dst, vid), want, "net_filter_model", "%s", what)

int main(void)
{
	tap_begin();
	struct nf_filter f;
	nf_filter_init(&f, own, true);
	memcpy(f.multi[0], mc_in, 6);
	f.n_multi = 1;
	f.vids[0] = 100;
	f.n_vids = 1;
	EXPECT(&f, own, NF_UNTAGGED, NF_ACCEPT, "own MAC delivered");
	EXPECT(&f, other, NF_UNTAGGED, NF_DROP, "another MAC dropped");
	EXPECT(&f, bcast, NF_UNTAGGED, NF_ACCEPT, "broadcast delivered");
	EXPECT(&f, mc_in, NF_UNTAGGED, NF_ACCEPT, "multicast in the table delivered");
	EXPECT(&f, mc_out, NF_UNTAGGED, NF_DROP, "multicast not in the table dropped");
	EXPECT(&f, bcast, 100, NF_ACCEPT, "added VID delivered");
	EXPECT(&f, bcast, 200, NF_DROP, "absent VID dropped");
	f.vlan_filter = false;
	EXPECT(&f, bcast, 200, NF_ACCEPT, "without CTRL_VLAN every VID delivered");
	f.vlan_filter = true;
	f.allmulti = true;
	EXPECT(&f, mc_out, NF_UNTAGGED, NF_ACCEPT, "all-multicast delivers any multicast");
	f.nobcast = true;
	EXPECT(&f, bcast, NF_UNTAGGED, NF_DROP, "no-broadcast wins over all-multicast");
	f.nomulti = true;
	EXPECT(&f, mc_in, NF_UNTAGGED, NF_DROP, "no-multicast wins over all-multicast and the table");
	f.nobcast = false;
	EXPECT(&f, bcast, NF_UNTAGGED, NF_ACCEPT, "no-multicast leaves broadcast alone");
	f.alluni = true;
	EXPECT(&f, other, NF_UNTAGGED, NF_ACCEPT, "all-unicast delivers any unicast");
	f.nouni = true;
	EXPECT(&f, own, NF_UNTAGGED, NF_DROP, "no-unicast wins over all-unicast and the own MAC");
	f.promisc = true;
	EXPECT(&f, own, NF_UNTAGGED, NF_ACCEPT, "promiscuous wins over every other mode");
	EXPECT(&f, bcast, 200, NF_EITHER, "promiscuous with an absent VID: either");
	nf_filter_init(&f, own, true);
	f.uni_overflow = true;
	EXPECT(&f, other, NF_UNTAGGED, NF_EITHER, "unicast overflow: another MAC may arrive");
	EXPECT(&f, own, NF_UNTAGGED, NF_ACCEPT, "unicast overflow: own MAC still delivered");
	return unit_done();
}
