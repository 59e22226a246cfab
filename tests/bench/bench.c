/* tests/bench/bench.c: suite `bench`, microbenchmarks of QEMU's virtio-net
 * SR-IOV emulation, timed with the calibrated TSC.
 *
 *   vf_enable / vf_disable  pci_sriov_enable(N) until every VF answers a
 *                           config read (no 100 ms wait), and back
 *   vf_bringup              virtio-net reset .. DRIVER_OK, queues ready
 *   vf_enable_up            VF Enable until N VFs are DRIVER_OK (what Linux
 *                           does before its VF netdevs exist)
 *   rtt                     ping-pong of one frame, VF<->VF and PF<->VF
 *   rate                    one-way bursts of `batch` frames, ns per frame
 *   agg_rate                1, 2, 4 ... VFs send bursts to the PF at once
 *
 * With iommu=vtd every function is in its own VT-d domain from its first
 * bring-up figure on (bench_iommu.h): scripts/bench boots the same suite
 * with and without the IOMMU and shows the translation's cost.
 *
 * Every figure is one BENCH line (tests/lib/bench_report.h); scripts/bench
 * collects them and compares with the Linux baseline, which measures the
 * datapath with the same code (tests/lib/measure.c) over AF_PACKET
 * (tests/bench/linux/vfnet.c). mode=short cuts the sample counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/timer.h"
#include "bench_iommu.h"
#include "conformance/deviations.h"
#include "conformance/virtio_env.h"
#include "lib/bench_report.h"
#include "lib/measure.h"
#include "lib/net_port.h"
#include "lib/suite.h"
#include "pci/pci.h"
#include "pci/pci_regs.h"
#include "pci/pf_model.h"
#include "virtio/net.h"

#define MAX_NETS     65 /* PF + the first 64 VFs get a driver (1.1 MB of DMA each): agg_rate up to 64 senders */
#define VF_ANSWER_US 1000000 /* a VF answers (or stops answering), at most */

struct bench_ctx {
	bool short_mode;
	struct net_opts opts; /* the run's ring format */
	struct pci_func *pf;
	struct net_dev *net[MAX_NETS]; /* [0] = PF, [1 + i] = VF i */
	struct tport port[MAX_NETS];
	size_t nnets;
	struct measure m;
	const struct peer_map *peers; /* who hears whom (peers=) */
};

/* --- VF enable and disable ------------------------------------------------ */

/* A VF answers when a config read returns something other than all ones
 * (its Vendor ID reads 0xFFFF by rule, so look at Revision/Class). */
static bool vf_answers(pci_rid rid)
{
	return pci_cfg_read32(rid, PCI_REVISION_ID) != 0xffffffffu;
}

static bool wait_vfs(struct pci_func *pf, uint16_t n, bool present)
{
	struct deadline d = deadline_in_us(VF_ANSWER_US);
	for (uint16_t i = 0; i < n; i++) {
		pci_rid rid = pci_sriov_vf_rid(pf, i);
		while (vf_answers(rid) != present)
			if (deadline_passed(d))
				return false;
	}
	return true;
}

static void bench_vf_enable(struct bench_ctx *b)
{
	struct pci_func *pf = b->pf;
	uint16_t total = pf->total_vfs;
	unsigned reps = b->short_mode ? 3 : 30;
	uint64_t *en = measure_samples(&b->m, 2 * reps), *dis = en + reps;
	char params[64];
	/* The spec's 100 ms before the first VF config request (and Linux's 1 s
	 * after disable) are left out on purpose: this is the emulation's work. */
	pci_sriov_set_waits(0, 0);
	for (uint32_t n = 1;; n = n * 2 > total ? total : n * 2) {
		size_t ne = 0, nd = 0;
		const char *why = NULL;
		for (unsigned r = 0; r < reps; r++) {
			uint64_t t0 = rdtsc();
			if (pci_sriov_enable(pf, (uint16_t)n) != 0) {
				why = "pci_sriov_enable failed";
				break;
			}
			if (!wait_vfs(pf, (uint16_t)n, true)) {
				why = "a VF did not answer within 1 s";
				break;
			}
			en[ne++] = rdtsc() - t0;
			t0 = rdtsc();
			pci_sriov_disable(pf);
			if (!wait_vfs(pf, (uint16_t)n, false)) {
				why = "a VF still answered 1 s after VF Enable was cleared";
				break;
			}
			dis[nd++] = rdtsc() - t0;
		}
		snprintf(params, sizeof(params), "vfs=%u total_vfs=%u", n, total);
		if (why) {
			bench_fail("vf_enable", params, why);
			pci_sriov_disable(pf);
		} else {
			bench_report("vf_enable", en, ne, 0, params);
			bench_report("vf_disable", dis, nd, 0, params);
		}
		if (n == total)
			break;
	}
	pci_sriov_set_waits(PCI_SRIOV_VF_ENABLE_WAIT_US, 0);
}

