/* firmware/boot/run.c: options -> suites -> verdict. */
#include "boot/run.h"

#include <stdio.h>
#include <string.h>

#include "boot/platform.h"
#include "boot/timer.h"
#include "lib/tap.h"
#include "lib/suite.h"

extern const struct suite __vfprobe_suites_start[], __vfprobe_suites_end[];

static const char *const common_options[] = {"suite", "pfs",  "vfs",    "model",    "mode", "backend",
                                             "peers", "ring", "queues", "hostport", "iommu"};
#define N_COMMON  (sizeof(common_options) / sizeof(common_options[0]))
#define KNOWN_MAX 64

/* The table's bounds come from linker/efi.lds: compare addresses, not objects. */
static size_t suite_count(void)
{
	return ((uintptr_t)__vfprobe_suites_end - (uintptr_t)__vfprobe_suites_start) / sizeof(struct suite);
}

static const struct suite *suite_find(const char *name, size_t len)
{
	for (size_t i = 0; i < suite_count(); i++) {
		const struct suite *s = &__vfprobe_suites_start[i];
		if (strlen(s->name) == len && strncmp(s->name, name, len) == 0)
			return s;
	}
	return NULL;
}

static void known_options(const char **known)
{
	size_t n = 0;
	for (size_t i = 0; i < N_COMMON; i++)
		known[n++] = common_options[i];
	for (size_t i = 0; i < suite_count(); i++)
		for (const char *const *o = __vfprobe_suites_start[i].options; o && *o && n + 1 < KNOWN_MAX;
		     o++)
			known[n++] = *o;
	known[n] = NULL;
}

static bool suite_selected(const struct suite *s, const char *list)
{
	return options_list_has(list, s->name) ||
	       (options_list_has(list, "all") && !(s->flags & SUITE_EXPLICIT));
}

/* A suite's own option is taken only when that suite runs (bench's
 * validate=off must never reach a conformance suite): the name of the
 * first option that belongs to suites none of which runs, or NULL. */
static const char *stray_option(const struct options *o, const char *list)
{
	for (unsigned k = 0; k < o->count; k++) {
		bool common = false, owned = false, selected = false;
		for (size_t i = 0; i < N_COMMON; i++)
			common |= strcmp(o->kv[k].key, common_options[i]) == 0;
		for (size_t i = 0; i < suite_count() && !common; i++)
			for (const char *const *so = __vfprobe_suites_start[i].options; so && *so; so++)
				if (strcmp(o->kv[k].key, *so) == 0) {
					owned = true;
					selected |= suite_selected(&__vfprobe_suites_start[i], list);
				}
		if (owned && !selected)
			return o->kv[k].key;
	}
	return NULL;
}

/* hostport=LIST: the functions of LIST, as peers_parse reads all:LIST. */
static bool parse_host_port(const char *list, struct peer_map *m, char *err, size_t errlen)
{
	char spec[OPTION_VALUE_MAX + 8], why[120];
	snprintf(err, errlen, "hostport is a function list N[-M][,N[-M]...], not '%.40s'", list);
	if (!*list || list[strspn(list, "0123456789,-")] != '\0')
		return false;
	snprintf(spec, sizeof(spec), "all:%s", list);
	return peers_parse(m, spec, why, sizeof(why)) == 0;
}

static bool parse_config(struct run_config *cfg, char *err, size_t errlen)
{
	static struct peer_map peers;
	const struct options *o = &platform.options;
	const char *mode = options_get(o, "mode");
	const char *p = options_get(o, "peers");
	cfg->opts = o;
	cfg->model = options_get(o, "model");
	cfg->backend = options_get(o, "backend");
	cfg->short_mode = mode && strcmp(mode, "short") == 0;
	snprintf(err, errlen, "pfs and vfs take numbers, mode is short or full");
	if (mode && strcmp(mode, "short") && strcmp(mode, "full"))
		return false;
	if (peers_parse(&peers, p, err, errlen) != 0)
		return false; /* "all" when not said */
	cfg->peers = &peers;
	static struct peer_map host_port;
	const char *h = options_get(o, "hostport");
	if (h && !parse_host_port(h, &host_port, err, errlen))
		return false;
	cfg->host_port = h ? &host_port : NULL;
	const char *ring = options_get(o, "ring");
	snprintf(err, errlen, "ring is split or packed, not '%s'", ring ? ring : "");
	if (ring && strcmp(ring, "split") && strcmp(ring, "packed"))
		return false;
	cfg->ring = ring && strcmp(ring, "packed") == 0 ? RUN_RING_PACKED : RUN_RING_SPLIT;
	const char *iommu = options_get(o, "iommu");
	snprintf(err, errlen, "iommu is none or vtd, not '%s'", iommu ? iommu : "");
	if (iommu && strcmp(iommu, "none") && strcmp(iommu, "vtd"))
		return false;
	cfg->iommu = iommu && strcmp(iommu, "vtd") == 0 ? RUN_IOMMU_VTD : RUN_IOMMU_NONE;
	snprintf(err, errlen, "pfs, vfs and queues take numbers, queues at least 1");
	return options_get_uint(o, "pfs", 0, &cfg->pfs) && options_get_uint(o, "vfs", 0, &cfg->vfs) &&
	       options_get_uint(o, "queues", 1, &cfg->queues) && cfg->queues >= 1;
}

