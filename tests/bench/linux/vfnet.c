/* tests/bench/linux/vfnet.c: the Linux baseline's traffic program.
 *
 * Runs as part of the Linux guest's /init (scripts/linux/init) on the same
 * QEMU topology as vfprobe's `bench` suite, and measures the datapath with
 * the same code (tests/lib/measure.c, over AF_PACKET ports instead of
 * vfprobe's virtio rings: packet_port.c), printing the same TAP and BENCH
 * lines (firmware/lib/tap.c, tests/lib/bench_report.c), so scripts/bench
 * can put the two side by side:
 *
 *   vf_enable_up            write N to sriov_numvfs until N VF netdevs exist
 *   vf_disable              write 0 until no VF netdev is left
 *                           Linux waits 100 ms after VF Enable and 1 s after
 *                           clearing it (drivers/pci/iov.c): the *_work
 *                           figures subtract those waits
 *   rtt                     ping-pong of one frame over AF_PACKET sockets
 *   rate                    bursts of `batch` frames (sendmmsg), ns per frame
 *   agg_rate                1, 2, 4 ... VFs send bursts to the PF at once
 *
 * Built static with the host's gcc by scripts/linux/build; timing with
 * CLOCK_MONOTONIC (clock_monotonic.c). Ends the VM through isa-debug-exit
 * with vfprobe's verdicts (firmware/boot/exit.h), so the host judges both
 * runs the same way. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/bench_report.h"
#include "lib/clock.h"
#include "lib/measure.h"
#include "guest_main.h"
#include "kfile.h"
#include "lib/tap.h"
#include "packet_port.h"
#include "pci/pf_model.h"

#define MAX_IFS               64
#define NETDEV_WAIT_NS        5000000000ull /* VF netdevs appear or go, carrier comes */
#define LINUX_ENABLE_WAIT_NS  100000000ull  /* msleep(100) in sriov_enable() */
#define LINUX_DISABLE_WAIT_NS 1000000000ull /* ssleep(1) in sriov_disable() */

struct iface {
	char name[IFNAMSIZ];
	char pci[32]; /* the PCI function under it, "0000:01:00.1" */
	int index;
	uint8_t mac[6];
	struct tport port;
	bool is_vf;
};

static struct iface ifs[MAX_IFS];
static int nifs;
static bool short_mode;
static struct measure meas;

/* --- sysfs ----------------------------------------------------------------- */

/* The PF of `model`: a PCI function with its IDs and sriov_totalvfs. */
static bool find_pf(const struct pf_model *model, char *dir, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	bool found = false;
	while (d && !found && (e = readdir(d))) {
		char p[PATH_MAX];
		unsigned long vendor, device;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/vendor", e->d_name);
		if (!kfile_read_num(p, 16, &vendor) || vendor != model->vendor)
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/device", e->d_name);
		if (!kfile_read_num(p, 16, &device) || device != model->device)
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/sriov_totalvfs", e->d_name);
		if (access(p, R_OK) == 0) {
			snprintf(dir, len, "/sys/bus/pci/devices/%s", e->d_name);
			found = true;
		}
	}
	if (d)
		closedir(d);
	return found;
}

static int cmp_iface(const void *a, const void *b)
{
	const struct iface *x = a, *y = b;
	return (x->is_vf - y->is_vf) ? (x->is_vf - y->is_vf) : strcmp(x->pci, y->pci);
}

/* Every virtio-net netdev: its PCI function (the parent of virtioN) and
 * whether that is a VF (has physfn). PF first, VFs by PCI address. */
static int scan_ifaces(void)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)) && n < MAX_IFS) {
		char p[PATH_MAX], real[PATH_MAX];
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "lo"))
			continue;
		snprintf(p, sizeof(p), "/sys/class/net/%s/device/..", e->d_name);
		if (!realpath(p, real))
			continue;
		struct iface *f = &ifs[n];
		memset(f, 0, sizeof(*f));
		snprintf(f->name, sizeof(f->name), "%s", e->d_name);
		const char *base = strrchr(real, '/');
		snprintf(f->pci, sizeof(f->pci), "%s", base ? base + 1 : real);
		snprintf(p, sizeof(p), "%s/physfn", real);
		f->is_vf = access(p, F_OK) == 0;
		n++;
	}
	if (d)
		closedir(d);
	qsort(ifs, (size_t)n, sizeof(ifs[0]), cmp_iface);
	nifs = n;
	return n;
}

