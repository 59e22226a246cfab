/* tests/bench/linux/vfnet.c: the Linux baseline's traffic program.
 *
 * Runs as part of the Linux guest's /init (scripts/linux/init) on the same
 * QEMU topology as vfprobe's `bench` suite, and prints the same BENCH lines
 * (tests/bench/bench_report.h) with the same frames, so scripts/bench can
 * put the two side by side:
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
 * CLOCK_MONOTONIC. Ends the VM through isa-debug-exit (port 0xf4) like
 * vfprobe does, so the host judges both runs the same way. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../bench_report.h"
#include "lib/stats.h"

#define MAX_IFS               64
#define MAX_BATCH             256
#define WAIT_MS               200
#define LINUX_ENABLE_WAIT_NS  100000000ull  /* msleep(100) in sriov_enable() */
#define LINUX_DISABLE_WAIT_NS 1000000000ull /* ssleep(1) in sriov_disable() */

struct iface {
	char name[IFNAMSIZ];
	char pci[32]; /* the PCI function under it, "0000:01:00.1" */
	int index;
	uint8_t mac[6];
	int sock;
	bool is_vf;
};

static struct iface ifs[MAX_IFS];
static int nifs;
static bool short_mode;
static unsigned tap_n, tap_failed;
static uint32_t run_id = 0x4c000000; /* distinct from vfprobe's runs */
static uint64_t *smp;
static size_t smp_cap;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t *samples(size_t n)
{
	if (n > smp_cap) {
		free(smp);
		smp = malloc(n * sizeof(*smp));
		smp_cap = smp ? n : 0;
		if (!smp) {
			perror("malloc");
			exit(1);
		}
	}
	return smp;
}

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;
	printf("%s %u - linux: ", ok ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	tap_failed += !ok;
	fflush(stdout);
}

static void report(const char *name, uint64_t *ns, size_t n, uint32_t rate_bytes, const char *params)
{
	if (n == 0) {
		tap(false, "measured %s %s (no samples)", name, params);
		return;
	}
	long drift = stats_half_drift_pm(ns, n);
	struct stats_summary s;
	stats_summarize(ns, n, &s);
	printf("BENCH name=%s impl=linux unit=ns n=%zu median=%llu p90=%llu p99=%llu max=%llu min=%llu "
	       "mean=%llu",
	       name, s.n, (unsigned long long)s.median, (unsigned long long)s.p90, (unsigned long long)s.p99,
	       (unsigned long long)s.max, (unsigned long long)s.min, (unsigned long long)s.mean);
	if (rate_bytes) {
		uint64_t pps = s.median ? 1000000000ull / s.median : 0;
		uint64_t kbps = pps * rate_bytes * 8 / 1000;
		printf(" pps=%llu mbps=%llu.%03llu", (unsigned long long)pps,
		       (unsigned long long)(kbps / 1000), (unsigned long long)(kbps % 1000));
	}
	if (drift >= 0)
		printf(" half_drift_pm=%ld", drift);
	printf(" %s\n", params);
	tap(true, "measured %s %s", name, params);
}

/* --- sysfs ----------------------------------------------------------------- */

static bool read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t r = read(fd, buf, len - 1);
	close(fd);
	if (r < 0)
		return false;
	buf[r] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return true;
}

static bool write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return false;
	ssize_t r = write(fd, s, strlen(s));
	close(fd);
	return r == (ssize_t)strlen(s);
}

