/* tests/conformance/migrate_filter.c: see migrate_filter.h. */
#include "migrate_filter.h"

#include <stdio.h>
#include <string.h>

#include "boot/timer.h"
#include "lib/traffic.h"
#include "net_filter_model.h"
#include "net_filter_probe.h"
#include "virtio/net_ctrl.h"

#define PROBE_QUIET_US   20000u
#define PROBE_TIMEOUT_US 500000u
#define PROBE_BUF        2048u

enum { PROBE_IN, PROBE_OUT, PROBE_COUNT };

bool mig_filter_set(struct net_dev *nd, char *why, size_t cap)
{
	uint8_t ack = 0xff;
	enum net_ctrl_result r = net_ctrl_rx_mode(nd, VIRTIO_NET_CTRL_RX_PROMISC, false, &ack);
	if (r != NET_CTRL_DONE || ack != VIRTIO_NET_OK) {
		snprintf(why, cap, "PROMISC off: %s, ack %u", net_ctrl_result_name(r), ack);
		return false;
	}
	const uint8_t uni[1][6] = {
	    {nfp_uni_in[0], nfp_uni_in[1], nfp_uni_in[2], nfp_uni_in[3], nfp_uni_in[4], nfp_uni_in[5]}};
	r = net_ctrl_mac_table(nd, uni, 1, NULL, 0, &ack);
	if (r != NET_CTRL_DONE || ack != VIRTIO_NET_OK) {
		snprintf(why, cap, "MAC_TABLE_SET: %s, ack %u", net_ctrl_result_name(r), ack);
		return false;
	}
	snprintf(why, cap, "acked");
	return true;
}

static int send_probes(struct venv_fn *fn, size_t s, unsigned run)
{
	static uint8_t buf[PROBE_BUF];
	const uint8_t *dst[PROBE_COUNT] = {nfp_uni_in, nfp_uni_out};
	for (unsigned k = 0; k < PROBE_COUNT; k++) {
		struct nfp_probe p = {.vid = NF_UNTAGGED};
		memcpy(p.dst, dst[k], 6);
		size_t len = nfp_build(buf, &p, k, (uint16_t)s, run, fn->nd->mac);
		if (traffic_send(&fn->port, buf, len, PROBE_TIMEOUT_US, fn->nd->err, sizeof(fn->nd->err)) !=
		    0)
			return -1;
	}
	fn->port.ops->kick(&fn->port);
	return 0;
}

/* One frame at receiver r: which probe of this round it is, if any. */
static void note(uint8_t *buf, size_t len, size_t s, unsigned run, struct mig_filter_seen *seen)
{
	int vid;
	uint16_t sender;
	uint32_t got_run, probe;
	uint8_t dst[6];
	if (!nfp_parse(buf, len, &vid, &sender, &got_run, &probe, dst) || sender != s || got_run != run)
		return;
	if (probe == PROBE_IN)
		seen->in = true;
	else if (probe == PROBE_OUT)
		seen->out = true;
}

int mig_filter_probe(struct venv *e, size_t s, unsigned run, struct mig_filter_seen *seen)
{
	static uint8_t buf[PROBE_BUF];
	for (size_t r = 0; r < e->n; r++)
		if (r != s)
			seen[r] = (struct mig_filter_seen){0};
	if (!e->fn[s].up || send_probes(&e->fn[s], s, run) != 0)
		return -1;
	struct deadline end = deadline_in_us(PROBE_TIMEOUT_US);
	uint64_t quiet_since = rdtsc();
	while (!deadline_passed(end) && tsc_to_ns(rdtsc() - quiet_since) < PROBE_QUIET_US * 1000ull) {
		for (size_t r = 0; r < e->n; r++) {
			struct venv_fn *fn = &e->fn[r];
			size_t len;
			if (r == s || !fn->up)
				continue;
			while (fn->port.ops->rx(&fn->port, buf, sizeof(buf), &len) > 0) {
				note(buf, len, s, run, &seen[r]);
				quiet_since = rdtsc();
			}
		}
		e->fn[s].port.ops->reap(&e->fn[s].port);
	}
	return 0;
}