static int count_vf_netdevs(void)
{
	scan_ifaces();
	int n = 0;
	for (int i = 0; i < nifs; i++)
		n += ifs[i].is_vf;
	return n;
}

static bool set_numvfs(const char *pf, int n)
{
	char p[PATH_MAX], v[16];
	snprintf(p, sizeof(p), "%s/sriov_numvfs", pf);
	snprintf(v, sizeof(v), "%d", n);
	return kfile_write(p, v);
}

/* Wait (polling every 50 us, 5 s at most) for exactly `want` VF netdevs. */
static bool wait_vf_netdevs(int want)
{
	uint64_t end = clock_now() + NETDEV_WAIT_NS;
	while (count_vf_netdevs() != want) {
		if (clock_now() > end)
			return false;
		usleep(50);
	}
	return true;
}

static void bench_vf_enable(const char *pf, int total)
{
	unsigned reps = short_mode ? 1 : 3;
	char params[96];
	for (int n = 1;; n = n * 2 > total ? total : n * 2) {
		uint64_t *en = measure_samples(&meas, 4 * reps), *enw = en + reps, *dis = en + 2 * reps,
		         *disw = en + 3 * reps;
		size_t k = 0;
		const char *why = NULL;
		for (unsigned r = 0; r < reps && !why; r++) {
			uint64_t t0 = clock_now();
			if (!set_numvfs(pf, n)) {
				why = "writing sriov_numvfs failed";
				break;
			}
			if (!wait_vf_netdevs(n)) {
				why = "the VF netdevs did not appear within 5 s";
				break;
			}
			uint64_t t1 = clock_now();
			if (!set_numvfs(pf, 0) || !wait_vf_netdevs(0)) {
				why = "the VFs did not go away";
				break;
			}
			uint64_t t2 = clock_now();
			en[k] = t1 - t0;
			enw[k] = en[k] > LINUX_ENABLE_WAIT_NS ? en[k] - LINUX_ENABLE_WAIT_NS : 0;
			dis[k] = t2 - t1;
			disw[k] = dis[k] > LINUX_DISABLE_WAIT_NS ? dis[k] - LINUX_DISABLE_WAIT_NS : 0;
			k++;
		}
		snprintf(params, sizeof(params), "vfs=%d total_vfs=%d", n, total);
		if (why) {
			bench_fail("vf_enable_up", params, why);
		} else {
			bench_report("vf_enable_up", en, k, 0, params);
			bench_report("vf_enable_up_work", enw, k, 0, params);
			bench_report("vf_disable", dis, k, 0, params);
			bench_report("vf_disable_work", disw, k, 0, params);
		}
		if (n == total)
			break;
	}
}

/* --- sockets --------------------------------------------------------------- */

static bool iface_up(struct iface *f)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq r;
	memset(&r, 0, sizeof(r));
	snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", f->name);
	bool ok = s >= 0 && ioctl(s, SIOCGIFFLAGS, &r) == 0;
	r.ifr_flags |= IFF_UP;
	ok = ok && ioctl(s, SIOCSIFFLAGS, &r) == 0 && ioctl(s, SIOCGIFHWADDR, &r) == 0;
	if (ok)
		memcpy(f->mac, r.ifr_hwaddr.sa_data, 6);
	if (s >= 0)
		close(s);
	f->index = (int)if_nametoindex(f->name);
	return ok && f->index > 0;
}

static bool wait_carrier(const struct iface *f)
{
	char p[PATH_MAX], v[16];
	snprintf(p, sizeof(p), "/sys/class/net/%s/carrier", f->name);
	uint64_t end = clock_now() + NETDEV_WAIT_NS;
	while (clock_now() < end) {
		if (kfile_read(p, v, sizeof(v)) && v[0] == '1')
			return true;
		usleep(1000);
	}
	return false;
}

