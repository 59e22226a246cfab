/* tests/bench/dpdk/dpdk_eal.c: see dpdk_eal.h. */
#define _GNU_SOURCE
#include "dpdk_eal.h"

#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "dpdk_port.h"
#include "lib/clock.h"

#define POOL_MBUFS  4095 /* rings of both ports, bursts in flight, RX backlog */
#define POOL_CACHE  256
#define MAX_EAL_ARG (8 + 2 * VF_SYSFS_MAX_VFS)

/* EAL's log stream: every line a TAP diagnostic. */
static ssize_t log_write(void *cookie, const char *buf, size_t len)
{
	(void)cookie;
	static int at_line_start = 1;
	for (size_t i = 0; i < len; i++) {
		if (at_line_start)
			fputs("# dpdk: ", stdout);
		putchar(buf[i]);
		at_line_start = buf[i] == '\n';
	}
	return (ssize_t)len;
}

const char *dpdk_eal_start(const struct vf_set *s, int n, struct rte_mempool **pool, struct dpdk_eal_times *t)
{
	static char why[160];
	char *argv[MAX_EAL_ARG];
	int argc = 0;
	argv[argc++] = "vfdpdk";
	argv[argc++] = "-l";
	argv[argc++] = "0";
	argv[argc++] = "--no-telemetry";
	argv[argc++] = "--in-memory";
	argv[argc++] = "--iova-mode=pa";
	argv[argc++] = "--log-level=*:notice";
	for (int i = 0; i < n && i < VF_SYSFS_MAX_VFS; i++) {
		argv[argc++] = "-a";
		argv[argc++] = (char *)s->vf[i];
	}
	argv[argc] = NULL;

	cookie_io_functions_t io = {.write = log_write};
	FILE *log = fopencookie(NULL, "w", io);
	if (log) {
		setvbuf(log, NULL, _IOLBF, 0);
		rte_openlog_stream(log);
	}
	uint64_t t0 = clock_now();
	int eal = rte_eal_init(argc, argv);
	uint64_t t1 = clock_now();
	t->eal_init = t1 - t0;
	t->ports = 0;
	if (eal < 0) {
		snprintf(why, sizeof(why), "rte_eal_init failed: %s", rte_strerror(rte_errno));
		return why;
	}
	if (rte_eth_dev_count_avail() != (unsigned)n) {
		snprintf(why, sizeof(why), "EAL probed %u ethdev ports, want %d (net_virtio on the VFs)",
		         rte_eth_dev_count_avail(), n);
		return why;
	}
	*pool = rte_pktmbuf_pool_create("vfdpdk", POOL_MBUFS, POOL_CACHE, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
	                                rte_socket_id());
	if (!*pool) {
		snprintf(why, sizeof(why), "rte_pktmbuf_pool_create failed: %s (hugepages?)",
		         rte_strerror(rte_errno));
		return why;
	}
	uint16_t id;
	RTE_ETH_FOREACH_DEV(id)
	{
		const char *e = dpdk_port_start(id, *pool);
		if (e)
			return e;
	}
	t->ports = clock_now() - t1;
	return NULL;
}

void dpdk_eal_stop(void)
{
	uint16_t id;
	RTE_ETH_FOREACH_DEV(id)
	{
		rte_eth_dev_stop(id);
		rte_eth_dev_close(id);
	}
	rte_eal_cleanup();
}
