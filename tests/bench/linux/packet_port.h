/* tests/bench/linux/packet_port.h: a traffic port (tests/lib/port.h) on a
 * Linux netdev through an AF_PACKET socket bound to the test ethertype.
 * Posted frames wait in the port until kick sends them with one
 * sendmmsg(), so a burst costs the kernel one system call, as a Linux
 * user would send it; rx polls with recv(MSG_DONTWAIT) and wait_rx
 * sleeps in poll(). */
#ifndef VFPROBE_BENCH_LINUX_PACKET_PORT_H
#define VFPROBE_BENCH_LINUX_PACKET_PORT_H

#include <stdbool.h>

#include "lib/port.h"

#define PACKET_PORT_BATCH 256 /* frames one kick sends at most */

/* Open the socket on interface `ifindex` with MAC `mac`; false on error. */
bool packet_port_open(struct tport *p, const char *ifname, int ifindex, const unsigned char mac[6]);

#endif
