/* tests/conformance/virtio_env.c: see virtio_env.h. */
#include "virtio_env.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/timer.h"
#include "pci/pci_regs.h"

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
	for (size_t p = 0; p < pci_sriov_pf_count(); p++) {
		struct pci_func *pf = pci_sriov_pf(p);
		if (pf->vendor != VIRTIO_PCI_VENDOR_ID ||
		    pf->device != VIRTIO_PCI_MODERN_DEVICE_BASE + VIRTIO_ID_NET)
			continue;
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
		tap_skip("no virtio-net SR-IOV PF in this topology", "virtio: functions under test");
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

int venv_open(struct venv *e, size_t i, const struct net_opts *o)
{
	struct venv_fn *fn = &e->fn[i];
	fn->up = false;
	if (!fn->f)
		return -1;
	int rc;
	if (!fn->nd) {
		fn->nd = calloc(1, sizeof(*fn->nd));
		if (!fn->nd)
			return -1;
		rc = net_open(fn->nd, fn->f, o);
	} else {
		rc = net_reopen(fn->nd, fn->f, o);
	}
	fn->up = rc == 0;
	fn->failed = rc != 0;
	return rc;
}

void venv_expected_mac(const struct venv_fn *fn, uint8_t mac[6])
{
	const uint8_t m[6] = {0x52, 0x54, 0x00, 0x5f, (uint8_t)fn->pf_idx, (uint8_t)fn->vf_no};
	memcpy(mac, m, 6);
}

/* --- traffic ------------------------------------------------------------- */
#define OFF_MAGIC  14
#define OFF_SENDER 18
#define OFF_SEQ    20
#define OFF_LEN    24
#define OFF_CSUM   26
#define OFF_DATA   30
static const uint8_t magic[4] = {'V', 'F', 'P', 'B'};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}
static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* Fletcher-32 over the data: a corrupt byte changes it. */
static uint32_t csum(const uint8_t *p, size_t n)
{
	uint32_t a = 0xffff, b = 0xffff;
	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65535;
		b = (b + a) % 65535;
	}
	return b << 16 | a;
}

size_t vt_size(uint32_t seq, size_t size0, size_t step)
{
	if (step == 0)
		return size0;
	return ETH_ZLEN + ((size0 - ETH_ZLEN) + (uint64_t)seq * step) % (ETH_FRAME_LEN - ETH_ZLEN + 1);
}

size_t vt_build(uint8_t *buf, size_t len, unsigned s, uint32_t seq, const uint8_t src_mac[6])
{
	if (len < ETH_ZLEN)
		len = ETH_ZLEN;
	if (len > ETH_FRAME_LEN)
		len = ETH_FRAME_LEN;
	memset(buf, 0xff, 6);
	memcpy(buf + 6, src_mac, 6);
	put16(buf + 12, VT_ETHERTYPE);
	memcpy(buf + OFF_MAGIC, magic, 4);
	put16(buf + OFF_SENDER, (uint16_t)s);
	put32(buf + OFF_SEQ, seq);
	put16(buf + OFF_LEN, (uint16_t)len);
	uint8_t x = (uint8_t)(seq * 131u + s * 17u);
	for (size_t i = OFF_DATA; i < len; i++)
		buf[i] = (uint8_t)(x + i * 7u);
	put32(buf + OFF_CSUM, csum(buf + OFF_DATA, len - OFF_DATA));
	return len;
}

struct vt *vt_new(struct venv *e)
{
	struct vt *t = calloc(1, sizeof(*t));
	size_t n = e->n;
	t->e = e;
	t->tx_seq = calloc(n, sizeof(*t->tx_seq));
	t->base = calloc(n, sizeof(*t->base));
	t->expect = calloc(n * n, sizeof(*t->expect));
	t->rx = calloc(n, sizeof(*t->rx));
	t->rx_from = calloc(n * n, sizeof(*t->rx_from));
	t->buf = malloc(ETH_FRAME_LEN + 64);
	t->ref = malloc(ETH_FRAME_LEN + 64);
	return t;
}

void vt_clear_stats(struct vt *t)
{
	memset(t->rx, 0, t->e->n * sizeof(*t->rx));
	memset(t->rx_from, 0, t->e->n * t->e->n * sizeof(*t->rx_from));
}

static void dev_error(struct vt *t, struct venv_fn *fn)
{
	if (!t->device_error)
		snprintf(t->dev_err, sizeof(t->dev_err), "%s", fn->nd->err);
	t->device_error = true;
	fn->up = false; /* a broken device is reported, never trusted again */
	fn->failed = true;
}

