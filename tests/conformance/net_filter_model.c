/* tests/conformance/net_filter_model.c: see net_filter_model.h. */
#include "net_filter_model.h"

#include <string.h>

void nf_filter_init(struct nf_filter *f, const uint8_t mac[6], bool vlan_filter)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->mac, mac, 6);
	f->vlan_filter = vlan_filter;
}

static bool in_table(const uint8_t (*t)[6], unsigned n, const uint8_t dst[6])
{
	for (unsigned i = 0; i < n && i < NF_TABLE_MAX; i++)
		if (memcmp(t[i], dst, 6) == 0)
			return true;
	return false;
}

static bool vid_added(const struct nf_filter *f, int vid)
{
	for (unsigned i = 0; i < f->n_vids && i < NF_VIDS_MAX; i++)
		if (f->vids[i] == vid)
			return true;
	return false;
}

enum nf_verdict nf_expect(const struct nf_filter *f, const uint8_t dst[6], int vid)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	/* §5.1.6.5.3: with CTRL_VLAN the device SHOULD drop tagged frames
	 * whose VID is not in its table (and MUST accept all tagged frames
	 * without it); §5.1.6.5.1: promiscuous mode SHOULD receive all. The
	 * two SHOULDs disagree on a tagged frame of an absent VID in
	 * promiscuous mode: either is right. */
	bool vlan_drop = vid != NF_UNTAGGED && f->vlan_filter && !vid_added(f, vid);
	if (f->promisc)
		return vlan_drop ? NF_EITHER : NF_ACCEPT;
	if (vlan_drop)
		return NF_DROP;
	if (memcmp(dst, bcast, 6) == 0)
		/* §5.1.6.5.1: NOBCAST suppresses broadcast even with ALLMULTI
		 * on; NOMULTI does not apply to broadcast. */
		return f->nobcast ? NF_DROP : NF_ACCEPT;
	if (dst[0] & 1) {
		/* NOMULTI even with ALLMULTI on. */
		if (f->nomulti)
			return NF_DROP;
		if (f->allmulti || in_table(f->multi, f->n_multi, dst))
			return NF_ACCEPT;
		return f->multi_overflow ? NF_EITHER : NF_DROP;
	}
	/* NOUNI even with ALLUNI on. */
	if (f->nouni)
		return NF_DROP;
	if (f->alluni || memcmp(dst, f->mac, 6) == 0 || in_table(f->uni, f->n_uni, dst))
		return NF_ACCEPT;
	/* §5.1.6.5.2: the device SHOULD drop a destination matching neither
	 * mac nor the table. */
	return f->uni_overflow ? NF_EITHER : NF_DROP;
}

const char *nf_verdict_name(enum nf_verdict v)
{
	switch (v) {
	case NF_DROP:
		return "dropped";
	case NF_ACCEPT:
		return "delivered";
	case NF_EITHER:
		return "either";
	}
	return "?";
}