/* --- virtio-net bring-up ------------------------------------------------- */

static bool open_nets(struct bench_ctx *b)
{
	struct pci_func *pf = b->pf;
	uint16_t total = pf->total_vfs;
	uint64_t t0 = rdtsc();
	if (pci_sriov_enable(pf, total) != 0) {
		bench_fail("vf_enable_all", NULL, "pci_sriov_enable(TotalVFs) failed");
		return false;
	}
	tap_diag("bench: %u VFs enabled in %llu us (with the 100 ms wait)", total,
	         (unsigned long long)tsc_to_ns(rdtsc() - t0) / 1000);
	b->nnets = 1 + (total < MAX_NETS - 1 ? total : MAX_NETS - 1);
	for (size_t i = 0; i < b->nnets; i++) {
		const struct pci_func *f = i == 0 ? pf : pci_sriov_vf(pf, (uint16_t)(i - 1));
		struct net_dev *nd = calloc(1, sizeof(*nd));
		if (!f || !nd || net_open(nd, f, &b->opts) != 0) {
			char params[32];
			snprintf(params, sizeof(params), "dev=%zu", i);
			bench_fail("net_open", params, nd ? nd->err : "out of memory");
			b->nnets = i;
			return i >= 2;
		}
		b->net[i] = nd;
	}
	tap_diag("bench: virtio-net up on the PF and %zu VFs (rings rx %u tx %u)", b->nnets - 1,
	         b->net[0]->pair[0].rxq.size, b->net[0]->pair[0].txq.size);
	return true;
}

/* VF Enable until each of the N VFs is DRIVER_OK with its queues ready: what
 * Linux's sriov_numvfs write does before its netdevs exist. */
static void bench_vf_enable_up(struct bench_ctx *b)
{
	struct pci_func *pf = b->pf;
	uint16_t nvf = (uint16_t)(b->nnets - 1);
	unsigned reps = b->short_mode ? 3 : 20;
	uint64_t *s = measure_samples(&b->m, reps);
	char params[64];
	const char *why = NULL;
	pci_sriov_set_waits(0, 0);
	for (uint32_t n = 1; !why; n = n * 2 > nvf ? nvf : n * 2) {
		size_t got = 0;
		for (unsigned r = 0; r < reps && !why; r++) {
			pci_sriov_disable(pf);
			if (!wait_vfs(pf, pf->total_vfs, false)) {
				why = "a VF still answered 1 s after VF Enable was cleared";
				break;
			}
			uint64_t t0 = rdtsc();
			if (pci_sriov_enable(pf, pf->total_vfs > n ? (uint16_t)n : pf->total_vfs) != 0 ||
			    !wait_vfs(pf, (uint16_t)n, true)) {
				why = "VF enable failed";
				break;
			}
			for (uint32_t i = 0; i < n && !why; i++)
				if (net_reopen(b->net[1 + i], pci_sriov_vf(pf, (uint16_t)i), NULL) != 0)
					why = b->net[1 + i]->err;
			if (!why)
				s[got++] = rdtsc() - t0;
		}
		snprintf(params, sizeof(params), "vfs=%u total_vfs=%u", n, pf->total_vfs);
		if (why)
			bench_fail("vf_enable_up", params, why);
		else
			bench_report("vf_enable_up", s, got, 0, params);
		if (n == nvf)
			break;
	}
	/* Back to every VF enabled and driven, as open_nets() left them. */
	pci_sriov_disable(pf);
	wait_vfs(pf, pf->total_vfs, false);
	if (pci_sriov_enable(pf, pf->total_vfs) == 0 && wait_vfs(pf, pf->total_vfs, true))
		for (size_t i = 1; i < b->nnets; i++)
			net_reopen(b->net[i], pci_sriov_vf(pf, (uint16_t)(i - 1)), NULL);
	pci_sriov_set_waits(PCI_SRIOV_VF_ENABLE_WAIT_US, 0);
}

