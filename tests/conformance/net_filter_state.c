/* tests/conformance/net_filter_state.c: see net_filter_state.h. */
#include "net_filter_state.h"

#include <stdio.h>
#include <string.h>

#include "lib/tap.h"
#include "net_filter_probe.h"
#include "virtio/net_ctrl.h"

#define R_PRT "virtio v1.3 §5.1.6.5.1 Packet Receive Filtering: "
#define R_MAC "virtio v1.3 §5.1.6.5.2 Setting MAC Address Filtering: "
#define R_VLN "virtio v1.3 §5.1.6.5.3 VLAN Filtering: "

const struct nf_mode nf_modes[] = {
    {"filtered",
     R_MAC "promiscuous off: own MAC, broadcast and table entries arrive, the device SHOULD drop "
           "the rest; " R_VLN "tagged frames of an added VID arrive, absent VIDs SHOULD be dropped",
     0},
    {"promiscuous", R_PRT "VIRTIO_NET_CTRL_RX_PROMISC on: the device SHOULD receive all incoming packets",
     NFM_PROMISC},
    {"all-multicast", R_PRT "VIRTIO_NET_CTRL_RX_ALLMULTI on: all incoming multicast packets", NFM_ALLMULTI},
    {"all-unicast", R_PRT "VIRTIO_NET_CTRL_RX_ALLUNI on: all incoming unicast packets", NFM_ALLUNI},
    {"no-multicast",
     R_PRT "VIRTIO_NET_CTRL_RX_NOMULTI: no multicast even with ALLMULTI on, broadcast still "
           "received",
     NFM_NOMULTI | NFM_ALLMULTI},
    {"no-unicast", R_PRT "VIRTIO_NET_CTRL_RX_NOUNI: no unicast even with ALLUNI on", NFM_NOUNI | NFM_ALLUNI},
    {"no-broadcast", R_PRT "VIRTIO_NET_CTRL_RX_NOBCAST: no broadcast even with ALLMULTI on",
     NFM_NOBCAST | NFM_ALLMULTI},
    {"unicast-table-overflow",
     R_MAC "65 unicast entries: the table's, the own MAC's frames still arrive "
           "(the device may fall back to all-unicast)",
     NFM_UNI_OVERFLOW},
    {"multicast-table-overflow",
     R_MAC "65 multicast entries: the table's still arrive (the device may "
           "fall back to all-multicast)",
     NFM_MULTI_OVERFLOW},
    {"empty-table", R_MAC "both tables empty: only the own MAC and broadcast", NFM_EMPTY_TABLE},
    {"vlan-removed", R_VLN "VIRTIO_NET_CTRL_VLAN_DEL removes the VID: its tagged frames SHOULD be dropped",
     NFM_VLAN_DEL},
    {"mac-set",
     R_MAC "VIRTIO_NET_CTRL_MAC_ADDR_SET sets the default MAC rx filtering accepts: the new "
           "MAC's frames arrive, the old MAC's SHOULD be dropped",
     NFM_ALT_MAC},
    {"after-reset",
     R_MAC "the device MUST have an empty MAC filtering table on reset; " R_VLN
           "with CTRL_VLAN the device starts with an empty VLAN table (only PROMISC off sent "
           "after the reset: table entries and VID 100 SHOULD be dropped, the config MAC is back)",
     NFM_RESET},
    {"no-ctrl-vlan",
     R_VLN "without VIRTIO_NET_F_CTRL_VLAN negotiated the device MUST accept all VLAN "
           "tagged packets",
     NFM_NO_CTRL_VLAN},
};
const unsigned nf_mode_count = sizeof(nf_modes) / sizeof(nf_modes[0]);

