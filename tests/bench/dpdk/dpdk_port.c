/* tests/bench/dpdk/dpdk_port.c: see dpdk_port.h. */
#include "dpdk_port.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "lib/clock.h"
#include "lib/frame.h"

#define RX_BURST     32
#define LINK_WAIT_NS 5000000000ull
#define TX_STALL_NS  200000000ull /* a kick gives up when the ring stays full this long */
#define DEFAULT_RING 256          /* when the PMD reports no queue info */

struct dpdk_port {
	uint16_t id;
	struct rte_mempool *pool;
	unsigned posted, rx_next, rx_count;
	struct rte_mbuf *tx[DPDK_PORT_BATCH];
	struct rte_mbuf *rx[RX_BURST];
	char err[96];
};

static struct dpdk_port *dp(struct tport *p)
{
	return p->ctx;
}

const char *dpdk_port_start(uint16_t port_id, struct rte_mempool *pool)
{
	static char why[128];
	struct rte_eth_conf conf;
	memset(&conf, 0, sizeof(conf));
	int r = rte_eth_dev_configure(port_id, 1, 1, &conf);
	/* nb_desc 0: the PMD's default, for net_virtio the device's queue size. */
	if (r == 0)
		r = rte_eth_rx_queue_setup(port_id, 0, 0, rte_eth_dev_socket_id(port_id), NULL, pool);
	if (r == 0)
		r = rte_eth_tx_queue_setup(port_id, 0, 0, rte_eth_dev_socket_id(port_id), NULL);
	if (r == 0)
		r = rte_eth_dev_start(port_id);
	if (r != 0) {
		snprintf(why, sizeof(why), "port %u: configure/queue setup/start failed: %s", port_id,
		         rte_strerror(-r));
		return why;
	}
	uint64_t end = clock_now() + clock_ns_to_ticks(LINK_WAIT_NS);
	for (;;) {
		struct rte_eth_link link;
		if (rte_eth_link_get_nowait(port_id, &link) == 0 && link.link_status == RTE_ETH_LINK_UP)
			return NULL;
		if (clock_now() > end) {
			snprintf(why, sizeof(why), "port %u: no link after 5 s", port_id);
			return why;
		}
		clock_relax();
	}
}

unsigned dpdk_port_tx_ring(uint16_t port_id)
{
	struct rte_eth_txq_info q;
	if (rte_eth_tx_queue_info_get(port_id, 0, &q) == 0 && q.nb_desc)
		return q.nb_desc;
	return DEFAULT_RING;
}

static int port_tx(struct tport *p, const void *frame, size_t len)
{
	struct dpdk_port *s = dp(p);
	if (s->posted == DPDK_PORT_BATCH)
		return TPORT_FULL;
	struct rte_mbuf *m = rte_pktmbuf_alloc(s->pool);
	if (!m)
		return TPORT_FULL; /* the PMD still holds the pool's mbufs: kick and retry */
	char *d = rte_pktmbuf_append(m, (uint16_t)len);
	if (!d) {
		rte_pktmbuf_free(m);
		snprintf(s->err, sizeof(s->err), "a %zu-byte frame does not fit an mbuf", len);
		return -1;
	}
	memcpy(d, frame, len);
	s->tx[s->posted++] = m;
	return 0;
}

static void port_kick(struct tport *p)
{
	struct dpdk_port *s = dp(p);
	unsigned done = 0;
	uint64_t end = clock_now() + clock_ns_to_ticks(TX_STALL_NS);
	while (done < s->posted) {
		done += rte_eth_tx_burst(s->id, 0, s->tx + done, (uint16_t)(s->posted - done));
		if (done < s->posted && clock_now() > end)
			break;
	}
	if (done < s->posted) {
		snprintf(s->err, sizeof(s->err), "port %u: TX ring full: %u of %u frames sent", s->id, done,
		         s->posted);
		rte_pktmbuf_free_bulk(s->tx + done, s->posted - done);
	}
	s->posted = 0;
}

static int port_reap(struct tport *p)
{
	return dp(p)->err[0] ? -1 : 0;
}

static int port_rx(struct tport *p, void *buf, size_t cap, size_t *len)
{
	struct dpdk_port *s = dp(p);
	if (s->rx_next == s->rx_count) {
		s->rx_next = 0;
		s->rx_count = rte_eth_rx_burst(s->id, 0, s->rx, RX_BURST);
		if (!s->rx_count)
			return 0;
	}
	struct rte_mbuf *m = s->rx[s->rx_next++];
	size_t n = rte_pktmbuf_pkt_len(m) < cap ? rte_pktmbuf_pkt_len(m) : cap;
	const void *d = rte_pktmbuf_read(m, 0, (uint32_t)n, buf);
	if (d && d != buf)
		memcpy(buf, d, n);
	*len = n;
	rte_pktmbuf_free(m);
	return 1;
}

static unsigned port_tx_room(struct tport *p)
{
	return DPDK_PORT_BATCH - dp(p)->posted;
}

static void port_dump(struct tport *p, char *buf, size_t n)
{
	struct dpdk_port *s = dp(p);
	struct rte_eth_stats st;
	if (rte_eth_stats_get(s->id, &st) != 0)
		memset(&st, 0, sizeof(st));
	snprintf(buf, n, "port %u: posted %u, ipackets %llu opackets %llu oerrors %llu imissed %llu", s->id,
	         s->posted, (unsigned long long)st.ipackets, (unsigned long long)st.opackets,
	         (unsigned long long)st.oerrors, (unsigned long long)st.imissed);
}

static const struct tport_ops dpdk_port_ops = {
    .tx = port_tx,
    .kick = port_kick,
    .reap = port_reap,
    .rx = port_rx,
    .tx_room = port_tx_room,
    .dump = port_dump,
};

bool dpdk_port_open(struct tport *p, uint16_t port_id, struct rte_mempool *pool)
{
	struct dpdk_port *s = calloc(1, sizeof(*s));
	if (!s)
		return false;
	s->id = port_id;
	s->pool = pool;
	struct rte_ether_addr mac;
	if (rte_eth_macaddr_get(port_id, &mac) != 0)
		memset(&mac, 0, sizeof(mac));
	memset(p, 0, sizeof(*p));
	p->ops = &dpdk_port_ops;
	p->ctx = s;
	p->error = s->err;
	memcpy(p->mac, mac.addr_bytes, 6);
	snprintf(p->name, sizeof(p->name), "dpdk%u", port_id);
	return true;
}
