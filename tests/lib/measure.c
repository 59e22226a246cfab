/* tests/lib/measure.c: see measure.h. */
#include "measure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_report.h"
#include "clock.h"
#include "lib/frame_copy.h"
#include "traffic.h"

static const uint32_t frame_sizes[] = {60, 512, 1514};
#define N_SIZES   (sizeof(frame_sizes) / sizeof(frame_sizes[0]))
#define AGG_BURST 32u
#define AGG_SIZE  60u
#define WARM_UP   2 /* bursts before the first sample */

const struct measure_counts measure_counts_short = {
    .rtt = 200, .rtt_warmup = 20, .rate = 20, .rate_large = 20, .agg = 10};

/* buf, or a new buffer in its place, with room for at least n entries of
 * `size` bytes (*cap counts them): the old contents are not kept. NULL when
 * out of memory. */
static void *grown(void *buf, size_t *cap, size_t n, size_t size)
{
	if (n <= *cap)
		return buf;
	free(buf);
	buf = malloc(n * size);
	*cap = buf ? n : 0;
	return buf;
}

uint64_t *measure_samples(struct measure *m, size_t n)
{
	return m->samples = grown(m->samples, &m->samples_cap, n, sizeof(uint64_t));
}

/* Room for one frame per sender (NULL when out of memory). */
static uint8_t *sender_frames(struct measure *m, size_t senders)
{
	return m->bursts = grown(m->bursts, &m->bursts_cap, senders, FRAME_BUF_LEN);
}

void measure_drain(struct measure *m, struct tport *p)
{
	traffic_drain(p, m->rx, sizeof(m->rx), 2000, 2000000);
}

static void build(struct measure *m, uint8_t *buf, const struct tport *from, const struct tport *to,
                  uint32_t size, uint16_t sender)
{
	struct frame_hdr h = {.sender = sender, .run = m->run};
	memcpy(h.dst, to->mac, 6);
	memcpy(h.src, from->mac, 6);
	frame_build(buf, size, &h, 0);
}

/* The known deviation behind a stall of one of p[0..n-1], if any: asked
 * before recover() starts them over. */
static const char *known_stall(const struct measure *m, struct tport *const *p, size_t n)
{
	for (size_t i = 0; i < n && m->known_deviation; i++) {
		const char *id = p[i]->ops->stall_deviation ? p[i]->ops->stall_deviation(p[i]) : NULL;
		if (id)
			return m->known_deviation(id);
	}
	return NULL;
}

static void recover(struct measure *m, struct tport *const *p, size_t n)
{
	for (size_t i = 0; i < n && m->recover; i++)
		m->recover(m, p[i]);
}

static bool send(struct measure *m, struct tport *p, const uint8_t *frame, uint32_t size)
{
	return traffic_send(p, frame, size, MEASURE_WAIT_US, m->err, sizeof(m->err)) == 0;
}

