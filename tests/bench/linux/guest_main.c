/* tests/bench/linux/guest_main.c: see guest_main.h. */
#include "guest_main.h"

#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <unistd.h>

#include "kfile.h"
#include "lib/bench_report.h"
#include "lib/clock.h"
#include "lib/tap.h"

void baseline_exit(enum verdict v)
{
	fflush(stdout);
	if (ioperm(DEBUG_EXIT_PORT, 4, 1) == 0)
		outl((unsigned)v, DEBUG_EXIT_PORT);
	sleep(2);
}

int baseline_main(const struct baseline_guest *g, struct measure *m, bool *short_mode, int argc, char **argv)
{
	char cmdline[1024] = "";
	kfile_read("/proc/cmdline", cmdline, sizeof(cmdline));
	*short_mode = strstr(cmdline, "vfprobe.mode=short") != NULL;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--short"))
			*short_mode = true;
	m->n = *short_mode ? measure_counts_short : g->full;
	m->run = g->run_tag;
	setvbuf(stdout, NULL, _IOLBF, 0);
	bench_set_impl(g->impl);
	tap_begin();
	tap_diag("%s: %s mode", g->what, *short_mode ? "short" : "full");
	printf("BENCH phase=userspace value=%llu unit=ns\n", (unsigned long long)clock_now());
	tap_prefix_push("%s", g->impl);
	g->run();
	tap_prefix_pop();
	printf("BENCH phase=verdict value=%llu unit=ns\n", (unsigned long long)clock_now());
	struct tap_counts c = tap_end();
	baseline_exit(c.failed ? VERDICT_FAIL : VERDICT_PASS);
	return c.failed ? 1 : 0;
}
