/* tests/unit/test_traffic.c: the traffic library (tests/lib) on the host:
 * the frame layout, sending and receiving over a fake port whose "wire"
 * is a queue, and the datapath measurements over a pair of such ports. */
#include <stdlib.h>
#include <string.h>

#include "lib/frame.h"
#include "lib/measure.h"
#include "lib/traffic.h"
#include "unit.h"

/* A fake port: tx posts into `posted` (room `cap`), kick moves the posted
 * frames onto the peer's receive queue, reap frees what was kicked. */
#define FAKE_SLOTS 64
struct fake_port {
	unsigned cap, posted, kicked, kicks;
	size_t len[FAKE_SLOTS];
	uint8_t frame[FAKE_SLOTS][FRAME_MAX_LEN];
	/* Receive queue */
	unsigned rx_head, rx_tail;
	size_t rx_len[FAKE_SLOTS];
	uint8_t rx[FAKE_SLOTS][FRAME_MAX_LEN];
	struct tport *peer;
	bool stuck; /* reap never frees anything */
	bool broken;
};

static struct fake_port *fp(struct tport *p)
{
	return p->ctx;
}

static int f_tx(struct tport *p, const void *frame, size_t len)
{
	struct fake_port *f = fp(p);
	if (f->broken)
		return -1;
	if (f->posted + f->kicked >= f->cap)
		return TPORT_FULL;
	memcpy(f->frame[f->posted], frame, len);
	f->len[f->posted++] = len;
	return 0;
}

static void deliver(struct fake_port *to, const uint8_t *frame, size_t len)
{
	if (to->rx_tail - to->rx_head >= FAKE_SLOTS)
		return; /* dropped, like a full RX ring */
	memcpy(to->rx[to->rx_tail % FAKE_SLOTS], frame, len);
	to->rx_len[to->rx_tail++ % FAKE_SLOTS] = len;
}

static void f_kick(struct tport *p)
{
	struct fake_port *f = fp(p);
	f->kicks++;
	for (unsigned i = 0; i < f->posted; i++)
		if (f->peer)
			deliver(fp(f->peer), f->frame[i], f->len[i]);
	f->kicked += f->posted;
	f->posted = 0;
}

static int f_reap(struct tport *p)
{
	struct fake_port *f = fp(p);
	if (f->broken)
		return -1;
	if (f->stuck)
		return 0;
	int n = (int)f->kicked;
	f->kicked = 0;
	return n;
}

static int f_rx(struct tport *p, void *buf, size_t cap, size_t *len)
{
	struct fake_port *f = fp(p);
	if (f->rx_head == f->rx_tail)
		return 0;
	size_t l = f->rx_len[f->rx_head % FAKE_SLOTS];
	memcpy(buf, f->rx[f->rx_head++ % FAKE_SLOTS], l < cap ? l : cap);
	*len = l;
	return 1;
}

static void f_dump(struct tport *p, char *buf, size_t n)
{
	snprintf(buf, n, "posted %u kicked %u", fp(p)->posted, fp(p)->kicked);
}

/* A broken fake port blames a made-up deviation. */
static const char *f_stall_deviation(struct tport *p)
{
	return fp(p)->broken ? "fake-stall" : NULL;
}

static const struct tport_ops fake_ops = {.tx = f_tx,
                                          .kick = f_kick,
                                          .reap = f_reap,
                                          .rx = f_rx,
                                          .dump = f_dump,
                                          .stall_deviation = f_stall_deviation};

static void fake_init(struct tport *p, struct fake_port *f, unsigned cap, uint8_t mac_last)
{
	memset(f, 0, sizeof(*f));
	f->cap = cap;
	*p = (struct tport){.ops = &fake_ops,
	                    .ctx = f,
	                    .error = "fake port broken",
	                    .mac = {0x52, 0x54, 0, 0x5f, 0, mac_last}};
	snprintf(p->name, sizeof(p->name), "fake%u", mac_last);
}

