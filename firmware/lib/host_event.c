/* firmware/lib/host_event.c: event requests to the host and their replies
 * (host_event.h has the grammar). */
#include "lib/host_event.h"

#include <stdlib.h>
#include <string.h>

static unsigned next_seq = 1;

static const char *skip_word(const char *p, const char *word)
{
	size_t n = strlen(word);
	return strncmp(p, word, n) == 0 ? p + n : NULL;
}

bool host_event_parse_reply(const char *line, unsigned *seq, bool *ok, const char **text)
{
	const char *p = skip_word(line, HOST_REPLY_PREFIX);
	if (!p || *p < '0' || *p > '9')
		return false;
	char *end;
	unsigned long n = strtoul(p, &end, 10);
	if (*end != ' ' || n > 0xffffffffUL)
		return false;
	p = end + 1;
	const char *rest;
	if ((rest = skip_word(p, "ok")) != NULL)
		*ok = true;
	else if ((rest = skip_word(p, "error")) != NULL)
		*ok = false;
	else
		return false;
	if (*rest != 0 && *rest != ' ')
		return false;
	*seq = (unsigned)n;
	*text = *rest ? rest + 1 : rest;
	return true;
}

/* One line through io, without its end of line (CR LF or LF); an
 * over-long line is cut. false when the deadline passed first. */
static bool read_line(const struct host_event_io *io, char *buf, size_t cap)
{
	size_t len = 0;
	while (!io->expired(io->ctx)) {
		int c = io->read_byte(io->ctx);
		if (c < 0)
			continue;
		if (c == '\n') {
			if (len && buf[len - 1] == '\r')
				len--;
			buf[len] = 0;
			return true;
		}
		if (len + 1 < cap)
			buf[len++] = (char)c;
	}
	return false;
}

enum host_event_status host_event_ask(FILE *out, const struct host_event_io *io, const char *name,
                                      const char *args, struct host_event_reply *r)
{
	r->seq = next_seq++;
	fprintf(out, "%s%u %s%s%s\n", HOST_EVENT_PREFIX, r->seq, name, args && *args ? " " : "",
	        args ? args : "");
	fflush(out);
	char line[HOST_EVENT_LINE_MAX];
	while (read_line(io, line, sizeof(line))) {
		unsigned seq;
		bool ok;
		const char *text;
		if (!host_event_parse_reply(line, &seq, &ok, &text) || seq != r->seq)
			continue;
		snprintf(r->text, sizeof(r->text), "%s", text);
		return r->status = ok ? HOST_EVENT_DONE : HOST_EVENT_REFUSED;
	}
	snprintf(r->text, sizeof(r->text), "no reply to event %u %s before the deadline", r->seq, name);
	return r->status = HOST_EVENT_NO_ANSWER;
}
