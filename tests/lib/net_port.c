/* tests/lib/net_port.c: see net_port.h. */
#include "net_port.h"

#include <stdio.h>
#include <string.h>

static struct net_dev *dev(struct tport *p)
{
	return p->ctx;
}

static int port_tx(struct tport *p, const void *frame, size_t len)
{
	int rc = net_pair_tx(dev(p), (uint16_t)p->queue, frame, len);
	return rc == -2 ? TPORT_FULL : rc;
}

static void port_kick(struct tport *p)
{
	net_pair_tx_kick(dev(p), (uint16_t)p->queue);
}

static int port_reap(struct tport *p)
{
	return net_pair_tx_reap(dev(p), (uint16_t)p->queue);
}

static int port_rx(struct tport *p, void *buf, size_t cap, size_t *len)
{
	return net_pair_rx(dev(p), (uint16_t)p->queue, buf, cap, len);
}

static unsigned port_tx_room(struct tport *p)
{
	return dev(p)->pair[p->queue].tx_nfree;
}

static void port_dump(struct tport *p, char *buf, size_t n)
{
	vq_dump(&dev(p)->pair[p->queue].txq, buf, n);
}

/* A full packed TX ring whose device asks to be notified at an entry the
 * driver has already passed: no kick can reach it. */
static const char *port_stall_deviation(struct tport *p)
{
	const struct virtq *tq = &dev(p)->pair[p->queue].txq;
	return tq->format == VQ_FORMAT_PACKED && vq_event_behind(tq) ? "packed-tx-stale-event" : NULL;
}

static const struct tport_ops net_port_ops = {
    .tx = port_tx,
    .kick = port_kick,
    .reap = port_reap,
    .rx = port_rx,
    .tx_room = port_tx_room,
    .dump = port_dump,
    .stall_deviation = port_stall_deviation,
};

void net_port_init_pair(struct tport *p, struct net_dev *nd, unsigned q, const char *name)
{
	p->ops = &net_port_ops;
	p->ctx = nd;
	p->queue = q;
	p->error = nd->err;
	memcpy(p->mac, nd->mac, 6);
	snprintf(p->name, sizeof(p->name), "%s", name);
}

void net_port_init(struct tport *p, struct net_dev *nd, const char *name)
{
	net_port_init_pair(p, nd, 0, name);
}