static void test_frame(void)
{
	tap_prefix_push("frame");
	uint8_t b[FRAME_MAX_LEN + 8];
	struct frame_hdr h = {.dst = {1, 2, 3, 4, 5, 6},
	                      .src = {7, 8, 9, 10, 11, 12},
	                      .sender = 3,
	                      .run = 0x11223344,
	                      .seq = 0xa0b0c0d0,
	                      .stamp = 0x0102030405060708ull};
	size_t len = frame_build(b, 100, &h, frame_pattern_seed(3, 7));
	tap_check_eq(len, 100, "frame.h: the length asked for", "a 100-byte frame is 100 bytes");
	tap_check_eq(frame_build(b, 10, &h, 0), FRAME_MIN_LEN, "IEEE 802.3: 60 bytes at least",
	             "short frames padded to 60");
	tap_check_eq(frame_build(b, 9000, &h, 0), FRAME_MAX_LEN, "IEEE 802.3: 1514 bytes at most",
	             "long frames cut to 1514");
	len = frame_build(b, 100, &h, frame_pattern_seed(3, 7));
	tap_check_eq(b[12] << 8 | b[13], FRAME_ETHERTYPE, "frame.h: ethertype at 12, big-endian",
	             "ethertype");
	tap_check_true(memcmp(b + FRAME_OFF_MAGIC, "VFPB", 4) == 0, "frame.h: magic", "magic VFPB");
	tap_check_eq((uint32_t)b[FRAME_OFF_SEQ] << 24 | b[FRAME_OFF_SEQ + 3], 0xa00000d0,
	             "frame.h: seq big-endian", "seq bytes in network order");
	struct frame_hdr g;
	tap_check_true(frame_parse(b, len, &g), "frame.h: our frame parses", "parse");
	tap_check_true(g.sender == 3 && g.run == h.run && g.seq == h.seq && g.len == 100 &&
	                   g.stamp == h.stamp && memcmp(g.dst, h.dst, 6) == 0 && memcmp(g.src, h.src, 6) == 0,
	               "frame.h: every field reads back", "round trip of every field");
	tap_check_true(frame_payload_ok(b, len), "frame.h: checksum of the payload", "checksum matches");
	frame_set_seq(b, 5);
	frame_set_stamp(b, 9);
	tap_check_true(frame_payload_ok(b, len) && frame_parse(b, len, &g) && g.seq == 5 && g.stamp == 9,
	               "frame.h: seq and timestamp are outside the checksum",
	               "re-sequenced frame stays valid");
	b[FRAME_OFF_PAYLOAD + 20] ^= 1;
	tap_check_true(!frame_payload_ok(b, len), "Fletcher-32: a flipped bit changes it",
	               "corruption detected");
	b[FRAME_OFF_PAYLOAD + 20] ^= 1;
	uint8_t t = b[FRAME_OFF_PAYLOAD];
	b[FRAME_OFF_PAYLOAD] = b[FRAME_OFF_PAYLOAD + 1];
	b[FRAME_OFF_PAYLOAD + 1] = t;
	tap_check_true(!frame_payload_ok(b, len), "Fletcher-32: order matters", "swapped bytes detected");
	b[13] ^= 1;
	tap_check_true(!frame_parse(b, len, &g), "frame.h: other ethertypes are not ours",
	               "foreign ethertype");
	b[13] ^= 1;
	b[FRAME_OFF_MAGIC] = 'X';
	tap_check_true(!frame_parse(b, len, &g), "frame.h: the magic is checked", "foreign magic");
	tap_check_true(!frame_parse(b, FRAME_OFF_PAYLOAD - 1, &g), "frame.h: a header needs 42 bytes",
	               "short frame");
	tap_check_true(
	    frame_host_len(0) == FRAME_MIN_LEN && frame_host_len(FRAME_HOST_COUNT - 1) == FRAME_MAX_LEN &&
	        frame_host_len(FRAME_HOST_COUNT) == FRAME_MIN_LEN,
	    "frame.h: the host port's frames span 60..1514, its closing frame is 60", "host frame lengths");
	tap_prefix_pop();
}