/* --- main ------------------------------------------------------------------ */

/* The TX ring the driver set up: its size is not exported in sysfs, so the
 * virtqueue maximum QEMU offers (tx_queue_size). */
#define LINUX_TX_RING 256

static void datapath(struct iface *pfif, struct iface **vfs, int nvf)
{
	if (nvf >= 2) {
		measure_rtt(&meas, &vfs[0]->port, &vfs[1]->port, "vf-vf");
		measure_rate(&meas, &vfs[0]->port, &vfs[1]->port, "vf-vf", LINUX_TX_RING);
	} else {
		tap_skip("one VF only", "VF-to-VF datapath");
	}
	measure_rtt(&meas, &pfif->port, &vfs[0]->port, "pf-vf");
	measure_rate(&meas, &pfif->port, &vfs[0]->port, "pf-vf", LINUX_TX_RING);
	struct tport *tx[MAX_IFS];
	for (int i = 0; i < nvf; i++)
		tx[i] = &vfs[i]->port;
	measure_aggregate(&meas, tx, (size_t)nvf, &pfif->port);
}

static void run(void)
{
	const struct pf_model *model = pf_model_by_name("virtio-net");
	char pf[PATH_MAX], tv[16] = "0", p[PATH_MAX];
	if (!tap_check_true(find_pf(model, pf, sizeof(pf)), "topology: the PF is in sysfs",
	                    "a virtio-net PF with SR-IOV in sysfs"))
		return;
	snprintf(p, sizeof(p), "%s/sriov_totalvfs", pf);
	kfile_read(p, tv, sizeof(tv));
	int total = atoi(tv);
	tap_diag("linux: PF %s, TotalVFs %d", pf, total);
	if (!tap_check_true(total >= 1, "PCIe 6.0 §9.3.3.6 TotalVFs", "TotalVFs >= 1"))
		return;
	bench_vf_enable(pf, total);

	uint64_t t0 = clock_now();
	if (!tap_check_true(set_numvfs(pf, total) && wait_vf_netdevs(total), "sysfs sriov_numvfs",
	                    "enable %d VFs for the datapath", total))
		return;
	tap_diag("linux: %d VF netdevs in %llu us", total, (unsigned long long)(clock_now() - t0) / 1000);
	struct iface *pfif = NULL, *vfs[MAX_IFS];
	int nvf = 0;
	for (int i = 0; i < nifs; i++) {
		struct iface *f = &ifs[i];
		if (!tap_check_true(iface_up(f) && packet_port_open(&f->port, f->name, f->index, f->mac),
		                    "AF_PACKET", "bring up %s and open an AF_PACKET socket on it", f->name))
			return;
		if (f->is_vf)
			vfs[nvf++] = f;
		else if (!pfif)
			pfif = f;
	}
	for (int i = 0; i < nifs; i++)
		if (!wait_carrier(&ifs[i]))
			tap_diag("linux: %s has no carrier after 5 s", ifs[i].name);
	if (!tap_check_true(pfif && nvf >= 1, "topology: a PF and its VFs",
	                    "the PF and at least one VF have netdevs"))
		return;
	for (int i = 0; i < nifs; i++)
		tap_diag("linux: %s %s%s %02x:%02x:%02x:%02x:%02x:%02x", ifs[i].name, ifs[i].pci,
		         ifs[i].is_vf ? " (VF)" : " (PF)", ifs[i].mac[0], ifs[i].mac[1], ifs[i].mac[2],
		         ifs[i].mac[3], ifs[i].mac[4], ifs[i].mac[5]);
	datapath(pfif, vfs, nvf);
}

int main(int argc, char **argv)
{
	static const struct baseline_guest linux_guest = {
	    .impl = "linux",
	    .what = "linux baseline",
	    .run_tag = 0x4c000000,
	    .full = {.rtt = 2000, .rtt_warmup = 100, .rate = 1000, .rate_large = 1000, .agg = 1000},
	    .run = run,
	};
	return baseline_main(&linux_guest, &meas, &short_mode, argc, argv);
}
