/* tests/bench/dpdk/vfdpdk.c: the DPDK guest's traffic program.
 *
 * Runs as the /init program of the DPDK guest (scripts/linux/build-dpdk)
 * on the same QEMU topology as vfprobe's `bench` suite, with the VFs on
 * uio_pci_generic and DPDK's virtio PMD (net_virtio) polling them, and
 * measures with the same code as vfprobe and the Linux baseline
 * (tests/lib/measure.c over DPDK ports: dpdk_port.c), printing the same
 * TAP and BENCH lines (impl=dpdk):
 *
 *   vf_enable_up  write N to sriov_numvfs until DPDK can use the N VFs:
 *                 bound to uio_pci_generic, EAL initialised and probed,
 *                 every port configured and started with its link up
 *                 (EAL runs once per process: each sample is a child)
 *   rtt           ping-pong of one frame between VF1 and VF2
 *   rate          VF1 -> VF2 bursts of 1, 8, 32 and ring-size frames
 *
 * Timing with CLOCK_MONOTONIC, like the Linux baseline. Ends the VM
 * through isa-debug-exit with vfprobe's verdicts (firmware/boot/exit.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_config.h>

#include "dpdk_eal.h"
#include "dpdk_port.h"
#include "lib/bench_report.h"
#include "lib/clock.h"
#include "lib/measure.h"
#include "lib/tap.h"
#include "bench/linux/guest_main.h"
#include "pci/pf_model.h"
#include "vf_sysfs.h"
#include "watchdog.h"

#define VF_DRIVER    "uio_pci_generic"
#define HUGEPAGE_DIR "/dev/hugepages"
#define HUGEPAGES_2M "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
#define BRING_UP_S   120 /* EAL and the ports under TCG: about 1.5 s here */

static bool short_mode;
static struct measure meas;

/* What a child tells its parent: when DPDK could use the VFs, or why not. */
struct up_report {
	uint64_t up;
	struct dpdk_eal_times t;
	char why[160];
};

static void child_bring_up(const struct vf_set *s, int fd)
{
	struct up_report r;
	memset(&r, 0, sizeof(r));
	struct rte_mempool *pool;
	watchdog_arm("EAL and the ports of the enabled VFs", BRING_UP_S);
	const char *e = dpdk_eal_start(s, s->n, &pool, &r.t);
	r.up = clock_now();
	watchdog_disarm();
	if (e)
		snprintf(r.why, sizeof(r.why), "%s", e);
	else
		dpdk_eal_stop();
	if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(2);
	fflush(stdout);
	_exit(e ? 1 : 0);
}

/* One sample: enable n VFs, hand them to DPDK in a child, disable them.
 * NULL with the enable-to-usable time in *ns, or why it failed. */
static const char *enable_sample(struct vf_set *s, int n, uint64_t *ns, uint64_t *bind_ns)
{
	int fds[2];
	if (pipe(fds) != 0)
		return "pipe failed";
	uint64_t t0 = clock_now();
	const char *e = vf_sysfs_enable(s, n);
	if (!e)
		e = vf_sysfs_bind(s, VF_DRIVER);
	uint64_t t_bound = clock_now();
	struct up_report r = {0};
	if (!e) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			child_bring_up(s, fds[1]);
		}
		close(fds[1]);
		fds[1] = -1;
		if (pid < 0)
			e = "fork failed";
		else if (read(fds[0], &r, sizeof(r)) != (ssize_t)sizeof(r))
			e = "the DPDK child died before it reported";
		else if (r.why[0])
			e = r.why;
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	if (!e) {
		*ns = clock_ticks_to_ns(r.up - t0);
		*bind_ns = clock_ticks_to_ns(t_bound - t0);
		tap_diag("dpdk: %d VF(s): bound to " VF_DRIVER " after %llu us; then rte_eal_init %llu us, "
		         "ports started with link up %llu us",
		         n, (unsigned long long)*bind_ns / 1000,
		         (unsigned long long)clock_ticks_to_ns(r.t.eal_init) / 1000,
		         (unsigned long long)clock_ticks_to_ns(r.t.ports) / 1000);
	}
	static char why[200];
	if (e) {
		snprintf(why, sizeof(why), "%s", e);
		e = why;
	}
	if (vf_sysfs_enable(s, 0) && !e)
		e = "disabling the VFs failed";
	return e;
}