static void bench_bringup(struct bench_ctx *b)
{
	unsigned reps = b->short_mode ? 3 : 50;
	size_t nvf = b->nnets - 1;
	uint64_t *s = measure_samples(&b->m, reps * nvf);
	size_t n = 0;
	for (unsigned r = 0; r < reps; r++)
		for (size_t i = 1; i < b->nnets; i++) {
			struct net_dev *nd = b->net[i];
			uint64_t t0 = rdtsc();
			if (net_reopen(nd, pci_sriov_vf(b->pf, (uint16_t)(i - 1)), NULL) != 0) {
				bench_fail("vf_bringup", NULL, nd->err);
				return;
			}
			s[n++] = rdtsc() - t0;
		}
	char params[48];
	snprintf(params, sizeof(params), "vfs=%zu ring=%u", nvf, b->net[1]->pair[0].rxq.size);
	bench_report("vf_bringup", s, n, 0, params);
}

/* --- the suite ------------------------------------------------------------ */

/* A function whose port broke or stalled: re-initialised (its queue state
 * goes with the reset), so the next figure starts clean. */
static void reopen_port(struct measure *m, struct tport *p)
{
	struct bench_ctx *b = m->owner;
	size_t i = (size_t)(p - b->port);
	if (i >= b->nnets)
		return;
	struct pci_func *f = i ? pci_sriov_vf(b->pf, (uint16_t)(i - 1)) : b->pf;
	char name[sizeof(p->name)];
	snprintf(name, sizeof(name), "%s", p->name);
	if (net_reopen(b->net[i], f, NULL) == 0)
		net_port_init(p, b->net[i], name);
	else
		tap_diag("bench: %s: re-opening after a broken figure failed: %s", name, b->net[i]->err);
}

/* The bench measures virtio-net functions only. */
static const char *known_on_virtio_net(const char *id)
{
	return deviation_known(id, "virtio-net");
}

static void datapath(struct bench_ctx *b)
{
	b->m.recover = reopen_port;
	b->m.owner = b;
	b->m.known_deviation = known_on_virtio_net;
	struct tport *pf = &b->port[0];
	for (size_t i = 0; i < b->nnets; i++) {
		char name[16];
		snprintf(name, sizeof(name), i ? "vf%zu" : "pf", i);
		net_port_init(&b->port[i], b->net[i], name);
		measure_drain(&b->m, &b->port[i]);
	}
	measure_guest_work(&b->m);
	if (b->nnets < 3)
		tap_skip("one VF only", "VF-to-VF datapath");
	else if (!peers_hear(b->peers, 1, 2) || !peers_hear(b->peers, 2, 1))
		tap_skip("VF1 and VF2 do not hear each other on this backend", "VF-to-VF datapath");
	else {
		measure_rtt(&b->m, &b->port[1], &b->port[2], "vf-vf");
		measure_rate(&b->m, &b->port[1], &b->port[2], "vf-vf", b->net[1]->pair[0].txq.size);
	}
	/* The aggregate: the VFs that hear the PF (all of them on the hub). */
	struct tport *tx[MAX_NETS];
	size_t ntx = 0;
	for (size_t i = 1; i < b->nnets; i++)
		if (peers_hear(b->peers, 0, i))
			tx[ntx++] = &b->port[i];
	if (ntx == 0 || !peers_hear(b->peers, 1, 0)) {
		tap_skip("the PF and its VFs do not hear each other on this backend", "PF-VF datapath");
		return;
	}
	measure_rtt(&b->m, pf, &b->port[1], "pf-vf");
	measure_rate(&b->m, pf, &b->port[1], "pf-vf", b->net[0]->pair[0].txq.size);
	measure_aggregate(&b->m, tx, ntx, pf);
}

