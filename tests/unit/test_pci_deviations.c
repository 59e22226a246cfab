/* tests/unit/test_pci_deviations.c: the known-deviation registry of
 * tests/conformance/deviations.c (model matching, TODO reasons, unknown
 * ids). The file is pure C over tap.c, so it is compiled in directly. */
#include <string.h>

#include "conformance/deviations.c"
#include "unit.h"

static const struct deviation extra[] = {
    {.id = "x-all", .rule = "r", .evidence = "e", .source = "s:1", .models = "*"},
    {.id = "x-igb", .rule = "r", .evidence = "e", .source = "s:2", .models = "virtio-net,igb"},
};

int main(void)
{
	tap_begin();
	tap_check_true(deviations_register(sriov_deviations, sriov_deviation_count), "registry",
	               "register sriov table");
	tap_check_true(deviations_register(extra, DEVIATION_COUNT(extra)), "registry",
	               "register a second table");
	tap_check_true(deviations_register(extra, DEVIATION_COUNT(extra)), "registry",
	               "registering twice is harmless");
	const struct deviation *d = deviation_find("x-igb");
	tap_check_true(d && strcmp(d->source, "s:2") == 0, "registry", "find by id across tables");
	tap_check_true(deviation_find("sriov-vf-interrupt-pin") != NULL, "registry",
	               "find in the sriov table");
	tap_check_true(deviation_find("nope") == NULL, "registry", "unknown id: NULL");
	tap_check_true(deviation_applies(d, "igb") && deviation_applies(d, "virtio-net"), "registry",
	               "applies to each listed model");
	tap_check_true(!deviation_applies(d, "nvme") && !deviation_applies(d, "igbx") &&
	                   !deviation_applies(d, "ig"),
	               "registry", "no prefix or substring matches");
	tap_check_true(!deviation_applies(d, NULL), "registry",
	               "unknown model: listed deviations do not apply");
	tap_check_true(deviation_applies(deviation_find("x-all"), NULL), "registry",
	               "'*' applies to every model");
	for (size_t i = 0; i < sriov_deviation_count; i++) {
		const struct deviation *s = &sriov_deviations[i];
		tap_check_true(s->id && s->rule && s->evidence && s->source && s->models &&
		                   strchr(s->source, ':'),
		               "registry", "sriov deviation %s is fully documented (file:line)", s->id);
	}
	/* deviation_known gives the TODO reason for a model it applies to:
	 * an expected failure then counts as TODO, not as a failure. */
	struct tap_counts before = tap_get_counts();
	const char *nvme_known = deviation_known("x-igb", "nvme");
	tap_check_true(nvme_known == NULL, "registry", "not for nvme: NULL");
	const char *igb_known = deviation_known("x-igb", "igb");
	tap_check_kfail(igb_known, false, "registry", "false", "true", "a known deviation fails as TODO");
	struct tap_counts after = tap_get_counts();
	tap_check_true(igb_known && strcmp(igb_known, "known QEMU deviation x-igb (s:2)") == 0, "registry",
	               "for igb: the reason names the id and the source");
	tap_check_eq(after.failed, before.failed, "registry", "the TODO failure is not counted as failed");
	tap_check_eq(after.todo, before.todo + 1, "registry", "and is counted as todo");
	const char *all_known = deviation_known("x-all", NULL);
	tap_check_true(all_known && igb_known && strcmp(igb_known, "known QEMU deviation x-igb (s:2)") == 0,
	               "registry", "a later lookup leaves an earlier reason intact");
	tap_check_true(deviation_known("no-such-id", "igb") == NULL, "registry", "unknown id: NULL");
	return unit_done();
}