void measure_rtt(struct measure *m, struct tport *a, struct tport *z, const char *path)
{
	unsigned n = m->n.rtt, warm = m->n.rtt_warmup;
	char params[80];
	for (size_t si = 0; si < N_SIZES; si++) {
		uint32_t size = frame_sizes[si];
		snprintf(params, sizeof(params), "path=%s size=%u", path, size);
		m->run++;
		measure_drain(m, a);
		measure_drain(m, z);
		uint64_t *s = measure_samples(m, n);
		size_t got = 0, lost = 0;
		const char *why = s ? NULL : "out of memory";
		build(m, m->tx, a, z, size, 0);
		build(m, m->reply, z, a, size, 1);
		for (unsigned i = 0; i < n + warm && !why; i++) {
			struct frame_hdr h;
			frame_set_seq(m->tx, i);
			frame_set_seq(m->reply, i);
			uint64_t t0 = clock_now();
			if (!send(m, a, m->tx, size)) {
				why = "TX failed";
				break;
			}
			a->ops->kick(a);
			int r = traffic_recv_run(z, m->rx, sizeof(m->rx), m->run, &h, MEASURE_WAIT_US);
			if (r == 1) {
				if (!send(m, z, m->reply, size)) {
					why = "TX of the reply failed";
					break;
				}
				z->ops->kick(z);
				r = traffic_recv_run(a, m->rx, sizeof(m->rx), m->run, &h, MEASURE_WAIT_US);
			}
			uint64_t t1 = clock_now();
			if (r < 0)
				why = "a port reported an error";
			else if (r == 0)
				lost++;
			else if (i >= warm && got < n)
				s[got++] = t1 - t0;
			a->ops->reap(a);
			z->ops->reap(z);
		}
		if (why || got < n / 2) {
			char text[320];
			snprintf(text, sizeof(text), "%s%s%s",
			         why ? why : "more than half of the frames were lost", m->err[0] ? ": " : "",
			         m->err);
			struct tport *const pair[] = {a, z};
			bench_fail_known("rtt", params, text, why ? known_stall(m, pair, 2) : NULL);
			if (why)
				recover(m, pair, 2);
			m->err[0] = 0;
			continue;
		}
		snprintf(params, sizeof(params), "path=%s size=%u lost=%zu", path, size, lost);
		bench_report("rtt", s, got, 0, params);
	}
}

/* One burst: `batch` frames from each sender, kicked once per sender, until
 * the receiver has them all. Sender k's frame, built before the timing,
 * is frames + k * FRAME_BUF_LEN: a burst only numbers and posts frames.
 * Frames received, or -1 when a port broke. */
static int burst(struct measure *m, struct tport *const *tx, size_t ntx, struct tport *rx, uint8_t *frames,
                 uint32_t size, uint32_t batch, uint32_t *seq)
{
	for (size_t k = 0; k < ntx; k++)
		if (!traffic_wait_room(tx[k], batch, MEASURE_WAIT_US) && tx[k]->ops->reap(tx[k]) < 0)
			return -1;
	for (size_t k = 0; k < ntx; k++) {
		uint8_t *f = frames + k * FRAME_BUF_LEN;
		for (uint32_t j = 0; j < batch; j++) {
			frame_set_seq(f, (*seq)++);
			if (!send(m, tx[k], f, size))
				return -1;
		}
		tx[k]->ops->kick(tx[k]);
	}
	uint32_t want = batch * (uint32_t)ntx, got = 0;
	while (got < want) {
		struct frame_hdr h;
		int r = traffic_recv_run(rx, m->rx, sizeof(m->rx), m->run, &h, MEASURE_WAIT_US);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got++;
	}
	for (size_t k = 0; k < ntx; k++)
		tx[k]->ops->reap(tx[k]);
	return (int)got;
}

/* n bursts after the warm-up: each complete burst is one sample, its time
 * per frame; after a burst that lost frames the receiver is drained.
 * Returns the sample count, or -1 when a port broke. */
static long time_bursts(struct measure *m, struct tport *const *tx, size_t ntx, struct tport *rx,
                        uint32_t size, uint32_t batch, unsigned n, uint64_t *s, uint8_t *built, size_t *lost)
{
	uint32_t seq = 0, frames = batch * (uint32_t)ntx;
	size_t got = 0;
	*lost = 0;
	for (size_t k = 0; k < ntx; k++)
		build(m, built + k * FRAME_BUF_LEN, tx[k], rx, size, (uint16_t)k);
	for (unsigned i = 0; i < n + WARM_UP; i++) {
		uint64_t t0 = clock_now();
		int r = burst(m, tx, ntx, rx, built, size, batch, &seq);
		uint64_t t1 = clock_now();
		if (r < 0)
			return -1;
		*lost += frames - (uint32_t)r;
		if ((uint32_t)r == frames && i >= WARM_UP)
			s[got++] = (t1 - t0) / frames;
		else if ((uint32_t)r != frames)
			measure_drain(m, rx);
	}
	return (long)got;
}