void nf_state_for(struct nf_state *st, const struct nf_mode *m, size_t i, const uint8_t mac[6])
{
	struct nf_filter *f = &st->filter;
	st->mode = m;
	nf_filter_init(f, mac, !(m->flags & NFM_NO_CTRL_VLAN));
	if (m->flags & NFM_RESET)
		return;
	if (m->flags & NFM_ALT_MAC)
		nfp_alt_mac(i, f->mac);
	if (!(m->flags & NFM_EMPTY_TABLE)) {
		memcpy(f->uni[0], nfp_uni_in, 6);
		memcpy(f->multi[0], nfp_multi_in, 6);
		f->n_uni = f->n_multi = 1;
	}
	if (!(m->flags & NFM_VLAN_DEL)) {
		f->vids[0] = NFP_VID_IN;
		f->n_vids = 1;
	}
	f->promisc = m->flags & NFM_PROMISC;
	f->allmulti = m->flags & NFM_ALLMULTI;
	f->alluni = m->flags & NFM_ALLUNI;
	f->nomulti = m->flags & NFM_NOMULTI;
	f->nouni = m->flags & NFM_NOUNI;
	f->nobcast = m->flags & NFM_NOBCAST;
	f->uni_overflow = m->flags & NFM_UNI_OVERFLOW;
	f->multi_overflow = m->flags & NFM_MULTI_OVERFLOW;
}

static void log_cmd(struct nf_cmd_log *log, enum nf_cmd_class c, enum net_ctrl_result r, uint8_t ack,
                    const char *what)
{
	log->sent[c]++;
	if (r == NET_CTRL_DONE && ack == VIRTIO_NET_OK) {
		log->ok[c]++;
		return;
	}
	if (!log->first[c][0])
		snprintf(log->first[c], sizeof(log->first[c]), "%s: %s, ack 0x%02x", what,
		         net_ctrl_result_name(r),
		         r == NET_CTRL_DONE || r == NET_CTRL_BAD_ACK || r == NET_CTRL_BAD_LEN ? ack : 0);
}

/* A table of 1 + (overflow ? 64 : 0) entries: the probe's, then filler. */
static uint32_t table(uint8_t (*t)[6], const uint8_t first[6], bool overflow, uint8_t filler_prefix)
{
	memcpy(t[0], first, 6);
	if (!overflow)
		return 1;
	for (uint32_t k = 1; k <= 64; k++) {
		const uint8_t m[6] = {filler_prefix, 0x00, 0x5e, 0xdd, (uint8_t)(k >> 8), (uint8_t)k};
		memcpy(t[k], m, 6);
	}
	return 65;
}