static void test_send_recv(void)
{
	tap_prefix_push("traffic");
	static struct fake_port fa, fz;
	struct tport a, z;
	fake_init(&a, &fa, 4, 1);
	fake_init(&z, &fz, 4, 2);
	fa.peer = &z;
	uint8_t frame[FRAME_MAX_LEN], buf[FRAME_MAX_LEN + 8];
	struct frame_hdr h = {.run = 7};
	size_t len = frame_build(frame, 60, &h, 0);
	char err[256] = "";
	int rc = 0;
	for (unsigned i = 0; i < 10 && rc == 0; i++)
		rc = traffic_send(&a, frame, len, 1000, err, sizeof(err));
	tap_check_true(rc == 0 && fz.rx_tail == 8, "a full ring is kicked and reaped, then the frame goes",
	               "10 frames through a 4-entry ring (%u delivered, %u still posted)", fz.rx_tail,
	               fa.posted);
	fa.stuck = true;
	for (unsigned i = 0; i < 10 && rc == 0; i++)
		rc = traffic_send(&a, frame, len, 1000, err, sizeof(err));
	tap_check_true(rc == -1 && strstr(err, "TX ring full") && strstr(err, "posted"),
	               "a ring that stays full is an error with the queue state", "stuck ring: %s", err);
	fa.stuck = false;
	fa.broken = true;
	rc = traffic_send(&a, frame, len, 1000, err, sizeof(err));
	tap_check_true(rc == -1 && strstr(err, "broken"), "a broken port's error is passed on", "broken: %s",
	               err);
	fa.broken = false;
	/* z has the frames of run 7 sent so far; add one of run 8 and one
	 * foreign frame. */
	unsigned of_run = fz.rx_tail - fz.rx_head;
	h.run = 8;
	deliver(&fz, frame, frame_build(frame, 60, &h, 0));
	memset(frame, 0, 60);
	deliver(&fz, frame, 60);
	struct frame_hdr g;
	unsigned got = 0;
	while (traffic_recv_run(&z, buf, sizeof(buf), 7, &g, 1000) == 1)
		got++;
	tap_check_eq(got, of_run, "traffic.h: only the frames of the run asked for",
	             "every frame of run 7 received");
	tap_check_eq(fz.rx_head, fz.rx_tail, "traffic.h: other runs and foreign frames are dropped",
	             "the queue is empty after");
	tap_check_eq(traffic_recv_run(&z, buf, sizeof(buf), 7, &g, 100), 0,
	             "traffic.h: a deadline on every wait", "nothing more: timeout, not a hang");
	deliver(&fz, frame, 60);
	tap_check_eq(traffic_drain(&z, buf, sizeof(buf), 100, 100000), 1,
	             "traffic.h: drain takes what is queued", "drain");
	tap_prefix_pop();
}

/* Two fake ports of 32 slots wired to each other, and small sample counts. */
static void fake_pair(struct tport *a, struct fake_port *fa, struct tport *z, struct fake_port *fz,
                      struct measure *m)
{
	fake_init(a, fa, 32, 1);
	fake_init(z, fz, 32, 2);
	fa->peer = z;
	fz->peer = a;
	m->n = (struct measure_counts){.rtt = 10, .rtt_warmup = 2, .rate = 10, .rate_large = 10, .agg = 4};
}

static void test_measure(void)
{
	tap_prefix_push("measure");
	static struct fake_port fa, fz;
	static struct measure m;
	struct tport a, z;
	fake_pair(&a, &fa, &z, &fz, &m);
	struct tap_counts before = tap_get_counts();
	measure_rtt(&m, &a, &z, "fake");
	measure_rate(&m, &a, &z, "fake", 32);
	struct tport *tx[1] = {&a};
	measure_aggregate(&m, tx, 1, &z);
	struct tap_counts after = tap_get_counts();
	/* 3 rtt sizes, 3 sizes x bursts 1, 8, 32 (the ring), 1 aggregate. */
	tap_check_eq(after.total - before.total, 3 + 9 + 1,
	             "measure.h: one figure per size, burst and sender count", "13 figures reported");
	tap_check_eq(after.failed - before.failed, 0, "measure.h: every figure measured over a lossless pair",
	             "no figure failed");
	tap_prefix_pop();
}

static const char *fake_known(const char *id)
{
	return strcmp(id, "fake-stall") == 0 ? "known deviation fake-stall" : NULL;
}

static void test_measure_known_stall(void)
{
	tap_prefix_push("measure, known stall");
	static struct fake_port fa, fz;
	static struct measure m;
	struct tport a, z;
	fake_pair(&a, &fa, &z, &fz, &m);
	fa.broken = true;
	m.known_deviation = fake_known;
	struct tap_counts before = tap_get_counts();
	measure_rate(&m, &a, &z, "fake", 32);
	struct tap_counts after = tap_get_counts();
	tap_check_eq(after.todo - before.todo, 9, "bench_report.h: a known deviation's figure is TODO",
	             "every figure of the broken port names the deviation");
	tap_check_eq(after.failed - before.failed, 0, "bench_report.h: a known deviation's figure is TODO",
	             "no figure counted as failed");
	tap_prefix_pop();
}

int main(void)
{
	tap_begin();
	test_frame();
	test_send_recv();
	test_measure();
	test_measure_known_stall();
	return unit_done();
}
