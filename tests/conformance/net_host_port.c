/* tests/conformance/net_host_port.c: see net_host_port.h. */
#include "net_host_port.h"

#include <stdio.h>
#include <string.h>

#include "boot/timer.h"
#include "lib/frame.h"
#include "traffic_check.h"

#define R_HOST_RX                                                                                            \
	"virtio v1.3 §5.1.6.4 Processing of Incoming Packets: a frame from the wire (the runner's host "    \
	"port) "                                                                                             \
	"reaches the driver's buffer unchanged, once, in order"
#define R_HOST_LINK "virtio v1.3 §5.1.6 Device Operation: a function the host port is linked with is up"

/* After the last frame due, how long extra (duplicate) frames may take. */
#define HOST_PORT_SETTLE_US 20000

struct host_rx {
	uint32_t next; /* the host frame due next */
	unsigned ok, bad, other;
	char err[120];
};

static struct host_rx host_rx[VENV_MAX];
static uint8_t rx_buf[FRAME_BUF_LEN], ref_buf[FRAME_BUF_LEN];

static void note(struct host_rx *st, const char *what, uint32_t seq, size_t len, size_t want, size_t at)
{
	st->bad++;
	if (!st->err[0])
		snprintf(st->err, sizeof(st->err),
		         "host frame %u: %s (%zu bytes, want %zu; first difference at %zu)", seq, what, len,
		         want, at);
}

static void check_frame(struct host_rx *st, const uint8_t *b, size_t len)
{
	struct frame_hdr h;
	if (!frame_parse(b, len, &h) || h.sender != FRAME_HOST_SENDER) {
		st->other++; /* not the host's: a tap's own kernel traffic, say */
		return;
	}
	size_t want = vt_build(ref_buf, frame_host_len(h.seq), FRAME_HOST_SENDER, h.seq,
	                       (const uint8_t *)FRAME_HOST_MAC);
	size_t at = 0;
	while (at < len && at < want && b[at] == ref_buf[at])
		at++;
	if (h.seq != st->next)
		note(st, h.seq < st->next ? "duplicated or late" : "early: frames before it lost", h.seq, len,
		     want, at);
	else if (len != want || at != len)
		note(st, "differs", h.seq, len, want, at);
	else
		st->ok++;
	if ((int32_t)(h.seq - st->next) >= 0)
		st->next = h.seq + 1;
}

static void receive(struct venv *e)
{
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		if (!fn->up || !venv_host_hears(e, i))
			continue;
		size_t len;
		while (fn->port.ops->rx(&fn->port, rx_buf, sizeof(rx_buf), &len) > 0)
			check_frame(&host_rx[i], rx_buf, len);
	}
}

static bool all_due(const struct venv *e, uint32_t last)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->fn[i].up && venv_host_hears(e, i) && host_rx[i].next <= last)
			return false;
	return true;
}

/* Did every linked function get the host's frames first..last intact? */
static bool all_intact(const struct venv *e, uint32_t first, uint32_t last)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->fn[i].up && venv_host_hears(e, i) &&
		    (host_rx[i].ok != last - first + 1 || host_rx[i].bad != 0))
			return false;
	return true;
}

/* Print `line`, then take the host's frames first..last on every linked
 * function until each has them all (or wait_us passes), then for
 * HOST_PORT_SETTLE_US more. */
static void exchange(struct venv *e, const char *line, uint32_t first, uint32_t last, uint64_t wait_us)
{
	for (size_t i = 0; i < e->n; i++)
		host_rx[i] = (struct host_rx){.next = first};
	tap_diag("%s", line);
	struct deadline end = deadline_in_us(wait_us);
	while (!all_due(e, last) && !deadline_passed(end))
		receive(e);
	struct deadline settle = deadline_in_us(HOST_PORT_SETTLE_US);
	while (!deadline_passed(settle))
		receive(e);
}

static void verdict(struct venv *e, uint32_t first, uint32_t last, const char *what)
{
	unsigned due = last - first + 1;
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		if (!venv_host_hears(e, i))
			continue;
		struct host_rx *st = &host_rx[i];
		tap_prefix_push("%s", fn->name);
		if (!fn->up) {
			tap_check(false, R_HOST_LINK, "device down", "up", "host port: %s", what);
		} else {
			char got[200];
			snprintf(got, sizeof(got), "%u of %u intact, %u wrong, %u not the host's%s%s", st->ok,
			         due, st->bad, st->other, st->err[0] ? "; " : "", st->err);
			tap_check(st->ok == due && st->bad == 0, R_HOST_RX, got,
			          "each host frame once, in order, byte for byte (tests/lib/frame.h)",
			          "host port: %s", what);
		}
		tap_prefix_pop();
	}
}

void host_port_greet(struct venv *e)
{
	if (!e->host_port)
		return;
	receive(e); /* whatever is left from before is not the host's answer */
	char what[80];
	snprintf(what, sizeof(what), "its %d frames of %d..%d bytes arrived intact", FRAME_HOST_COUNT,
	         FRAME_MIN_LEN, FRAME_MAX_LEN);
	/* A backend that starts a function's datapath some time after
	 * DRIVER_OK (vhost-user) may drop the first frames: ask again, as
	 * vt_wait_path does between functions; only the last answer counts. */
	unsigned tries = e->datapath_at_driver_ok ? 1 : HOST_PORT_TRIES;
	uint64_t wait_us = tries == 1 ? HOST_PORT_WAIT_US : HOST_PORT_WAIT_US / tries;
	for (unsigned k = 0; k < tries; k++) {
		exchange(e, HOST_PORT_SEND_LINE, 0, FRAME_HOST_COUNT - 1, wait_us);
		if (all_intact(e, 0, FRAME_HOST_COUNT - 1))
			break;
	}
	verdict(e, 0, FRAME_HOST_COUNT - 1, what);
}

void host_port_close(struct venv *e)
{
	if (!e->host_port)
		return;
	exchange(e, HOST_PORT_COUNT_LINE, FRAME_HOST_COUNT, FRAME_HOST_COUNT, HOST_PORT_WAIT_US);
	verdict(e, FRAME_HOST_COUNT, FRAME_HOST_COUNT, "its closing frame arrived intact");
}
