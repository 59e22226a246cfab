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
	int rc = net_tx(dev(p), frame, len);
	return rc == -2 ? TPORT_FULL : rc;
}

static void port_kick(struct tport *p)
{
	net_tx_kick(dev(p));
}

static int port_reap(struct tport *p)
{
	return net_tx_reap(dev(p));
}

static int port_rx(struct tport *p, void *buf, size_t cap, size_t *len)
{
	return net_rx(dev(p), buf, cap, len);
}

static unsigned port_tx_room(struct tport *p)
{
	return dev(p)->tx_nfree;
}

static void port_dump(struct tport *p, char *buf, size_t n)
{
	vq_dump(&dev(p)->txq, buf, n);
}

static const struct tport_ops net_port_ops = {
    .tx = port_tx,
    .kick = port_kick,
    .reap = port_reap,
    .rx = port_rx,
    .tx_room = port_tx_room,
    .dump = port_dump,
};

void net_port_init(struct tport *p, struct net_dev *nd, const char *name)
{
	p->ops = &net_port_ops;
	p->ctx = nd;
	p->error = nd->err;
	memcpy(p->mac, nd->mac, 6);
	snprintf(p->name, sizeof(p->name), "%s", name);
}