int vt_send(struct vt *t, size_t s, unsigned count, size_t size0, size_t step)
{
	struct venv_fn *fn = &t->e->fn[s];
	if (!fn->up)
		return -1;
	for (unsigned k = 0; k < count; k++) {
		uint32_t seq = t->tx_seq[s];
		size_t len = vt_build(t->buf, vt_size(seq, size0, step), (unsigned)s, seq, fn->nd->mac);
		int rc = net_tx(fn->nd, t->buf, len);
		if (rc == -2) {
			net_tx_kick(fn->nd);
			struct deadline d = deadline_in_us(2000000);
			while ((rc = net_tx_reap(fn->nd)) == 0 && !deadline_passed(d))
				cpu_relax();
			if (rc <= 0) {
				if (rc == 0) {
					char dump[200];
					vq_dump(&fn->nd->txq, dump, sizeof(dump));
					snprintf(fn->nd->err, sizeof(fn->nd->err),
					         "%s: TX ring full for 2 s: %s", fn->nd->vp.name, dump);
				}
				dev_error(t, fn);
				return -1;
			}
			rc = net_tx(fn->nd, t->buf, len);
		}
		if (rc != 0) {
			dev_error(t, fn);
			return -1;
		}
		t->tx_seq[s]++;
	}
	net_tx_kick(fn->nd);
	return 0;
}

