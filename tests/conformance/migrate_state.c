/* tests/conformance/migrate_state.c: see migrate_state.h. */
#include "migrate_state.h"

#include <stdio.h>
#include <string.h>

#include "lib/tap.h"
#include "sriov.h"

#define R_SRIOV_CTRL                                                                                         \
	"PCIe 6.0 §9.3.3.3 SR-IOV Control: VF Enable, VF MSE and ARI Capable Hierarchy "                    \
	"keep the values software wrote across a migration"
#define R_NUM_VFS "PCIe 6.0 §9.3.3.7 NumVFs: keeps the value software wrote across a migration"
#define R_PGSIZE  "PCIe 6.0 §9.3.3.13 System Page Size: keeps the value software wrote across a migration"
#define R_VF_BARS "PCIe 6.0 §9.3.3.14 VF BAR0-5: keep the addresses software assigned across a migration"
#define R_SRIOV_RO                                                                                           \
	"PCIe 6.0 §9.3.3.1-12: the SR-IOV capability's other registers (header, capabilities, "             \
	"InitialVFs, TotalVFs, First VF Offset, VF Stride, VF Device ID, Supported Page Sizes) "             \
	"read the same after a migration"
#define R_CHAIN                                                                                              \
	"PCIe 6.0 §7.5.1.1.11 Capabilities Pointer / §7.6.3 extended capabilities: "                       \
	"the capability chains are the same after a migration"
#define R_HEADER                                                                                             \
	"PCIe 6.0 §7.5.1 / §9.3.4: a function's configuration header reads the same after a migration"
#define R_VF_ABSENT                                                                                          \
	"PCIe 6.0 §9.3.3.3.1 VF Enable / §9.3.3.7 NumVFs: only NumVFs VFs answer while VF Enable is "      \
	"set, none while it is clear, after a migration as before"
#define R_STATUS   "virtio v1.3 §4.1.4.3 device_status: the same after a migration"
#define R_FEATURES "virtio v1.3 §4.1.4.3 device_feature / driver_feature: the same after a migration"
#define R_QUEUES                                                                                             \
	"virtio v1.3 §4.1.4.3 queue_size, queue_enable, queue_msix_vector, queue_notify_off, "              \
	"queue_desc, queue_driver, queue_device: the same after a migration"
#define R_INDEXES                                                                                            \
	"virtio v1.3 §2.7.6 / §2.7.8: each split ring's avail and used idx are the same after a "          \
	"migration (nothing kicked in between)"

static void read_header(struct mig_fn *f)
{
	f->answers = sriov_rid_answers(f->rid);
	for (unsigned i = 0; i < MIG_HEADER_DW; i++)
		f->header[i] = pci_cfg_read32(f->rid, (uint16_t)(i * 4));
}

static void read_chain(struct mig_snapshot *s, pci_rid rid)
{
	s->chain_len = 0;
	for (uint16_t at = pci_cfg_read8(rid, PCI_CAPABILITY_LIST) & 0xfc; at && s->chain_len < MIG_CHAIN_MAX;
	     at = pci_cfg_read8(rid, (uint16_t)(at + 1)) & 0xfc) {
		s->chain_ids[s->chain_len] = pci_cfg_read8(rid, at);
		s->chain[s->chain_len++] = at;
	}
	for (uint16_t at = 0x100; at && s->chain_len < MIG_CHAIN_MAX;) {
		uint32_t h = pci_cfg_read32(rid, at);
		if (h == 0 || h == 0xffffffffu)
			break;
		s->chain_ids[s->chain_len] = (uint16_t)(h & 0xffff);
		s->chain[s->chain_len++] = at;
		uint16_t next = (uint16_t)(h >> 20) & 0xffc;
		at = next > at ? next : 0;
	}
}

static uint16_t ring_idx(uint64_t area)
{
	/* idx is the second 16-bit field of both split ring areas (§2.7.6, §2.7.8). */
	return area ? ((volatile uint16_t *)(uintptr_t)area)[1] : 0;
}

static void read_virtio(struct mig_virtio *v, struct virtio_pci_dev *vp)
{
	memset(v, 0, sizeof(*v));
	if (!vp)
		return;
	v->read = true;
	v->status = (uint8_t)vpci_common_read(vp, device_status);
	v->num_queues = (uint16_t)vpci_common_read(vp, num_queues);
	v->config_msix = (uint16_t)vpci_common_read(vp, config_msix_vector);
	for (uint32_t half = 0; half < 2; half++) {
		vpci_common_write(vp, device_feature_select, half);
		v->device_features |= vpci_common_read(vp, device_feature) << (32 * half);
		vpci_common_write(vp, driver_feature_select, half);
		v->driver_features |= vpci_common_read(vp, driver_feature) << (32 * half);
	}
	uint16_t saved = (uint16_t)vpci_common_read(vp, queue_select);
	for (uint16_t q = 0; q < v->num_queues && q < VPCI_MAX_QUEUES; q++) {
		struct mig_queue *m = &v->q[q];
		vpci_common_write(vp, queue_select, q);
		m->size = (uint16_t)vpci_common_read(vp, queue_size);
		m->enable = (uint16_t)vpci_common_read(vp, queue_enable);
		m->msix = (uint16_t)vpci_common_read(vp, queue_msix_vector);
		m->notify_off = (uint16_t)vpci_common_read(vp, queue_notify_off);
		m->desc = vpci_common_read(vp, queue_desc);
		m->driver = vpci_common_read(vp, queue_driver);
		m->device = vpci_common_read(vp, queue_device);
		if (m->enable) {
			m->avail_idx = ring_idx(m->driver);
			m->used_idx = ring_idx(m->device);
		}
	}
	vpci_common_write(vp, queue_select, saved);
}