static void run(const struct run_config *cfg)
{
	static struct bench_ctx ctx;
	struct bench_ctx *b = &ctx;
	b->short_mode = cfg->short_mode;
	b->opts.packed_ring = cfg->ring == RUN_RING_PACKED;
	/* validate=off: the cost of checking every used element, measured by
	 * leaving it out (never in a conformance suite: run.c refuses the
	 * option for them). */
	const char *validate = options_get(cfg->opts, "validate");
	if (validate && strcmp(validate, "on") != 0 && strcmp(validate, "off") != 0) {
		tap_bail_out("options: validate is on or off, not '%s'", validate);
		return;
	}
	b->opts.unchecked_used = validate && strcmp(validate, "off") == 0;
	/* tx=direct (the default): one descriptor, header and frame together
	 * (virtio v1.3 §2.6.4: no layout is assumed), as DPDK's PMD posts a
	 * frame with room for the header in front of it; tx=indirect: every
	 * frame through a 2-entry indirect table when INDIRECT_DESC is
	 * negotiated, as the conformance suites post it. */
	const char *tx = options_get(cfg->opts, "tx");
	if (tx && strcmp(tx, "direct") != 0 && strcmp(tx, "indirect") != 0) {
		tap_bail_out("options: tx is direct or indirect, not '%s'", tx);
		return;
	}
	b->opts.tx_direct = !tx || strcmp(tx, "direct") == 0;
	tap_diag("bench: used elements %s; TX %s",
	         b->opts.unchecked_used ? "not validated (validate=off)" : "validated",
	         b->opts.tx_direct ? "one descriptor per frame" : "through indirect tables");
	/* iommu=vtd: the functions' DMA goes through the IOMMU (§6.1). */
	b->opts.access_platform = cfg->iommu == RUN_IOMMU_VTD;
	tap_diag("bench: %s virtqueues", cfg->ring == RUN_RING_PACKED ? "packed" : "split");
	static struct peer_map all;
	if (!cfg->peers)
		peers_parse(&all, NULL, NULL, 0);
	b->peers = cfg->peers ? cfg->peers : &all;
	/* Full mode: 1000 samples per figure, 2000 round trips. */
	b->m.n = cfg->short_mode
	             ? measure_counts_short
	             : (struct measure_counts){
	                   .rtt = 2000, .rtt_warmup = 100, .rate = 1000, .rate_large = 1000, .agg = 1000};
	uint64_t t0 = rdtsc();
	int r = pci_init();
	uint64_t t1 = rdtsc();
	/* Since QEMU's reset (TCG's TSC starts at 0): the host's boot phases. */
	printf("BENCH phase=pci_enumerated value=%llu unit=ns\n", (unsigned long long)tsc_to_ns(t1));
	if (!tap_check_eq(r, 0, "bench: PCI enumeration works", "PCI enumeration for the benchmarks"))
		return;
	uint64_t one = t1 - t0;
	bench_report("pci_init", &one, 1, 0, NULL);
	b->pf = pf_model_pf(pf_model_by_name("virtio-net"), 0);
	if (!b->pf) {
		/* `all` on an igb or nvme topology: nothing here to measure. */
		tap_skip("no virtio-net PF with SR-IOV (use --pf-model virtio-net)",
		         "virtio-net SR-IOV figures");
		return;
	}
	if (b->pf->total_vfs == 0) {
		tap_skip("the PF has TotalVFs 0", "SR-IOV figures");
		return;
	}
	tap_diag("bench: PF TotalVFs %u, %s mode", b->pf->total_vfs, b->short_mode ? "short" : "full");
	virtio_deviations_register();

	bench_vf_enable(b);
	if (!open_nets(b))
		return;
	bool translated = cfg->iommu == RUN_IOMMU_VTD;
	if (translated) {
		char err[200];
		if (bench_iommu_start(b->pf, b->net, b->nnets, err, sizeof(err)) != 0) {
			bench_fail("iommu", NULL, err);
			return;
		}
	}
	bench_bringup(b);
	bench_vf_enable_up(b);
	datapath(b);
	if (translated)
		bench_iommu_stop();
	for (size_t i = 0; i < b->nnets; i++)
		net_close(b->net[i]);
	pci_sriov_disable(b->pf);
}

static const char *const bench_options[] = {"validate", "tx", NULL};

VFPROBE_SUITE(bench, "bench", "microbenchmarks: VF enable, virtio-net bring-up, datapath latency and rate",
              run, 0, bench_options);