static void print_boot_facts(void)
{
	const struct tsc_calibration *c = tsc_calibration();
	tap_diag("vfprobe: options \"%s\" (from %s)", platform.cmdline, platform.cmdline_source);
	tap_diag("tsc: %llu Hz, measured against %s over %llu us", (unsigned long long)c->hz, c->reference,
	         (unsigned long long)c->window_us);
	tap_diag("memory: %llu MiB usable, heap %zu MiB, DMA pool %zu MiB",
	         (unsigned long long)(platform.conventional_bytes >> 20), platform.heap_bytes >> 20,
	         platform.dma_bytes >> 20);
	printf("BENCH phase=efi_main value=%llu unit=ns\n",
	       (unsigned long long)tsc_to_ns(platform.tsc_entry));
	printf("BENCH phase=exit_boot_services value=%llu unit=ns\n",
	       (unsigned long long)tsc_to_ns(platform.tsc_boot_services_exited));
}

static void run_suite(const struct suite *s, const struct run_config *cfg)
{
	tap_diag("suite %s: %s", s->name, s->summary);
	unsigned depth = tap_prefix_depth();
	tap_prefix_push("%s", s->name);
	s->run(cfg);
	tap_prefix_restore(depth);
}

enum verdict vfprobe_run(void)
{
	const char *known[KNOWN_MAX];
	char err[160];
	known_options(known);
	tap_begin();
	if (options_parse(&platform.options, platform.cmdline, known, err, sizeof(err)) != 0) {
		tap_bail_out("options: %s (see scripts/vfprobe --help)", err);
		return VERDICT_BAIL;
	}
	struct run_config cfg = {0};
	if (!parse_config(&cfg, err, sizeof(err))) {
		tap_bail_out("options: %s", err);
		return VERDICT_BAIL;
	}
	const char *list = options_get(&platform.options, "suite");
	if (!list || !*list)
		list = "boot";
	/* Validate every name before running any. */
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (!(len == 3 && strncmp(p, "all", 3) == 0) && !suite_find(p, len)) {
			tap_bail_out("unknown suite '%.*s' (scripts/vfprobe --list shows them)", (int)len, p);
			return VERDICT_BAIL;
		}
		p += len + (p[len] == ',');
	}
	const char *stray = stray_option(&platform.options, list);
	if (stray) {
		tap_bail_out("option '%s' belongs to a suite this run does not run (scripts/vfprobe --list)",
		             stray);
		return VERDICT_BAIL;
	}
	/* After the TAP header, which needs no clock, so the first line does not wait for it. */
	tsc_calibrate();
	print_boot_facts();
	/* In the order given; `all` is every suite but the selftests. */
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len == 3 && strncmp(p, "all", 3) == 0) {
			for (size_t i = 0; i < suite_count(); i++)
				if (!(__vfprobe_suites_start[i].flags & SUITE_EXPLICIT))
					run_suite(&__vfprobe_suites_start[i], &cfg);
		} else {
			run_suite(suite_find(p, len), &cfg);
		}
		p += len + (p[len] == ',');
	}
	printf("BENCH phase=verdict value=%llu unit=ns\n", (unsigned long long)tsc_to_ns(rdtsc()));
	struct tap_counts c = tap_end();
	/* A suite that bailed out ran only in part: that is no pass. */
	return c.bailed ? VERDICT_BAIL : c.failed ? VERDICT_FAIL : VERDICT_PASS;
}
