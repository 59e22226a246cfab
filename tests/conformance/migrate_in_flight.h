/* tests/conformance/migrate_in_flight.h: frames in flight across a
 * migration (suite `migrate`): each function leaves some kicked (sitting
 * unread in the receivers' RX rings) and some made available without a
 * kick, the host migrates, then the driver kicks and every receiver must
 * get each frame once, in order, byte for byte (traffic_check.h). The
 * functions the migration reset are judged apart, under a known deviation. */
#ifndef VFPROBE_TESTS_MIGRATE_IN_FLIGHT_H
#define VFPROBE_TESTS_MIGRATE_IN_FLIGHT_H

#include <stdbool.h>

#include "traffic_check.h"

/* Post the frames in flight on every up function (after vt_phase_begin). */
void mig_put_in_flight(struct vt *t);
/* Kick every up function's transmit queue. */
void mig_kick_all(struct venv *e);
/* reset[i]: up function i reads device_status 0 (the migration reset it);
 * how many did. */
unsigned mig_find_reset(struct venv *e, bool *reset);
/* Per up receiver, once the frames were kicked and drained: those from the
 * functions the migration kept (a plain check), and those to or from one
 * it reset (reported under `known`). */
void mig_in_flight_verdict(struct vt *t, const bool *reset, const char *known);

#endif
