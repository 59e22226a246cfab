/* firmware/lib/reset_carry.c: the first boot's state, as words for the host. */
#include "lib/reset_carry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int reset_carry_format(const struct reset_carry *c, char *buf, size_t len)
{
	const struct tap_counts *t = &c->counts;
	int n = snprintf(buf, len, "passed=%u failed=%u skipped=%u todo=%u total=%u caps=%s", t->passed,
	                 t->failed, t->skipped, t->todo, t->total, c->caps[0] ? c->caps : "-");
	return n < 0 || (size_t)n >= len ? -1 : n;
}

/* "KEY=NUMBER" at *p: the number, and *p moved past the word. */
static bool take_uint(const char **p, const char *key, unsigned *v)
{
	size_t k = strlen(key);
	if (strncmp(*p, key, k) != 0 || (*p)[k] != '=')
		return false;
	const char *digits = *p + k + 1;
	char *end;
	unsigned long n = strtoul(digits, &end, 10);
	if (end == digits || (*end && *end != ' ') || n > 0xffffffffUL)
		return false;
	*v = (unsigned)n;
	*p = *end ? end + 1 : end;
	return true;
}

bool reset_carry_parse(const char *text, struct reset_carry *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	const char *p = text;
	snprintf(err, errlen, "boot-count answer '%s' does not start with boot=N (N >= 1)", text);
	if (!take_uint(&p, "boot", &c->boot) || c->boot == 0)
		return false;
	if (!*p)
		return true; /* nothing carried: a first boot, or a host that lost it */
	struct tap_counts *t = &c->counts;
	snprintf(err, errlen,
	         "boot-count answer '%s' lacks passed= failed= skipped= todo= total= caps=", text);
	if (!take_uint(&p, "passed", &t->passed) || !take_uint(&p, "failed", &t->failed) ||
	    !take_uint(&p, "skipped", &t->skipped) || !take_uint(&p, "todo", &t->todo) ||
	    !take_uint(&p, "total", &t->total) || strncmp(p, "caps=", 5) != 0)
		return false;
	p += 5;
	size_t n = strcspn(p, " ");
	snprintf(err, errlen, "boot-count answer: caps= takes one word of at most %d characters",
	         RESET_CARRY_CAPS_MAX - 1);
	if (n == 0 || n >= sizeof(c->caps) || p[n])
		return false;
	snprintf(err, errlen, "boot-count answer: passed + failed + skipped is not total");
	if (t->passed + t->failed + t->skipped != t->total || t->todo > t->passed)
		return false;
	if (strcmp(p, "-") != 0)
		memcpy(c->caps, p, n + 1);
	err[0] = '\0';
	return true;
}