static void bench_vf_enable(struct vf_set *s)
{
	unsigned reps = short_mode ? 1 : 3;
	char params[96];
	for (int n = 1;; n = n * 2 > s->total ? s->total : n * 2) {
		uint64_t *up = measure_samples(&meas, 2 * reps), *bind = up + reps;
		size_t k = 0;
		const char *why = up ? NULL : "out of memory";
		for (unsigned r = 0; r < reps && !why; r++) {
			why = enable_sample(s, n, &up[k], &bind[k]);
			k += !why;
		}
		snprintf(params, sizeof(params), "vfs=%d total_vfs=%d", n, s->total);
		if (why) {
			bench_fail("vf_enable_up", params, why);
		} else {
			bench_report("vf_enable_up", up, k, 0, params);
			bench_report("vf_enable_bind", bind, k, 0, params);
		}
		if (n == s->total)
			break;
	}
}

static void datapath(struct vf_set *s)
{
	if (s->total < 2) {
		tap_skip("one VF only", "VF-to-VF datapath");
		return;
	}
	const char *e = vf_sysfs_enable(s, s->total);
	if (!e)
		e = vf_sysfs_bind(s, VF_DRIVER);
	struct rte_mempool *pool = NULL;
	struct dpdk_eal_times t;
	if (!e) {
		watchdog_arm("EAL and the ports of VF1 and VF2", BRING_UP_S);
		e = dpdk_eal_start(s, 2, &pool, &t);
		watchdog_disarm();
	}
	struct tport a, z;
	if (!tap_check_true(!e && dpdk_port_open(&a, 0, pool) && dpdk_port_open(&z, 1, pool), "DPDK",
	                    "VF1 and VF2 started on net_virtio%s%s", e ? ": " : "", e ? e : ""))
		return;
	tap_diag("dpdk: %s and %s, TX ring %u", s->vf[0], s->vf[1], dpdk_port_tx_ring(0));
	measure_guest_work(&meas);
	measure_rtt(&meas, &a, &z, "vf-vf");
	measure_rate(&meas, &a, &z, "vf-vf", dpdk_port_tx_ring(0));
	dpdk_eal_stop();
}

/* 2 MB pages the kernel reserved (hugepages= on its command line). */
static long hugepages_reserved(void)
{
	char buf[32] = "";
	int fd = open(HUGEPAGES_2M, O_RDONLY);
	ssize_t r = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	return r > 0 ? strtol(buf, NULL, 10) : 0;
}

static bool hugepages_mounted(void)
{
	mkdir(HUGEPAGE_DIR, 0755);
	return mount("nodev", HUGEPAGE_DIR, "hugetlbfs", 0, NULL) == 0 || errno == EBUSY;
}

static void run(void)
{
	const struct pf_model *model = pf_model_by_name("virtio-net");
	struct vf_set s;
	if (!tap_check_true(watchdog_init(), "watchdog", "SIGALRM handler and the debug-exit port"))
		return;
	long pages = hugepages_reserved();
	if (!tap_check_true(pages > 0, "hugepages",
	                    "2 MB hugepages reserved (hugepages=N on the kernel command line)"))
		return;
	tap_diag("dpdk: %ld hugepages of 2 MB", pages);
	if (!tap_check_true(hugepages_mounted(), "hugetlbfs", "mount hugetlbfs on " HUGEPAGE_DIR))
		return;
	if (!tap_check_true(vf_sysfs_find_pf(&s, model->vendor, model->device),
	                    "topology: the PF is in sysfs", "a virtio-net PF with SR-IOV in sysfs"))
		return;
	tap_diag("dpdk: PF %s, TotalVFs %d", s.pf, s.total);
	if (!tap_check_true(s.total >= 1, "PCIe 6.0 §9.3.3.6 TotalVFs", "TotalVFs >= 1"))
		return;
	/* EAL probes at most RTE_MAX_ETHPORTS ports (32 in Debian's build). */
	if (!tap_check_true(s.total <= RTE_MAX_ETHPORTS && s.total <= VF_SYSFS_MAX_VFS, "RTE_MAX_ETHPORTS",
	                    "TotalVFs %d <= %d, the ports DPDK can probe", s.total, RTE_MAX_ETHPORTS))
		return;
	bench_vf_enable(&s);
	datapath(&s);
}

int main(int argc, char **argv)
{
	static const struct baseline_guest dpdk_guest = {
	    .impl = "dpdk",
	    .what = "dpdk guest, VFs on " VF_DRIVER,
	    .run_tag = 0x44000000,
	    .full = {.rtt = 2000, .rtt_warmup = 100, .rate = 1000, .rate_large = 1000, .agg = 1000},
	    .run = run,
	};
	return baseline_main(&dpdk_guest, &meas, &short_mode, argc, argv);
}
