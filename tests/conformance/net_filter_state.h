/* tests/conformance/net_filter_state.h: the filter modes of the ctrl
 * suite, the state each puts a function in (the model's view,
 * net_filter_model.h), and the control commands that set it on the
 * device, with every answer logged and reported per command class. */
#ifndef VFPROBE_TESTS_NET_FILTER_STATE_H
#define VFPROBE_TESTS_NET_FILTER_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "net_filter_model.h"
#include "virtio/net.h"

enum nf_mode_flag {
	NFM_PROMISC = 1 << 0,
	NFM_ALLMULTI = 1 << 1,
	NFM_ALLUNI = 1 << 2,
	NFM_NOMULTI = 1 << 3,
	NFM_NOUNI = 1 << 4,
	NFM_NOBCAST = 1 << 5,
	NFM_UNI_OVERFLOW = 1 << 6,   /* 65 unicast entries */
	NFM_MULTI_OVERFLOW = 1 << 7, /* 65 multicast entries */
	NFM_EMPTY_TABLE = 1 << 8,    /* both tables empty */
	NFM_VLAN_DEL = 1 << 9,       /* the VID added, then removed */
	NFM_ALT_MAC = 1 << 10,       /* MAC_ADDR_SET to the alternate MAC */
	NFM_RESET = 1 << 11,         /* re-opened (device reset), then only PROMISC off */
	NFM_NO_CTRL_VLAN = 1 << 12,  /* re-opened without VIRTIO_NET_F_CTRL_VLAN */
};
/* Modes that need the function opened afresh before their commands. */
#define NFM_REOPEN (NFM_RESET | NFM_NO_CTRL_VLAN)

struct nf_mode {
	const char *name;
	const char *rule;
	unsigned flags;
};

extern const struct nf_mode nf_modes[];
extern const unsigned nf_mode_count;

struct nf_state {
	const struct nf_mode *mode;
	struct nf_filter filter;
};

enum nf_cmd_class { NFC_RX, NFC_MAC_TABLE, NFC_MAC_ADDR, NFC_VLAN, NFC_COUNT };

struct nf_cmd_log {
	unsigned sent[NFC_COUNT], ok[NFC_COUNT];
	char first[NFC_COUNT][120];
	unsigned cfg_checks, cfg_bad;
	char cfg_first[80];
};

/* The state mode m gives function i (own MAC mac): promiscuous off, the
 * unicast and multicast tables {nfp_uni_in} and {nfp_multi_in}, VID
 * NFP_VID_IN added, then what the mode changes. */
void nf_state_for(struct nf_state *st, const struct nf_mode *m, size_t i, const uint8_t mac[6]);
/* Send the commands that put nd in st (every RX mode, both tables, the
 * VLAN, the MAC), logging each answer, and read the config MAC back. */
void nf_state_apply(struct nf_state *st, struct net_dev *nd, struct nf_cmd_log *log);
/* One point per command class (and one for the config MAC). */
void nf_cmd_log_report(const struct nf_cmd_log *log);

#endif
