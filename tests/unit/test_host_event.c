/* tests/unit/test_host_event.c: firmware/lib/host_event.c, the guest's
 * half of the event handshake, against scripted host replies. */
#include <stdlib.h>
#include <string.h>

#include "lib/host_event.h"
#include "unit.h"

/* The host's side: the bytes it sends, then silence for `idle` polls. */
struct script {
	const char *bytes;
	size_t pos;
	unsigned idle;
};

static int script_read(void *ctx)
{
	struct script *s = ctx;
	return s->bytes[s->pos] ? (unsigned char)s->bytes[s->pos++] : -1;
}

static bool script_expired(void *ctx)
{
	struct script *s = ctx;
	return !s->bytes[s->pos] && s->idle-- == 0;
}

static unsigned seq_sent; /* the requests made so far */

/* The SEQ the next request carries. */
static unsigned next_seq(void)
{
	return seq_sent + 1;
}

/* Ask for `name` while the host sends `bytes`; the request line printed
 * goes to req. */
static enum host_event_status ask(const char *name, const char *args, const char *bytes,
                                  struct host_event_reply *r, char *req, size_t req_cap)
{
	seq_sent++;
	struct script s = {.bytes = bytes, .idle = 3};
	const struct host_event_io io = {.read_byte = script_read, .expired = script_expired, .ctx = &s};
	FILE *out = fmemopen(req, req_cap, "w");
	enum host_event_status st = host_event_ask(out, &io, name, args, r);
	fclose(out);
	return st;
}

static void test_ask(void)
{
	struct host_event_reply r;
	char req[256], host[512], want[64];
	snprintf(host, sizeof(host), "vfprobe-reply: %u ok set_link pf0vf3 down\n", next_seq());
	tap_check_eq(ask("link-down", "fn=3", host, &r, req, sizeof(req)), HOST_EVENT_DONE,
	             "an ok reply with the request's SEQ completes it", "ok reply");
	snprintf(want, sizeof(want), "# vfprobe-event: %u link-down fn=3\n", seq_sent);
	tap_check(strcmp(req, want) == 0, "the request is one line: prefix, SEQ, name, arguments", req, want,
	          "request line");
	tap_check_true(strcmp(r.text, "set_link pf0vf3 down") == 0 && r.seq == seq_sent,
	               "the reply's text and SEQ are kept", "reply text");

	ask("link-up", "", "", &r, req, sizeof(req));
	snprintf(want, sizeof(want), "# vfprobe-event: %u link-up\n", seq_sent);
	tap_check(strcmp(req, want) == 0, "no arguments: no trailing blank", req, want,
	          "request without args");
	tap_check_eq(r.status, HOST_EVENT_NO_ANSWER, "silence until the deadline is no answer", "no answer");
	tap_check_true(strstr(r.text, "link-up") != NULL, "no answer names the event", "no-answer text");

	unsigned seq = next_seq();
	snprintf(host, sizeof(host),
	         "vfprobe-reply: %u ok late\nnoise\r\nvfprobe-reply: %u okay\nvfprobe-reply: %u ok\r\n",
	         seq - 1, seq, seq);
	tap_check_eq(ask("link-up", "fn=1", host, &r, req, sizeof(req)), HOST_EVENT_DONE,
	             "replies to other requests and other lines are skipped; CR LF ends a line",
	             "stale reply skipped");
	tap_check_true(r.text[0] == 0, "an ok without text has empty text", "empty text");

	snprintf(host, sizeof(host), "vfprobe-reply: %u error unknown event 'bogus'\n", next_seq());
	tap_check_eq(ask("bogus", "", host, &r, req, sizeof(req)), HOST_EVENT_REFUSED,
	             "an error reply is a refusal", "error reply");
	tap_check_true(strcmp(r.text, "unknown event 'bogus'") == 0, "the refusal keeps the host's reason",
	               "error text");

	memset(host, 'x', 400);
	snprintf(host + 400, sizeof(host) - 400, "\nvfprobe-reply: %u ok\n", next_seq());
	tap_check_eq(ask("link-down", "fn=2", host, &r, req, sizeof(req)), HOST_EVENT_DONE,
	             "an over-long line is cut, not overrun, and the next line still read", "long line");
}

static void test_parse(void)
{
	unsigned seq = 0;
	bool ok = false;
	const char *text = NULL;
	tap_check_true(host_event_parse_reply("vfprobe-reply: 12 error no such netdev", &seq, &ok, &text) &&
	                   seq == 12 && !ok && strcmp(text, "no such netdev") == 0,
	               "SEQ, error and text", "error reply parses");
	static const char *const bad[] = {"vfprobe-reply: x ok",          "vfprobe-reply: 3",
	                                  "vfprobe-reply: 3 okay",        "vfprobe-reply:3 ok",
	                                  "# vfprobe-event: 3 link-up",   "vfprobe-reply: 3  ok",
	                                  "vfprobe-reply: 99999999999 ok"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_check_true(!host_event_parse_reply(bad[i], &seq, &ok, &text),
		               "a malformed reply is not a reply", "refused: '%s'", bad[i]);
}

int main(void)
{
	tap_begin();
	tap_prefix_push("host_event");
	test_ask();
	test_parse();
	tap_prefix_pop();
	return unit_done();
}
