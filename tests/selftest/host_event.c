/* tests/selftest/host_event.c: suite `selftest-event`, requests the host
 * must refuse (an unknown event, a function that does not exist) with a
 * negative answer instead of silence. tests/harness/test_host_events.py
 * boots it and asserts the host's one-line errors. */
#include <string.h>

#include "boot/host_request.h"
#include "lib/suite.h"

#define R_REFUSED                                                                                            \
	"vfprobe host events (lib/host_event.h): a request the host cannot serve gets an error answer"
#define TIMEOUT_US 10000000ULL

static void refused(const char *event, const char *args, const char *reason)
{
	struct host_event_reply r;
	host_request(event, args, TIMEOUT_US, &r);
	tap_check(r.status == HOST_EVENT_REFUSED && strstr(r.text, reason) != NULL, R_REFUSED, r.text, reason,
	          "%s%s%s is refused", event, *args ? " " : "", args);
}

static void run(const struct run_config *cfg)
{
	(void)cfg;
	refused("no-such-event", "", "unknown event 'no-such-event'");
	refused("link-down", "fn=99", "fn=99 is not a function");
	refused("link-up", "fn=x", "fn= must be a function number");
}

VFPROBE_SUITE(selftest_event, "selftest-event", "event requests the host must refuse", run, SUITE_EXPLICIT,
              NULL);