void nf_state_apply(struct nf_state *st, struct net_dev *nd, struct nf_cmd_log *log)
{
	const struct nf_filter *f = &st->filter;
	const unsigned fl = st->mode->flags;
	static const struct {
		uint8_t cmd;
		const char *name;
	} rx[] = {{VIRTIO_NET_CTRL_RX_PROMISC, "PROMISC"}, {VIRTIO_NET_CTRL_RX_ALLMULTI, "ALLMULTI"},
	          {VIRTIO_NET_CTRL_RX_ALLUNI, "ALLUNI"},   {VIRTIO_NET_CTRL_RX_NOMULTI, "NOMULTI"},
	          {VIRTIO_NET_CTRL_RX_NOUNI, "NOUNI"},     {VIRTIO_NET_CTRL_RX_NOBCAST, "NOBCAST"}};
	const bool on[] = {f->promisc, f->allmulti, f->alluni, f->nomulti, f->nouni, f->nobcast};
	uint8_t ack = 0;
	for (unsigned k = 0; k < sizeof(rx) / sizeof(rx[0]); k++) {
		if (k > 0 && (fl & NFM_RESET))
			break;
		log_cmd(log, NFC_RX, net_ctrl_rx_mode(nd, rx[k].cmd, on[k], &ack), ack, rx[k].name);
	}
	uint8_t cfg[6];
	uint16_t status;
	if (fl & NFM_RESET) {
		/* Back to the device's own MAC, which the filter must accept. */
		log->cfg_checks++;
		if (net_read_config(nd, cfg, &status) != 0 || memcmp(cfg, f->mac, 6) != 0)
			if (!log->cfg_bad++)
				snprintf(log->cfg_first, sizeof(log->cfg_first),
				         "config mac ..:%02x:%02x after a reset", cfg[4], cfg[5]);
		return;
	}

	static uint8_t uni[65][6], multi[65][6];
	uint32_t nu = 0, nm = 0;
	if (!(fl & NFM_EMPTY_TABLE)) {
		nu = table(uni, nfp_uni_in, fl & NFM_UNI_OVERFLOW, 0x52);
		nm = table(multi, nfp_multi_in, fl & NFM_MULTI_OVERFLOW, 0x01);
	}
	log_cmd(log, NFC_MAC_TABLE, net_ctrl_mac_table(nd, uni, nu, multi, nm, &ack), ack, "MAC_TABLE_SET");

	if (!(fl & NFM_NO_CTRL_VLAN))
		log_cmd(log, NFC_VLAN, net_ctrl_vlan(nd, true, NFP_VID_IN, &ack), ack, "VLAN_ADD");
	if (fl & NFM_VLAN_DEL)
		log_cmd(log, NFC_VLAN, net_ctrl_vlan(nd, false, NFP_VID_IN, &ack), ack, "VLAN_DEL");

	log_cmd(log, NFC_MAC_ADDR, net_ctrl_mac_addr(nd, f->mac, &ack), ack, "MAC_ADDR_SET");
	log->cfg_checks++;
	if (net_read_config(nd, cfg, &status) != 0 || memcmp(cfg, f->mac, 6) != 0) {
		if (!log->cfg_bad++)
			snprintf(log->cfg_first, sizeof(log->cfg_first),
			         "config mac %02x:%02x:%02x:%02x:%02x:%02x after setting ..:%02x:%02x",
			         cfg[0], cfg[1], cfg[2], cfg[3], cfg[4], cfg[5], f->mac[4], f->mac[5]);
	}
}

void nf_cmd_log_report(const struct nf_cmd_log *log)
{
	static const struct {
		const char *what, *rule;
	} cls[NFC_COUNT] = {
	    [NFC_RX] = {"RX mode",
	                R_PRT "with CTRL_RX and CTRL_RX_EXTRA the device MUST support PROMISC, "
	                      "ALLMULTI, ALLUNI, NOMULTI, NOUNI and NOBCAST (virtio v1.3 §5.1.6.5: one "
	                      "ack byte, VIRTIO_NET_OK)"},
	    [NFC_MAC_TABLE] = {"MAC_TABLE_SET", R_MAC "two tables, either MAY be 0 entries, any number of "
	                                              "addresses: answered VIRTIO_NET_OK"},
	    [NFC_MAC_ADDR] = {"MAC_ADDR_SET", R_MAC "VIRTIO_NET_CTRL_MAC_ADDR_SET (CTRL_MAC_ADDR) answered "
	                                            "VIRTIO_NET_OK"},
	    [NFC_VLAN] = {"VLAN", R_VLN "VLAN_ADD and VLAN_DEL of a le16 VID answered VIRTIO_NET_OK"},
	};
	for (unsigned c = 0; c < NFC_COUNT; c++)
		tap_check(log->sent[c] > 0 && log->ok[c] == log->sent[c], cls[c].rule,
		          log->first[c][0] ? log->first[c] : "none sent", "every one VIRTIO_NET_OK",
		          "%s commands answered VIRTIO_NET_OK (%u of %u)", cls[c].what, log->ok[c],
		          log->sent[c]);
	tap_check(log->cfg_checks > 0 && log->cfg_bad == 0,
	          R_MAC "the device MUST update mac in config space before it consumes "
	                "VIRTIO_NET_CTRL_MAC_ADDR_SET (and a reset brings the device's own back)",
	          log->cfg_first, "config mac = the MAC set", "config mac follows MAC_ADDR_SET (%u of %u)",
	          log->cfg_checks - log->cfg_bad, log->cfg_checks);
}