void mig_snapshot_take(struct mig_snapshot *s, const struct pci_func *pf, struct virtio_pci_dev *const *vp,
                       size_t nvp)
{
	memset(s, 0, sizeof(*s));
	s->sriov_cap = pf->sriov_cap;
	for (unsigned i = 0; i < PCI_SRIOV_SIZEOF / 4; i++)
		s->sriov[i] = pci_cfg_read32(pf->rid, (uint16_t)(pf->sriov_cap + i * 4));
	read_chain(s, pf->rid);
	s->pf.rid = pf->rid;
	read_header(&s->pf);
	read_virtio(&s->pf.v, nvp ? vp[0] : NULL);
	uint16_t total = pci_cfg_read16(pf->rid, (uint16_t)(pf->sriov_cap + PCI_SRIOV_TOTAL_VF));
	s->nvf = total < MIG_MAX_VFS ? total : MIG_MAX_VFS;
	for (size_t i = 0; i < s->nvf; i++) {
		struct mig_fn *f = &s->vf[i];
		f->rid = pci_sriov_vf_rid(pf, (uint16_t)i);
		read_header(f);
		read_virtio(&f->v, i + 1 < nvp ? vp[i + 1] : NULL);
	}
}

size_t mig_vfs_answering(const struct mig_snapshot *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nvf; i++)
		n += s->vf[i].answers;
	return n;
}

/* dwords [from, to) of two arrays: the first that differs, in got. */
static bool same_dwords(const uint32_t *a, const uint32_t *b, unsigned from, unsigned to, unsigned base,
                        char *got, size_t cap)
{
	for (unsigned i = from; i < to; i++)
		if (a[i] != b[i]) {
			snprintf(got, cap, "dword at 0x%x: 0x%08x before, 0x%08x after", base + i * 4, a[i],
			         b[i]);
			return false;
		}
	snprintf(got, cap, "the same");
	return true;
}

static void check_sriov(const struct mig_snapshot *a, const struct mig_snapshot *b, uint16_t cap_off)
{
	char got[MIG_TEXT_MAX];
	uint16_t ca = (uint16_t)a->sriov[PCI_SRIOV_CTRL / 4], cb = (uint16_t)b->sriov[PCI_SRIOV_CTRL / 4];
	snprintf(got, sizeof(got), "0x%04x before, 0x%04x after", ca, cb);
	tap_check(ca == cb, R_SRIOV_CTRL, got, "the same", "SR-IOV Control (VF Enable 0x%x, VF MSE 0x%x)",
	          ca & PCI_SRIOV_CTRL_VFE, (ca & PCI_SRIOV_CTRL_MSE) >> 3);
	uint16_t na = (uint16_t)a->sriov[PCI_SRIOV_NUM_VF / 4], nb = (uint16_t)b->sriov[PCI_SRIOV_NUM_VF / 4];
	snprintf(got, sizeof(got), "%u before, %u after", na, nb);
	tap_check(na == nb, R_NUM_VFS, got, "the same", "NumVFs (%u)", na);
	uint32_t pa = a->sriov[PCI_SRIOV_SYS_PGSIZE / 4], pb = b->sriov[PCI_SRIOV_SYS_PGSIZE / 4];
	snprintf(got, sizeof(got), "0x%x before, 0x%x after", pa, pb);
	tap_check(pa == pb, R_PGSIZE, got, "the same", "System Page Size (0x%x)", pa);
	bool ok = same_dwords(a->sriov, b->sriov, PCI_SRIOV_BAR / 4, PCI_SRIOV_BAR / 4 + PCI_NUM_BARS,
	                      cap_off, got, sizeof(got));
	tap_check(ok, R_VF_BARS, got, "the same", "VF BAR0-5");
	/* Control/Status, NumVFs and the writable registers are checked above. */
	static const unsigned ro[] = {0x00, 0x04, 0x0c, 0x14, 0x18, 0x1c, 0x3c};
	ok = true;
	snprintf(got, sizeof(got), "the same");
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]) && ok; i++)
		ok = same_dwords(a->sriov, b->sriov, ro[i] / 4, ro[i] / 4 + 1, cap_off, got, sizeof(got));
	tap_check(ok, R_SRIOV_RO, got, "the same", "the other SR-IOV capability registers");
}

