/* tests/conformance/virtio_env.c: see virtio_env.h. */
#include "virtio_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/timer.h"
#include "lib/net_port.h"
#include "pci/pci_regs.h"
#include "pci/pf_model.h"

const struct net_opts venv_default_opts = {.mrg_rxbuf = false, .rx_buf_len = 2048};

static struct venv env;
static bool env_ready;

static void fn_name(struct venv_fn *fn)
{
	pci_rid r = fn->f ? fn->f->rid : 0;
	if (fn->vf_no == 0)
		snprintf(fn->name, sizeof(fn->name), "pf%u %02x:%02x.%x", fn->pf_idx, r >> 8, (r >> 3) & 0x1f,
		         r & 7);
	else
		snprintf(fn->name, sizeof(fn->name), "pf%u.vf%u %02x:%02x.%x", fn->pf_idx, fn->vf_no, r >> 8,
		         (r >> 3) & 0x1f, r & 7);
}

struct venv *venv_get(const struct run_config *cfg)
{
	virtio_deviations_register();
	if (env_ready)
		return &env;
	if (pci_init() != 0) {
		tap_bail_out("virtio: PCI enumeration failed");
		return NULL;
	}
	size_t n = 0;
	unsigned pf_idx = 0;
	const struct pf_model *virtio_net = pf_model_by_name("virtio-net");
	if (cfg && cfg->peers)
		env.peers = *cfg->peers;
	else
		peers_parse(&env.peers, NULL, NULL, 0);
	env.host_port = cfg && cfg->host_port;
	if (env.host_port)
		env.host = *cfg->host_port;
	env.ring = cfg ? cfg->ring : RUN_RING_SPLIT;
	env.access_platform = cfg && cfg->iommu == RUN_IOMMU_VTD;
	env.all_on_hub = !cfg || !cfg->backend || strcmp(cfg->backend, "hub") == 0;
	env.datapath_at_driver_ok = env.all_on_hub;
	env.backend = cfg ? cfg->backend : NULL;
	for (struct pci_func *pf; (pf = pf_model_pf(virtio_net, pf_idx)) != NULL;) {
		uint16_t total = pci_cfg_read16(pf->rid, pf->sriov_cap + PCI_SRIOV_TOTAL_VF);
		uint16_t want = total;
		if (cfg && cfg->vfs && cfg->vfs < total)
			want = (uint16_t)cfg->vfs;
		if (pci_sriov_num_vfs(pf) != want && pci_sriov_enable(pf, want) != 0) {
			tap_diag("virtio: pf%u: enabling %u VFs failed", pf_idx, want);
			want = 0;
		}
		if (n < VENV_MAX)
			env.fn[n++] = (struct venv_fn){.f = pf, .pf = pf, .pf_idx = pf_idx, .vf_no = 0};
		for (uint16_t v = 0; v < want && n < VENV_MAX; v++)
			env.fn[n++] = (struct venv_fn){
			    .f = pci_sriov_vf(pf, v), .pf = pf, .pf_idx = pf_idx, .vf_no = (unsigned)v + 1};
		pf_idx++;
	}
	env.n = n;
	for (size_t i = 0; i < n; i++)
		fn_name(&env.fn[i]);
	if (n == 0) {
		tap_skip("no virtio-net SR-IOV PF in this topology", "functions under test");
		return NULL;
	}
	env_ready = true;
	return &env;
}

void venv_refresh(struct venv *e)
{
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		fn->f = fn->vf_no ? pci_sriov_vf(fn->pf, (uint16_t)(fn->vf_no - 1)) : fn->pf;
		fn_name(fn);
	}
}

/* Before a reset: what the device holds on every pair may or may not
 * have crossed the wire (venv_ledger). */
static void count_unsure(struct venv_fn *fn)
{
	for (uint16_t q = 0; q < fn->nd->npairs; q++) {
		fn->tx_unsure += vq_in_flight(&fn->nd->pair[q].txq);
		fn->rx_unsure += vq_in_flight(&fn->nd->pair[q].rxq);
	}
}

int venv_open(struct venv *e, size_t i, const struct net_opts *o)
{
	struct venv_fn *fn = &e->fn[i];
	fn->up = false;
	if (!fn->f)
		return -1;
	struct net_opts opts = o ? *o : venv_default_opts;
	opts.packed_ring = e->ring == RUN_RING_PACKED;
	opts.access_platform = e->access_platform;
	o = &opts;
	int rc;
	if (!fn->nd) {
		fn->nd = calloc(1, sizeof(*fn->nd));
		if (!fn->nd)
			return -1;
		rc = net_open(fn->nd, fn->f, o);
	} else {
		count_unsure(fn);
		rc = net_reopen(fn->nd, fn->f, o);
	}
	fn->up = rc == 0;
	fn->failed = rc != 0;
	fn->tx_event_behind = false;
	if (rc == 0)
		net_port_init(&fn->port, fn->nd, fn->name);
	return rc;
}

void venv_expected_mac(const struct venv_fn *fn, uint8_t mac[6])
{
	const uint8_t m[6] = {0x52, 0x54, 0x00, 0x5f, (uint8_t)fn->pf_idx, (uint8_t)fn->vf_no};
	memcpy(mac, m, 6);
}

bool venv_qemu_datapath(const struct venv *e, size_t i)
{
	return e->all_on_hub || e->fn[i].vf_no == 0;
}

bool venv_hears(const struct venv *e, size_t r, size_t s)
{
	return peers_hear(&e->peers, r, s);
}

bool venv_heard(const struct venv *e, size_t s)
{
	for (size_t r = 0; r < e->n; r++)
		if (venv_hears(e, r, s))
			return true;
	return venv_host_hears(e, s);
}

bool venv_host_hears(const struct venv *e, size_t i)
{
	return e->host_port && i < PEERS_MAX_FN && e->host.group[i] != 0;
}

bool venv_hears_any(const struct venv *e, size_t r)
{
	for (size_t s = 0; s < e->n; s++)
		if (e->fn[s].up && venv_hears(e, r, s))
			return true;
	return false;
}

void venv_ledger(struct venv *e)
{
	static uint8_t buf[NET_TX_SLOT];
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		if (!fn->nd)
			continue;
		size_t len;
		if (fn->up) {
			udelay(20000); /* what the switch still had in flight */
			for (uint16_t q = 0; q < fn->nd->npairs; q++) {
				net_pair_tx_reap(fn->nd, q);
				while (net_pair_rx(fn->nd, q, buf, sizeof(buf), &len) > 0)
					;
			}
		}
		tap_diag("ledger: fn %zu tx %llu txu %llu rx %llu rxu %llu", i,
		         (unsigned long long)(fn->tx_retired + fn->nd->st.tx_frames),
		         (unsigned long long)fn->tx_unsure,
		         (unsigned long long)(fn->rx_retired + fn->nd->st.rx_frames),
		         (unsigned long long)fn->rx_unsure);
	}
}

void venv_retire(struct venv *e, size_t i)
{
	struct venv_fn *fn = &e->fn[i];
	if (!fn->nd)
		return;
	fn->tx_retired += fn->nd->st.tx_frames;
	fn->rx_retired += fn->nd->st.rx_frames;
	count_unsure(fn);
	net_close(fn->nd);
	fn->nd = NULL;
	fn->up = false;
}
