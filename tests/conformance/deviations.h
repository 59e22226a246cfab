/* tests/conformance/deviations.h: known deviations of QEMU from a spec.
 *
 * A check that QEMU fails stays a failing check: we do not bend the rule.
 * When the failure is a documented deviation for the model under test, the
 * check is reported as TAP TODO instead, so the run stays green and the
 * deviation stays visible (and an "ok ... # TODO" says it has been fixed).
 *
 * Each area keeps its own table in its own file and registers it once at
 * the start of its suite:
 *
 *   static const struct deviation virtio_deviations[] = {
 *       { .id = "virtio-foo", .rule = "virtio v1.3 §4.1.4.3 ...",
 *         .evidence = "what the guest read", .source = "hw/virtio/virtio-pci.c:123",
 *         .models = "virtio-net" },
 *   };
 *   deviations_register(virtio_deviations, DEVIATION_COUNT(virtio_deviations));
 *   ...
 *   tap_check_eq_kfail(deviation_known("virtio-foo", cfg->model), got, want, rule, "...");
 *
 * Registration is at run time: a table registers when its suite starts. */
#ifndef VFPROBE_TESTS_DEVIATIONS_H
#define VFPROBE_TESTS_DEVIATIONS_H

#include <stdbool.h>
#include <stddef.h>

struct deviation {
	const char *id;       /* short stable name, used by the checks */
	const char *rule;     /* the rule QEMU breaks, with its section */
	const char *evidence; /* what the guest observes */
	const char *source;   /* file:line in the QEMU 10.2.2 source */
	const char *models;   /* comma-separated models it applies to, or "*" */
	/* Shows only under some timings: a passing check is then no news (the
	 * TODO text says "[intermittent]" and the host does not report it as
	 * no longer seen). */
	bool intermittent;
};

#define DEVIATION_COUNT(t) (sizeof(t) / sizeof((t)[0]))

/* Idempotent: registering the same table twice is harmless. false when the
 * registry is full. */
bool deviations_register(const struct deviation *table, size_t n);
const struct deviation *deviation_find(const char *id);
bool deviation_applies(const struct deviation *d, const char *model);
/* The reason text for tap_check_kfail() when deviation `id` is known for
 * `model` ("known QEMU deviation ID (source)"), else NULL. An unknown id
 * is a diagnostic (a typo must not hide a failure) and gives NULL. */
const char *deviation_known(const char *id, const char *model);
/* One diagnostic line per registered deviation that applies to `model`. */
void deviations_list(const char *model);

/* The SR-IOV suite's table (deviations.c), registered by the suite. */
extern const struct deviation sriov_deviations[];
extern const size_t sriov_deviation_count;

#endif