/* One figure of n bursts; false when it could not be measured. */
static void rate_figure(struct measure *m, const char *name, struct tport *const *tx, size_t ntx,
                        struct tport *rx, uint32_t size, uint32_t batch, unsigned n, const char *params)
{
	m->run++;
	m->err[0] = 0;
	measure_drain(m, rx);
	uint64_t *s = measure_samples(m, n);
	uint8_t *built = sender_frames(m, ntx);
	if (!s || !built) {
		bench_fail(name, params, "out of memory");
		return;
	}
	size_t lost = 0;
	long got = time_bursts(m, tx, ntx, rx, size, batch, n, s, built, &lost);
	if (got < (long)(n / 2)) {
		char why[320] = "more than half of the bursts lost frames";
		if (got < 0)
			snprintf(why, sizeof(why), "a port reported an error%s%s", m->err[0] ? ": " : "",
			         m->err);
		bench_fail_known(name, params, why, got < 0 ? known_stall(m, tx, ntx) : NULL);
		if (got < 0) {
			recover(m, tx, ntx);
			recover(m, &rx, 1);
		}
		return;
	}
	char full[128];
	snprintf(full, sizeof(full), "%s lost=%zu", params, lost);
	bench_report(name, s, (size_t)got, size, full);
}

void measure_rate(struct measure *m, struct tport *a, struct tport *z, const char *path, unsigned ring)
{
	const uint32_t batches[] = {1, 8, 32, ring};
	char params[96];
	for (size_t si = 0; si < N_SIZES; si++)
		for (size_t bi = 0; bi < sizeof(batches) / sizeof(batches[0]); bi++) {
			uint32_t size = frame_sizes[si], batch = batches[bi];
			if (bi && batch <= batches[bi - 1])
				continue; /* a ring of 32 or fewer entries */
			unsigned n = batch >= 64 ? m->n.rate_large : m->n.rate;
			snprintf(params, sizeof(params), "path=%s size=%u batch=%u ring=%u", path, size,
			         batch, ring);
			rate_figure(m, "rate", &a, 1, z, size, batch, n, params);
		}
}

#define OPS_PER_SAMPLE 16u

static void copy_op(struct measure *m, uint32_t size)
{
	frame_copy(m->rx, m->tx, size);
}

static void build_op(struct measure *m, uint32_t size)
{
	struct frame_hdr h = {.run = m->run};
	frame_build(m->rx, size, &h, 0);
}

/* One figure per frame size: the median time of op. */
static void guest_figure(struct measure *m, const char *name, void (*op)(struct measure *, uint32_t))
{
	char params[32];
	for (size_t si = 0; si < N_SIZES; si++) {
		uint32_t size = frame_sizes[si];
		snprintf(params, sizeof(params), "size=%u", size);
		unsigned n = m->n.rate;
		uint64_t *s = measure_samples(m, n);
		if (!s) {
			bench_fail(name, params, "out of memory");
			continue;
		}
		for (unsigned i = 0; i < n; i++) {
			uint64_t t0 = clock_now();
			for (unsigned k = 0; k < OPS_PER_SAMPLE; k++) {
				op(m, size);
				/* Every op is made: none may be merged with the next. */
				__asm__ volatile("" ::: "memory");
			}
			s[i] = (clock_now() - t0) / OPS_PER_SAMPLE;
		}
		bench_report(name, s, n, 0, params);
	}
}

void measure_guest_work(struct measure *m)
{
	guest_figure(m, "copy", copy_op);
	guest_figure(m, "frame_build", build_op);
}

void measure_aggregate(struct measure *m, struct tport *const *tx, size_t ntx, struct tport *rx)
{
	char params[96];
	for (size_t k = 1;; k = k * 2 > ntx ? ntx : k * 2) {
		snprintf(params, sizeof(params), "senders=%zu size=%u batch=%u", k, AGG_SIZE, AGG_BURST);
		rate_figure(m, "agg_rate", tx, k, rx, AGG_SIZE, AGG_BURST, m->n.agg, params);
		if (k >= ntx)
			break;
	}
}