static void check_chain(const struct mig_snapshot *a, const struct mig_snapshot *b)
{
	char got[MIG_TEXT_MAX] = "the same";
	bool ok = a->chain_len == b->chain_len;
	if (!ok)
		snprintf(got, sizeof(got), "%zu capabilities before, %zu after", a->chain_len, b->chain_len);
	for (size_t i = 0; ok && i < a->chain_len; i++)
		if (a->chain[i] != b->chain[i] || a->chain_ids[i] != b->chain_ids[i]) {
			snprintf(got, sizeof(got),
			         "capability %zu: ID 0x%x at 0x%x before, ID 0x%x at 0x%x after", i,
			         a->chain_ids[i], a->chain[i], b->chain_ids[i], b->chain[i]);
			ok = false;
		}
	tap_check(ok, R_CHAIN, got, "the same", "the PF's capability chains (%zu capabilities)",
	          a->chain_len);
}

static void check_virtio(const struct mig_virtio *a, const struct mig_virtio *b, const char *known)
{
	char got[MIG_TEXT_MAX];
	snprintf(got, sizeof(got), "0x%02x before, 0x%02x after", a->status, b->status);
	tap_check_kfail(known, a->status == b->status, R_STATUS, got, "the same", "device_status (0x%02x)",
	                a->status);
	snprintf(got, sizeof(got), "device 0x%llx/driver 0x%llx before, 0x%llx/0x%llx after",
	         (unsigned long long)a->device_features, (unsigned long long)a->driver_features,
	         (unsigned long long)b->device_features, (unsigned long long)b->driver_features);
	tap_check_kfail(known,
	                a->device_features == b->device_features && a->driver_features == b->driver_features,
	                R_FEATURES, got, "the same", "device_feature and driver_feature");
	bool regs = a->num_queues == b->num_queues, idx = true;
	char got_idx[MIG_TEXT_MAX] = "the same";
	snprintf(got, sizeof(got), regs ? "the same" : "num_queues %u before, %u after", a->num_queues,
	         b->num_queues);
	for (uint16_t q = 0; q < a->num_queues && q < VPCI_MAX_QUEUES; q++) {
		const struct mig_queue *x = &a->q[q], *y = &b->q[q];
		if (regs && (x->size != y->size || x->enable != y->enable || x->msix != y->msix ||
		             x->notify_off != y->notify_off || x->desc != y->desc || x->driver != y->driver ||
		             x->device != y->device)) {
			snprintf(got, sizeof(got),
			         "queue %u: size %u enable %u desc 0x%llx before, size %u enable %u desc "
			         "0x%llx after",
			         q, x->size, x->enable, (unsigned long long)x->desc, y->size, y->enable,
			         (unsigned long long)y->desc);
			regs = false;
		}
		if (idx && (x->avail_idx != y->avail_idx || x->used_idx != y->used_idx)) {
			snprintf(got_idx, sizeof(got_idx),
			         "queue %u: avail %u used %u before, avail %u used %u after", q, x->avail_idx,
			         x->used_idx, y->avail_idx, y->used_idx);
			idx = false;
		}
	}
	tap_check_kfail(known, regs, R_QUEUES, got, "the same", "queue registers of %u queues",
	                a->num_queues);
	tap_check_kfail(known, idx, R_INDEXES, got_idx, "the same", "avail and used indexes");
}

static void check_fn(const struct mig_fn *a, const struct mig_fn *b, const char *name, const char *known)
{
	char got[MIG_TEXT_MAX], rid[8];
	tap_prefix_push("%s %s", name, pci_rid_str(a->rid, rid));
	bool ok = same_dwords(a->header, b->header, 0, MIG_HEADER_DW, 0, got, sizeof(got));
	tap_check_kfail(known, ok, R_HEADER, got, "the same", "configuration header");
	if (a->v.read)
		check_virtio(&a->v, &b->v, known);
	tap_prefix_pop();
}

void mig_snapshot_compare(const struct mig_snapshot *a, const struct mig_snapshot *b, const char *vf_known)
{
	check_sriov(a, b, a->sriov_cap);
	check_chain(a, b);
	check_fn(&a->pf, &b->pf, "pf0", NULL);
	char name[16], got[MIG_TEXT_MAX];
	for (size_t i = 0; i < a->nvf; i++) {
		snprintf(name, sizeof(name), "pf0.vf%zu", i + 1);
		if (a->vf[i].answers) {
			check_fn(&a->vf[i], &b->vf[i], name, vf_known);
			continue;
		}
		snprintf(got, sizeof(got), "%s", b->vf[i].answers ? "answers" : "no answer");
		tap_check(!b->vf[i].answers, R_VF_ABSENT, got, "no answer",
		          "%s (not enabled) does not appear", name);
	}
}

bool mig_snapshot_same(const struct mig_snapshot *a, const struct mig_snapshot *b)
{
	return memcmp(a, b, sizeof(*a)) == 0; /* both were zeroed before being filled */
}
