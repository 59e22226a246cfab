/* tests/conformance/migrate_filter.h: the receive filter state suite
 * `migrate` carries across a migration (virtio v1.3 §5.1.6.5.1-2):
 * promiscuous mode off and a unicast MAC table of one entry, nfp_uni_in
 * (net_filter_probe.h). A probe sends one frame to that entry and one to
 * nfp_uni_out, outside every table: a function in that state takes the
 * first and not the second. */
#ifndef VFPROBE_TESTS_MIGRATE_FILTER_H
#define VFPROBE_TESTS_MIGRATE_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "virtio_env.h"

/* What a probe saw at one receiver. */
struct mig_filter_seen {
	bool in, out; /* the frame to the table entry / the one outside it arrived */
};

/* Put nd in the state above; false (with one line in why) when the device
 * did not ack both commands. */
bool mig_filter_set(struct net_dev *nd, char *why, size_t cap);
/* Send the two probe frames (round `run`) from up function s, then read
 * every other up function's receive queue until quiet; seen[r] for each r
 * (seen[s] is left alone). Every function's traffic must be drained first:
 * whatever else arrives is dropped. 0, or -1 when s could not send. */
int mig_filter_probe(struct venv *e, size_t s, unsigned run, struct mig_filter_seen *seen);

#endif