/* The virtio-net PF: a PCI function 1af4:1041 with sriov_totalvfs. */
static bool find_pf(char *dir, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	bool found = false;
	while (d && !found && (e = readdir(d))) {
		char p[PATH_MAX], v[32], dev[32];
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/vendor", e->d_name);
		if (!read_file(p, v, sizeof(v)) || strcmp(v, "0x1af4"))
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/device", e->d_name);
		if (!read_file(p, dev, sizeof(dev)) || strcmp(dev, "0x1041"))
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
	return write_file(p, v);
}

/* Wait (polling every 50 us, 5 s at most) for exactly `want` VF netdevs. */
static bool wait_vf_netdevs(int want)
{
	uint64_t end = now_ns() + 5000000000ull;
	while (count_vf_netdevs() != want) {
		if (now_ns() > end)
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
		uint64_t *en = samples(4 * reps), *enw = en + reps, *dis = en + 2 * reps,
		         *disw = en + 3 * reps;
		size_t k = 0;
		const char *why = NULL;
		for (unsigned r = 0; r < reps && !why; r++) {
			uint64_t t0 = now_ns();
			if (!set_numvfs(pf, n)) {
				why = "writing sriov_numvfs failed";
				break;
			}
			if (!wait_vf_netdevs(n)) {
				why = "the VF netdevs did not appear within 5 s";
				break;
			}
			uint64_t t1 = now_ns();
			if (!set_numvfs(pf, 0) || !wait_vf_netdevs(0)) {
				why = "the VFs did not go away";
				break;
			}
			uint64_t t2 = now_ns();
			en[k] = t1 - t0;
			enw[k] = en[k] > LINUX_ENABLE_WAIT_NS ? en[k] - LINUX_ENABLE_WAIT_NS : 0;
			dis[k] = t2 - t1;
			disw[k] = dis[k] > LINUX_DISABLE_WAIT_NS ? dis[k] - LINUX_DISABLE_WAIT_NS : 0;
			k++;
		}
		snprintf(params, sizeof(params), "vfs=%d total_vfs=%d", n, total);
		if (why) {
			tap(false, "measured vf_enable_up %s (%s)", params, why);
		} else {
			report("vf_enable_up", en, k, 0, params);
			report("vf_enable_up_work", enw, k, 0, params);
			report("vf_disable", dis, k, 0, params);
			report("vf_disable_work", disw, k, 0, params);
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

static bool iface_open(struct iface *f)
{
	f->sock = socket(AF_PACKET, SOCK_RAW, htons(BENCH_ETHERTYPE));
	if (f->sock < 0)
		return false;
	struct sockaddr_ll a;
	memset(&a, 0, sizeof(a));
	a.sll_family = AF_PACKET;
	a.sll_protocol = htons(BENCH_ETHERTYPE);
	a.sll_ifindex = f->index;
	int big = 8 << 20, one = 1;
	setsockopt(f->sock, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	setsockopt(f->sock, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
#ifdef PACKET_IGNORE_OUTGOING
	setsockopt(f->sock, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
#endif
	(void)one;
	return bind(f->sock, (struct sockaddr *)&a, sizeof(a)) == 0;
}

static bool wait_carrier(const struct iface *f)
{
	char p[PATH_MAX], v[16];
	snprintf(p, sizeof(p), "/sys/class/net/%s/carrier", f->name);
	uint64_t end = now_ns() + 5000000000ull;
	while (now_ns() < end) {
		if (read_file(p, v, sizeof(v)) && v[0] == '1')
			return true;
		usleep(1000);
	}
	return false;
}

static uint8_t frames[MAX_BATCH][ETH_FRAME_LEN + 64];
static uint8_t rxbuf[ETH_FRAME_LEN + 64];

static void frame_build(uint8_t *fr, const struct iface *from, const struct iface *to, uint32_t size,
                        uint32_t sender, uint32_t seq)
{
	memset(fr, 0, size);
	memcpy(fr, to->mac, 6);
	memcpy(fr + 6, from->mac, 6);
	fr[12] = BENCH_ETHERTYPE >> 8;
	fr[13] = BENCH_ETHERTYPE & 0xff;
	struct bench_tag t = {BENCH_MAGIC, run_id, seq, sender};
	memcpy(fr + BENCH_TAG_OFF, &t, sizeof(t));
}

/* 1 with the tag of this run's next frame on f, 0 on timeout, -1 error. */
static int rx_tagged(const struct iface *f, struct bench_tag *t, int timeout_ms)
{
	uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000ull;
	for (;;) {
		ssize_t r = recv(f->sock, rxbuf, sizeof(rxbuf), MSG_DONTWAIT);
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (r >= (ssize_t)(BENCH_TAG_OFF + sizeof(*t))) {
			memcpy(t, rxbuf + BENCH_TAG_OFF, sizeof(*t));
			if (t->magic == BENCH_MAGIC && t->run == run_id)
				return 1;
			continue;
		}
		if (r >= 0)
			continue;
		int left = (int)(((int64_t)end - (int64_t)now_ns()) / 1000000);
		if (left <= 0)
			return 0;
		struct pollfd p = {f->sock, POLLIN, 0};
		poll(&p, 1, left);
	}
}

static void drain(const struct iface *f)
{
	while (recv(f->sock, rxbuf, sizeof(rxbuf), MSG_DONTWAIT) > 0)
		;
}

static bool tx_frames(const struct iface *f, unsigned n, uint32_t size)
{
	struct mmsghdr m[MAX_BATCH];
	struct iovec v[MAX_BATCH];
	memset(m, 0, sizeof(m[0]) * n);
	for (unsigned i = 0; i < n; i++) {
		v[i].iov_base = frames[i];
		v[i].iov_len = size;
		m[i].msg_hdr.msg_iov = &v[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	unsigned done = 0;
	for (int tries = 0; done < n && tries < 1000; tries++) {
		int r = sendmmsg(f->sock, m + done, n - done, 0);
		if (r > 0)
			done += (unsigned)r;
		else if (r < 0 && errno != ENOBUFS && errno != EAGAIN)
			return false;
		else
			usleep(10);
	}
	return done == n;
}

static const uint32_t sizes[] = {60, 512, 1514};
#define N_SIZES (sizeof(sizes) / sizeof(sizes[0]))

static void bench_rtt(const struct iface *a, const struct iface *z, const char *path)
{
	unsigned n = short_mode ? 200 : 2000, warm = short_mode ? 20 : 100;
	char params[96];
	for (size_t si = 0; si < N_SIZES; si++) {
		uint32_t size = sizes[si];
		run_id++;
		drain(a);
		drain(z);
		uint64_t *s = samples(n);
		size_t got = 0, lost = 0;
		const char *why = NULL;
		for (unsigned i = 0; i < n + warm && !why; i++) {
			struct bench_tag t;
			frame_build(frames[0], a, z, size, 0, i);
			uint64_t t0 = now_ns();
			if (!tx_frames(a, 1, size)) {
				why = "send failed";
				break;
			}
			int r = rx_tagged(z, &t, WAIT_MS);
			if (r == 1) {
				frame_build(frames[0], z, a, size, 1, i);
				if (!tx_frames(z, 1, size)) {
					why = "send of the reply failed";
					break;
				}
				r = rx_tagged(a, &t, WAIT_MS);
			}
			uint64_t t1 = now_ns();
			if (r < 0)
				why = "recv failed";
			else if (r == 0)
				lost++;
			else if (i >= warm && got < n)
				s[got++] = t1 - t0;
		}
		snprintf(params, sizeof(params), "path=%s size=%u lost=%zu", path, size, lost);
		if (why || got < n / 2)
			tap(false, "measured rtt %s (%s)", params, why ? why : "more than half lost");
		else
			report("rtt", s, got, 0, params);
	}
}

/* Each sender sends `batch` frames to rx; wait for them all. */
static int burst(struct iface **tx, int ntx, const struct iface *rx, uint32_t size, unsigned batch,
                 uint32_t *seq)
{
	for (int k = 0; k < ntx; k++) {
		for (unsigned j = 0; j < batch; j++)
			frame_build(frames[j], tx[k], rx, size, (uint32_t)k, (*seq)++);
		if (!tx_frames(tx[k], batch, size))
			return -1;
	}
	unsigned want = batch * (unsigned)ntx, got = 0;
	while (got < want) {
		struct bench_tag t;
		int r = rx_tagged(rx, &t, WAIT_MS);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got++;
	}
	return (int)got;
}

/* Times n bursts (after 2 warm-up bursts) of `batch` frames from each of
 * the ntx senders to rx; a burst that lost frames is not a sample, and rx is
 * drained after it. Returns the sample count, or -1 when send/recv failed. */
static long time_bursts(struct iface **tx, int ntx, const struct iface *rx, uint32_t size, unsigned batch,
                        unsigned n, uint64_t *s, size_t *lost)
{
	uint32_t seq = 0;
	unsigned frames = batch * (unsigned)ntx;
	size_t got = 0;
	*lost = 0;
	for (unsigned i = 0; i < n + 2; i++) {
		uint64_t t0 = now_ns();
		int r = burst(tx, ntx, rx, size, batch, &seq);
		uint64_t t1 = now_ns();
		if (r < 0)
			return -1;
		*lost += frames - (unsigned)r;
		if ((unsigned)r == frames && i >= 2)
			s[got++] = (t1 - t0) / frames;
		else if ((unsigned)r != frames)
			drain(rx);
	}
	return (long)got;
}

static void bench_rate(struct iface *a, const struct iface *z, const char *path, unsigned ring)
{
	const unsigned batches[] = {1, 8, 32, ring};
	char params[128];
	for (size_t si = 0; si < N_SIZES; si++)
		for (size_t bi = 0; bi < sizeof(batches) / sizeof(batches[0]); bi++) {
			uint32_t size = sizes[si];
			unsigned batch = batches[bi];
			if ((bi && batch <= batches[bi - 1]) || batch > MAX_BATCH)
				continue;
			unsigned n = short_mode ? 20 : batch >= 64 ? 200 : 1000;
			run_id++;
			drain(z);
			uint64_t *s = samples(n);
			size_t lost;
			long got = time_bursts(&a, 1, z, size, batch, n, s, &lost);
			snprintf(params, sizeof(params), "path=%s size=%u batch=%u ring=%u lost=%zu", path,
			         size, batch, ring, lost);
			if (got < (long)(n / 2))
				tap(false, "measured rate %s (%s)", params,
				    got < 0 ? "send or recv failed"
				            : "more than half the bursts lost frames");
			else
				report("rate", s, (size_t)got, size, params);
		}
}

static void bench_aggregate(struct iface *pf, struct iface **vfs, int nvf)
{
	const unsigned batch = 32;
	const uint32_t size = 60;
	char params[128];
	for (int k = 1;; k = k * 2 > nvf ? nvf : k * 2) {
		unsigned n = short_mode ? 10 : 500;
		run_id++;
		drain(pf);
		uint64_t *s = samples(n);
		size_t lost;
		long got = time_bursts(vfs, k, pf, size, batch, n, s, &lost);
		snprintf(params, sizeof(params), "senders=%d size=%u batch=%u lost=%zu", k, size, batch,
		         lost);
		if (got < (long)(n / 2))
			tap(false, "measured agg_rate %s (%s)", params,
			    got < 0 ? "send or recv failed" : "more than half the rounds lost frames");
		else
			report("agg_rate", s, (size_t)got, size, params);
		if (k == nvf)
			break;
	}
}

/* --- main ------------------------------------------------------------------ */

static unsigned ring_size(const struct iface *f)
{
	/* The TX ring the driver set up: its size from sysfs is not exported,
	 * so use the virtqueue maximum QEMU offers (tx_queue_size, 256). */
	(void)f;
	return 256;
}

static void guest_exit(unsigned v)
{
	fflush(stdout);
	if (ioperm(0xf4, 4, 1) == 0)
		outl(v, 0xf4);
	sleep(2);
}

int main(int argc, char **argv)
{
	char cmdline[1024] = "";
	read_file("/proc/cmdline", cmdline, sizeof(cmdline));
	short_mode = strstr(cmdline, "vfprobe.mode=short") != NULL;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--short"))
			short_mode = true;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	printf("# linux baseline: %s mode\n", short_mode ? "short" : "full");
	printf("BENCH phase=userspace value=%llu unit=ns\n", (unsigned long long)now_ns());

	char pf[PATH_MAX], tv[16];
	if (!find_pf(pf, sizeof(pf))) {
		tap(false, "a virtio-net PF with SR-IOV in sysfs");
		goto out;
	}
	snprintf(tv, sizeof(tv), "0");
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/sriov_totalvfs", pf);
	read_file(p, tv, sizeof(tv));
	int total = atoi(tv);
	printf("# linux: PF %s, TotalVFs %d\n", pf, total);
	if (total < 1) {
		tap(false, "TotalVFs >= 1");
		goto out;
	}
	bench_vf_enable(pf, total);

	uint64_t t0 = now_ns();
	if (!set_numvfs(pf, total) || !wait_vf_netdevs(total)) {
		tap(false, "enable %d VFs for the datapath", total);
		goto out;
	}
	printf("# linux: %d VF netdevs in %llu us\n", total, (unsigned long long)(now_ns() - t0) / 1000);
	struct iface *pfif = NULL, *vfs[MAX_IFS];
	int nvf = 0;
	for (int i = 0; i < nifs; i++) {
		if (!iface_up(&ifs[i]) || !iface_open(&ifs[i])) {
			tap(false, "bring up %s and open an AF_PACKET socket on it", ifs[i].name);
			goto out;
		}
		if (ifs[i].is_vf)
			vfs[nvf++] = &ifs[i];
		else if (!pfif)
			pfif = &ifs[i];
	}
	for (int i = 0; i < nifs; i++)
		if (!wait_carrier(&ifs[i]))
			printf("# linux: %s has no carrier after 5 s\n", ifs[i].name);
	if (!pfif || nvf < 1) {
		tap(false, "the PF and at least one VF have netdevs");
		goto out;
	}
	for (int i = 0; i < nifs; i++)
		printf("# linux: %s %s%s %02x:%02x:%02x:%02x:%02x:%02x\n", ifs[i].name, ifs[i].pci,
		       ifs[i].is_vf ? " (VF)" : " (PF)", ifs[i].mac[0], ifs[i].mac[1], ifs[i].mac[2],
		       ifs[i].mac[3], ifs[i].mac[4], ifs[i].mac[5]);
	if (nvf >= 2) {
		bench_rtt(vfs[0], vfs[1], "vf-vf");
		bench_rate(vfs[0], vfs[1], "vf-vf", ring_size(vfs[0]));
	} else {
		printf("ok %u - linux: VF-to-VF datapath # SKIP one VF only\n", ++tap_n);
	}
	bench_rtt(pfif, vfs[0], "pf-vf");
	bench_rate(pfif, vfs[0], "pf-vf", ring_size(pfif));
	bench_aggregate(pfif, vfs, nvf);
out:
	printf("BENCH phase=verdict value=%llu unit=ns\n", (unsigned long long)now_ns());
	printf("1..%u\n", tap_n);
	printf("# %u passed, %u failed\n", tap_n - tap_failed, tap_failed);
	guest_exit(tap_failed ? 1 : 0);
	return tap_failed ? 1 : 0;
}
