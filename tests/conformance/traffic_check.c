/* tests/conformance/traffic_check.c: see traffic_check.h. */
#include "traffic_check.h"

#include "deviations.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_loss.h"
#include "boot/timer.h"
#include "deviations.h"
#include "lib/frame.h"
#include "lib/traffic.h"

size_t vt_size(uint32_t seq, size_t size0, size_t step)
{
	if (step == 0)
		return size0;
	return FRAME_MIN_LEN +
	       ((size0 - FRAME_MIN_LEN) + (uint64_t)seq * step) % (FRAME_MAX_LEN - FRAME_MIN_LEN + 1);
}

size_t vt_build(uint8_t *buf, size_t len, unsigned s, uint32_t seq, const uint8_t src_mac[6])
{
	struct frame_hdr h = {.sender = (uint16_t)s, .run = FRAME_RUN_CONFORMANCE, .seq = seq};
	memset(h.dst, 0xff, 6);
	memcpy(h.src, src_mac, 6);
	return frame_build(buf, len, &h, frame_pattern_seed((uint16_t)s, seq));
}

struct vt *vt_new(struct venv *e)
{
	struct vt *t = calloc(1, sizeof(*t));
	size_t n = e->n;
	t->e = e;
	t->tx_seq = calloc(n, sizeof(*t->tx_seq));
	t->tx_bytes = calloc(n, sizeof(*t->tx_bytes));
	t->base = calloc(n, sizeof(*t->base));
	t->fence = calloc(n, sizeof(*t->fence));
	t->expect = calloc(n * n, sizeof(*t->expect));
	t->rx = calloc(n, sizeof(*t->rx));
	t->rx_from = calloc(n * n, sizeof(*t->rx_from));
	t->buf = malloc(FRAME_BUF_LEN);
	t->ref = malloc(FRAME_BUF_LEN);
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
	fn->tx_event_behind = vq_event_behind(&fn->nd->pair[fn->port.queue].txq);
}

