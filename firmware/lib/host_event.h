/* firmware/lib/host_event.h: asking the host to act on the running guest
 * (a link flap, ...), the guest's half of scripts/qmp_events.py:
 *
 *   guest, on the console:   # vfprobe-event: SEQ NAME [KEY=VALUE ...]
 *   host, on the guest's COM1: vfprobe-reply: SEQ ok TEXT
 *                              vfprobe-reply: SEQ error TEXT
 *
 * SEQ numbers the guest's requests, so a reply that comes after its
 * request gave up is never taken for a later one. Pure: the bytes come in
 * through struct host_event_io, so tests/unit drives it on the host. */
#ifndef VFPROBE_LIB_HOST_EVENT_H
#define VFPROBE_LIB_HOST_EVENT_H

#include <stdbool.h>
#include <stdio.h>

#define HOST_EVENT_PREFIX   "# vfprobe-event: "
#define HOST_REPLY_PREFIX   "vfprobe-reply: "
#define HOST_EVENT_LINE_MAX 160

enum host_event_status {
	HOST_EVENT_DONE,      /* the host acted: "ok" */
	HOST_EVENT_REFUSED,   /* the host could not: "error" */
	HOST_EVENT_NO_ANSWER, /* no reply before the deadline */
};

struct host_event_io {
	int (*read_byte)(void *ctx); /* a received byte, or -1 when none is waiting */
	bool (*expired)(void *ctx);  /* true once the deadline has passed */
	void *ctx;
};

struct host_event_reply {
	enum host_event_status status;
	unsigned seq;                   /* the request's number */
	char text[HOST_EVENT_LINE_MAX]; /* the host's text, or why there was none */
};

/* Print the request for event `name` with `args` ("fn=3", or "") on out,
 * then read lines through io until the reply carrying its SEQ (every other
 * line is skipped) or the deadline. Returns r->status. */
enum host_event_status host_event_ask(FILE *out, const struct host_event_io *io, const char *name,
                                      const char *args, struct host_event_reply *r);

/* One reply line: its SEQ, ok or error, and its text (points into line).
 * false when the line is not a well-formed reply. */
bool host_event_parse_reply(const char *line, unsigned *seq, bool *ok, const char **text);

#endif