static void rx_err(struct vt_rx_stats *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rx_err(struct vt_rx_stats *st, const char *fmt, ...)
{
	if (st->first_err[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->first_err, sizeof(st->first_err), fmt, ap);
	va_end(ap);
}

static void vt_check(struct vt *t, size_t r, const uint8_t *b, size_t len)
{
	struct venv *e = t->e;
	struct vt_rx_stats *st = &t->rx[r];
	st->frames++;
	if (len < OFF_DATA || get16(b + 12) != VT_ETHERTYPE || memcmp(b + OFF_MAGIC, magic, 4) != 0) {
		st->foreign++;
		return;
	}
	size_t s = get16(b + OFF_SENDER);
	uint32_t seq = get32(b + OFF_SEQ);
	if (s >= e->n || s == r || !e->fn[s].nd) {
		st->corrupt++;
		rx_err(st, "frame names sender %zu (receiver %zu, %zu functions)", s, r, e->n);
		return;
	}
	t->rx_from[r * e->n + s]++;
	if (csum(b + OFF_DATA, len - OFF_DATA) != get32(b + OFF_CSUM))
		st->bad_csum++;
	uint32_t *ex = &t->expect[r * e->n + s];
	size_t want_len = vt_build(t->ref, get16(b + OFF_LEN), (unsigned)s, seq, e->fn[s].nd->mac);
	if (want_len != len || memcmp(t->ref, b, len) != 0) {
		st->corrupt++;
		size_t i = 0;
		while (i < len && i < want_len && t->ref[i] == b[i])
			i++;
		rx_err(st, "from %s seq %u: %zu bytes, want %zu; first difference at byte %zu", e->fn[s].name,
		       seq, len, want_len, i);
		/* A damaged frame still arrived: when its seq is one that was sent
		 * and is due, move past it, so that waiting for the frames still
		 * due ends instead of running every wait to its deadline. */
		if ((int32_t)(seq - *ex) >= 0 && (int32_t)(t->tx_seq[s] - seq) > 0) {
			st->lost += seq - *ex;
			*ex = seq + 1;
		}
		return;
	}
	if (seq == *ex) {
		st->ok++;
		(*ex)++;
	} else if ((int32_t)(seq - *ex) > 0) {
		st->lost += seq - *ex;
		rx_err(st, "from %s: seq %u, want %u (%u lost)", e->fn[s].name, seq, *ex, seq - *ex);
		*ex = seq + 1;
	} else {
		st->reordered++;
		rx_err(st, "from %s: seq %u after %u (reordered or duplicated)", e->fn[s].name, seq, *ex - 1);
	}
}

uint64_t vt_drain_some(struct vt *t, unsigned max_per_fn)
{
	struct venv *e = t->e;
	uint64_t got = 0;
	for (size_t r = 0; r < e->n; r++) {
		struct venv_fn *fn = &e->fn[r];
		if (!fn->up)
			continue;
		if (net_tx_reap(fn->nd) < 0) {
			dev_error(t, fn);
			continue;
		}
		for (unsigned k = 0; k < max_per_fn; k++) {
			size_t len;
			int rc = net_rx(fn->nd, t->buf, ETH_FRAME_LEN + 64, &len);
			if (rc < 0)
				dev_error(t, fn);
			if (rc <= 0)
				break;
			vt_check(t, r, t->buf, len);
			got++;
		}
	}
	return got;
}

uint64_t vt_drain(struct vt *t, uint64_t quiet_us, uint64_t timeout_us)
{
	uint64_t got = 0;
	struct deadline end = deadline_in_us(timeout_us), quiet = deadline_in_us(quiet_us);
	for (bool first = true; first || (!deadline_passed(end) && !deadline_passed(quiet)); first = false) {
		uint64_t n = vt_drain_some(t, 64);
		if (n)
			quiet = deadline_in_us(quiet_us);
		got += n;
	}
	return got;
}

static bool all_expected(struct vt *t)
{
	struct venv *e = t->e;
	size_t n = e->n;
	for (size_t r = 0; r < n; r++) {
		if (!e->fn[r].up)
			continue;
		for (size_t s = 0; s < n; s++) {
			if (s == r || !e->fn[s].up)
				continue;
			/* expect[] moves past lost frames too. */
			if ((int32_t)(t->tx_seq[s] - t->expect[r * n + s]) > 0)
				return false;
		}
	}
	return true;
}

bool vt_drain_expected(struct vt *t, uint64_t timeout_us)
{
	struct deadline end = deadline_in_us(timeout_us);
	bool done;
	while (!(done = all_expected(t)) && !deadline_passed(end))
		vt_drain(t, 0, 1000);
	vt_drain(t, 1000, 100000);
	return done;
}

void vt_resync(struct vt *t)
{
	vt_drain(t, 20000, 2000000);
	size_t n = t->e->n;
	for (size_t r = 0; r < n; r++)
		for (size_t s = 0; s < n; s++)
			t->expect[r * n + s] = t->tx_seq[s];
	vt_clear_stats(t);
	t->device_error = false;
}

void vt_phase_begin(struct vt *t)
{
	memcpy(t->base, t->tx_seq, t->e->n * sizeof(*t->base));
	vt_clear_stats(t);
}

unsigned vt_phase_verdict(struct vt *t, const char *suite, const char *phase, const char *rule)
{
	struct venv *e = t->e;
	size_t n = e->n;
	unsigned bad = 0;
	for (size_t r = 0; r < n; r++) {
		struct venv_fn *fn = &e->fn[r];
		if (!fn->nd || (!fn->up && !fn->failed))
			continue; /* never opened, or parked on purpose (reset) */
		struct vt_rx_stats *st = &t->rx[r];
		uint64_t want = 0, short_pairs = 0;
		char miss[64] = "";
		for (size_t s = 0; s < n; s++) {
			if (s == r || !e->fn[s].up)
				continue;
			uint64_t sent = t->tx_seq[s] - t->base[s];
			want += sent;
			if (t->rx_from[r * n + s] != sent && !short_pairs++)
				snprintf(miss, sizeof(miss), "; from %s %llu of %llu", e->fn[s].name,
				         (unsigned long long)t->rx_from[r * n + s], (unsigned long long)sent);
		}
		bool ok = fn->up && short_pairs == 0 && st->lost == 0 && st->reordered == 0 &&
		          st->corrupt == 0 && st->bad_csum == 0;
		char got[200];
		if (!fn->up)
			snprintf(got, sizeof(got), "device down: %s",
			         fn->nd->err[0] ? fn->nd->err : t->dev_err);
		else
			snprintf(
			    got, sizeof(got),
			    "%llu ok of %llu, lost %llu, reordered %llu, corrupt %llu, bad csum %llu%s%s%s",
			    (unsigned long long)st->ok, (unsigned long long)want,
			    (unsigned long long)st->lost, (unsigned long long)st->reordered,
			    (unsigned long long)st->corrupt, (unsigned long long)st->bad_csum, miss,
			    st->first_err[0] ? "; " : "", st->first_err);
		tap_context("%s: %s", suite, fn->name);
		bad += !tap_check(ok, rule, got,
		                  "every frame of every other function once, in order, byte-exact",
		                  "%s: %llu frames received intact", phase, (unsigned long long)want);
	}
	tap_context(NULL);
	return bad;
}