int vt_send(struct vt *t, size_t s, unsigned count, size_t size0, size_t step)
{
	struct venv_fn *fn = &t->e->fn[s];
	if (!fn->up)
		return -1;
	if (!venv_heard(t->e, s))
		return 0;
	for (unsigned k = 0; k < count; k++) {
		uint32_t seq = t->tx_seq[s];
		size_t len = vt_build(t->buf, vt_size(seq, size0, step), (unsigned)s, seq, fn->nd->mac);
		if (traffic_send(&fn->port, t->buf, len, TRAFFIC_TX_STALL_US, fn->nd->err,
		                 sizeof(fn->nd->err)) != 0) {
			dev_error(t, fn);
			return -1;
		}
		t->tx_seq[s]++;
		t->tx_bytes[s] += len;
	}
	fn->port.ops->kick(&fn->port);
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

/* Which RX buffers and used elements a repeated frame came through: the
 * same buffer and element twice is the driver taking one element twice,
 * two elements is the device (or the switch) delivering the frame twice. */
static void rx_ring_diag(const struct vt *t, size_t r, uint32_t seq)
{
	const struct venv_fn *fn = &t->e->fn[r];
	const struct net_pair *p = &fn->nd->pair[0];
	const struct vt_rx_stats *st = &t->rx[r];
	tap_diag("traffic: %s: seq %u in RX buffer %u, used element %llu; the frame before it: buffer %u, "
	         "element %llu; RX ring of %u, %u in flight",
	         fn->name, seq, p->rx_last_buf, (unsigned long long)p->rx_last_used, st->prev_buf,
	         (unsigned long long)st->prev_used, p->rxq.size, p->rxq.in_flight);
}

static void note_rx_buffer(struct vt *t, size_t r)
{
	const struct net_pair *p = &t->e->fn[r].nd->pair[0];
	t->rx[r].prev_buf = p->rx_last_buf;
	t->rx[r].prev_used = p->rx_last_used;
}

/* An intact frame of sender s from before the last resync, while the
 * receiver still waits for the first frame s sent after it. */
static bool late_frame(struct vt *t, const uint8_t *b, size_t len, size_t hdr_len, size_t s, uint32_t seq,
                       uint32_t expect)
{
	if (expect != t->fence[s] || (int32_t)(seq - t->fence[s]) >= 0)
		return false;
	size_t want_len = vt_build(t->ref, hdr_len, (unsigned)s, seq, t->e->fn[s].nd->mac);
	return want_len == len && memcmp(t->ref, b, len) == 0;
}

static void vt_check(struct vt *t, size_t r, const uint8_t *b, size_t len)
{
	struct venv *e = t->e;
	struct vt_rx_stats *st = &t->rx[r];
	struct frame_hdr h;
	st->frames++;
	if (!frame_parse(b, len, &h) || h.run != FRAME_RUN_CONFORMANCE) {
		st->foreign++;
		return;
	}
	size_t s = h.sender;
	uint32_t seq = h.seq;
	if (s >= e->n || s == r || !e->fn[s].nd) {
		st->corrupt++;
		rx_err(st, "frame names sender %zu (receiver %zu, %zu functions)", s, r, e->n);
		return;
	}
	uint32_t *ex = &t->expect[r * e->n + s];
	if (venv_hears(e, r, s) && late_frame(t, b, len, h.len, s, seq, *ex)) {
		if (!st->late++)
			tap_diag(
			    "traffic: %s: seq %u of %s, sent before the last resync, arrived after it (late)",
			    e->fn[r].name, seq, e->fn[s].name);
		return;
	}
	t->rx_from[r * e->n + s]++;
	if (!venv_hears(e, r, s)) {
		st->leaked++;
		rx_err(st, "from %s seq %u, which this function must not hear", e->fn[s].name, seq);
		return;
	}
	if (!frame_payload_ok(b, len))
		st->bad_csum++;
	size_t want_len = vt_build(t->ref, h.len, (unsigned)s, seq, e->fn[s].nd->mac);
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
		rx_ring_diag(t, r, seq);
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
		if (fn->port.ops->reap(&fn->port) < 0) {
			dev_error(t, fn);
			continue;
		}
		for (unsigned k = 0; k < max_per_fn; k++) {
			size_t len;
			int rc = fn->port.ops->rx(&fn->port, t->buf, FRAME_BUF_LEN, &len);
			if (rc < 0)
				dev_error(t, fn);
			if (rc <= 0)
				break;
			vt_check(t, r, t->buf, len);
			note_rx_buffer(t, r);
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
			if (!venv_hears(e, r, s) || !e->fn[s].up)
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

bool vt_wait_path(struct vt *t, size_t s, size_t r, uint64_t timeout_us)
{
	size_t n = t->e->n;
	uint64_t before = t->rx_from[r * n + s];
	struct deadline d = deadline_in_us(timeout_us);
	bool arrived = false;
	while (!arrived && !deadline_passed(d) && t->e->fn[s].up) {
		vt_send(t, s, 1, FRAME_MIN_LEN, 0);
		vt_drain(t, 0, 2000);
		arrived = t->rx_from[r * n + s] > before;
	}
	return arrived;
}

#define PATH_WAIT_US 2000000

void vt_wait_function(struct vt *t, size_t i)
{
	struct venv *e = t->e;
	if (e->datapath_at_driver_ok)
		return;
	for (size_t j = 0; j < e->n; j++) {
		if (!e->fn[j].up || !e->fn[i].up)
			continue;
		if (venv_hears(e, j, i))
			vt_wait_path(t, i, j, PATH_WAIT_US);
		if (venv_hears(e, i, j))
			vt_wait_path(t, j, i, PATH_WAIT_US);
	}
	vt_resync(t);
}

void vt_resync(struct vt *t)
{
	vt_drain(t, 20000, 2000000);
	size_t n = t->e->n;
	memcpy(t->fence, t->tx_seq, n * sizeof(*t->fence));
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

uint64_t vt_phase_due(const struct vt *t, size_t r, size_t s)
{
	return venv_hears(t->e, r, s) ? t->tx_seq[s] - t->base[s] : 0;
}

unsigned vt_phase_verdict(struct vt *t, const char *phase, const char *rule)
{
	struct venv *e = t->e;
	size_t n = e->n;
	unsigned bad = 0;
	static bool gone_now[VENV_MAX]; /* taken out once every receiver is judged */
	for (size_t r = 0; r < n; r++) {
		struct venv_fn *fn = &e->fn[r];
		gone_now[r] = false;
		if (!fn->nd || (!fn->up && !fn->failed))
			continue; /* never opened, or parked on purpose (reset) */
		struct vt_rx_stats *st = &t->rx[r];
		uint64_t want = 0, short_pairs = 0;
		char miss[64] = "";
		for (size_t s = 0; s < n; s++) {
			if (!e->fn[s].up || s == r)
				continue;
			uint64_t due = vt_phase_due(t, r, s);
			want += due;
			if (t->rx_from[r * n + s] != due && !short_pairs++)
				snprintf(miss, sizeof(miss), "; from %s %llu of %llu", e->fn[s].name,
				         (unsigned long long)t->rx_from[r * n + s], (unsigned long long)due);
		}
		bool ok = fn->up && short_pairs == 0 && st->lost == 0 && st->reordered == 0 &&
		          st->corrupt == 0 && st->bad_csum == 0 && st->leaked == 0;
		char got[200], gone[120];
		gone_now[r] =
		    !ok && fn->up && st->frames == 0 && want && backend_lost(e, fn, gone, sizeof(gone));
		if (gone_now[r])
			snprintf(got, sizeof(got), "0 of %llu frames: %s", (unsigned long long)want, gone);
		else if (!fn->up)
			snprintf(got, sizeof(got), "device down: %s",
			         fn->nd->err[0] ? fn->nd->err : t->dev_err);
		else
			snprintf(
			    got, sizeof(got),
			    "%llu ok of %llu, lost %llu, reordered %llu, corrupt %llu, bad csum %llu%s%s%s%s",
			    (unsigned long long)st->ok, (unsigned long long)want,
			    (unsigned long long)st->lost, (unsigned long long)st->reordered,
			    (unsigned long long)st->corrupt, (unsigned long long)st->bad_csum,
			    st->leaked ? ", leaked" : "", miss, st->first_err[0] ? "; " : "", st->first_err);
		/* Taken down by a TX queue the device stopped noticing. */
		const char *known =
		    !fn->up && fn->tx_event_behind && fn->nd->pair[0].txq.format == VQ_FORMAT_PACKED
		        ? deviation_known("packed-tx-stale-event", "virtio-net")
		        : NULL;
		tap_prefix_push("%s", fn->name);
		bad += !tap_check_kfail(
		    known, ok, rule, got,
		    "every frame of every function it hears once, in order, byte-exact; none "
		    "of the others",
		    "%s: %llu frames received intact", phase, (unsigned long long)want);
		tap_prefix_pop();
	}
	for (size_t r = 0; r < n; r++)
		if (gone_now[r])
			backend_take_out(&e->fn[r]);
	return bad;
}

/* Every up function sends `frames` frames, in rounds small enough that no
 * receiver has more than half an RX ring in flight. */
void vt_round(struct vt *t, unsigned frames, const char *phase, const char *rule)
{
	struct venv *e = t->e;
	unsigned up = 0, rx = 256;
	for (size_t i = 0; i < e->n; i++)
		if (e->fn[i].up) {
			up++;
			if (e->fn[i].nd->pair[0].rxq.size < rx)
				rx = e->fn[i].nd->pair[0].rxq.size;
		}
	unsigned k = up > 1 ? rx / 2 / (up - 1) : frames;
	k = k == 0 ? 1 : k > frames ? frames : k;
	vt_resync(t);
	vt_phase_begin(t);
	for (unsigned sent = 0; sent < frames; sent += k) {
		for (size_t s = 0; s < e->n; s++)
			if (e->fn[s].up)
				vt_send(t, s, k, 60 + s * 37 + sent, 173);
		vt_drain_expected(t, 10000000);
	}
	vt_phase_verdict(t, phase, rule);
}
