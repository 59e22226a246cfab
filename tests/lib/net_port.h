/* tests/lib/net_port.h: a traffic port (port.h) on one of vfprobe's
 * polled virtio-net functions (firmware/virtio/net.h). */
#ifndef VFPROBE_TESTS_LIB_NET_PORT_H
#define VFPROBE_TESTS_LIB_NET_PORT_H

#include "port.h"
#include "virtio/net.h"

/* Bind p to nd (opened with net_open); the MAC is nd's. */
void net_port_init(struct tport *p, struct net_dev *nd, const char *name);
/* The same on queue pair q (below nd->npairs). */
void net_port_init_pair(struct tport *p, struct net_dev *nd, unsigned q, const char *name);

#endif
