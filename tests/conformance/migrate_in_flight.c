/* tests/conformance/migrate_in_flight.c: see migrate_in_flight.h. */
#include "migrate_in_flight.h"

#include <stdio.h>

#include "boot/timer.h"
#include "lib/tap.h"

#define R_IN_FLIGHT                                                                                          \
	"virtio v1.3 §2.7.13 / §5.1.6.2: buffers made available before a migration are used "              \
	"exactly once after it: every frame in flight arrives once, in order, byte for byte"

#define KICKED_IN_FLIGHT  4u     /* per function: sent, landed in RX rings, not read */
#define POSTED_IN_FLIGHT  4u     /* per function: made available, not kicked */
#define IN_FLIGHT_LAND_US 20000u /* for the hub to carry the kicked ones */

/* Frames in flight: KICKED_IN_FLIGHT per function kicked (the hub puts
 * them in the peers' RX rings, nobody reads them yet), then
 * POSTED_IN_FLIGHT made available without a kick. */
void mig_put_in_flight(struct vt *t)
{
	struct venv *e = t->e;
	for (size_t s = 0; s < e->n; s++)
		if (e->fn[s].up)
			vt_send(t, s, KICKED_IN_FLIGHT, 60 + s * 61, 97);
	udelay(IN_FLIGHT_LAND_US);
	for (size_t s = 0; s < e->n; s++) {
		struct venv_fn *fn = &e->fn[s];
		if (!fn->up || !venv_heard(e, s))
			continue;
		fn->port.ops->reap(&fn->port);
		for (unsigned k = 0; k < POSTED_IN_FLIGHT; k++) {
			uint32_t seq = t->tx_seq[s];
			size_t len =
			    vt_build(t->buf, vt_size(seq, 60 + s * 61, 97), (unsigned)s, seq, fn->nd->mac);
			if (fn->port.ops->tx(&fn->port, t->buf, len) != 0)
				break;
			t->tx_seq[s]++;
		}
	}
}

void mig_kick_all(struct venv *e)
{
	for (size_t s = 0; s < e->n; s++)
		if (e->fn[s].up)
			e->fn[s].port.ops->kick(&e->fn[s].port);
}

/* Which up functions the migration reset (device_status reads 0 on the
 * destination); how many. */
unsigned mig_find_reset(struct venv *e, bool *reset)
{
	unsigned n = 0;
	for (size_t i = 0; i < e->n; i++) {
		reset[i] = e->fn[i].up && vpci_get_status(&e->fn[i].nd->vp) == 0;
		n += reset[i];
	}
	return n;
}

/* Receiver r's frames in flight from the senders with from[s] (r hears
 * them): every one once, in order, byte for byte. */
static void in_flight_check(struct vt *t, size_t r, const bool *from, const char *which, const char *known)
{
	uint64_t due = 0, got_n = 0;
	for (size_t s = 0; s < t->e->n; s++)
		if (from[s] && s != r) {
			due += vt_phase_due(t, r, s);
			got_n += t->rx_from[r * t->e->n + s];
		}
	if (!due)
		return;
	const struct vt_rx_stats *st = &t->rx[r];
	char got[200];
	snprintf(got, sizeof(got), "%llu of %llu; reordered %llu, corrupt %llu, leaked %llu%s%s",
	         (unsigned long long)got_n, (unsigned long long)due, (unsigned long long)st->reordered,
	         (unsigned long long)st->corrupt, (unsigned long long)st->leaked,
	         st->first_err[0] ? "; " : "", st->first_err);
	bool ok = got_n == due && !st->reordered && !st->corrupt && !st->leaked;
	tap_check_kfail(known, ok, R_IN_FLIGHT, got, "every frame due once, in order",
	                "the %llu frames in flight %s arrive", (unsigned long long)due, which);
}

/* Per receiver: the frames in flight from the functions the migration
 * kept, and, under the known deviation, those to or from one it reset. */
void mig_in_flight_verdict(struct vt *t, const bool *reset, const char *known)
{
	size_t n = t->e->n;
	bool kept[VENV_MAX], all[VENV_MAX];
	for (size_t i = 0; i < n; i++) {
		kept[i] = !reset[i];
		all[i] = true;
	}
	for (size_t r = 0; r < n; r++) {
		struct venv_fn *fn = &t->e->fn[r];
		if (!fn->up)
			continue;
		tap_prefix_push("%s", fn->name);
		if (reset[r]) {
			in_flight_check(t, r, all, "to it (reset by the migration)", known);
		} else {
			in_flight_check(t, r, kept, "from functions the migration kept", NULL);
			in_flight_check(t, r, reset, "from functions the migration reset", known);
		}
		tap_prefix_pop();
	}
}
