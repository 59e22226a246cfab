/* tests/bench/dpdk/dpdk_port.h: a traffic port (tests/lib/port.h) on a
 * DPDK ethdev port (queue pair 0), polled like vfprobe's own rings:
 * tx copies the frame into an mbuf of the port's pool, kick hands every
 * posted mbuf to rte_eth_tx_burst() (one call per burst, retried while the
 * PMD's ring is full), rx takes frames from rte_eth_rx_burst() one by one.
 * The PMD frees sent mbufs itself, so reap only reports a broken port. */
#ifndef VFPROBE_BENCH_DPDK_PORT_H
#define VFPROBE_BENCH_DPDK_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/port.h"

#define DPDK_PORT_BATCH 512 /* frames one kick sends at most */

struct rte_mempool;

/* Configure port `port_id` with one queue pair of the device's ring size,
 * start it and wait (up to 5 s) for its link. NULL, or why it failed. */
const char *dpdk_port_start(uint16_t port_id, struct rte_mempool *pool);
/* A started port as a tport; false when out of memory. */
bool dpdk_port_open(struct tport *p, uint16_t port_id, struct rte_mempool *pool);
/* The TX ring size the PMD set up (the largest burst). */
unsigned dpdk_port_tx_ring(uint16_t port_id);

#endif
