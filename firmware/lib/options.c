/* firmware/lib/options.c: key=value load options. */
#include "lib/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_known(const char *key, const char *const *known)
{
	for (; known && *known; known++)
		if (strcmp(*known, key) == 0)
			return true;
	return false;
}

int options_parse(struct options *o, const char *cmdline, const char *const *known, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	const char *p = cmdline ? cmdline : "";
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *end = p;
		while (*end && *end != ' ' && *end != '\t')
			end++;
		size_t len = (size_t)(end - p);
		const char *eq = memchr(p, '=', len);
		const char *key = eq ? p : "suite";
		size_t klen = eq ? (size_t)(eq - p) : strlen("suite");
		const char *val = eq ? eq + 1 : p;
		size_t vlen = eq ? (size_t)(end - eq - 1) : len;
		if (o->count == OPTIONS_MAX) {
			snprintf(err, errlen, "more than %d options", OPTIONS_MAX);
			return -1;
		}
		if (klen == 0 || klen >= OPTION_KEY_MAX || vlen >= OPTION_VALUE_MAX) {
			snprintf(err, errlen, "option '%.*s' is malformed or too long", (int)len, p);
			return -1;
		}
		memcpy(o->kv[o->count].key, key, klen);
		memcpy(o->kv[o->count].value, val, vlen);
		if (!is_known(o->kv[o->count].key, known)) {
			snprintf(err, errlen, "unknown option '%s'", o->kv[o->count].key);
			return -1;
		}
		o->count++;
		p = end;
	}
	return 0;
}

const char *options_get(const struct options *o, const char *key)
{
	/* The last one wins, like a command line. */
	for (unsigned i = o->count; i-- > 0;)
		if (strcmp(o->kv[i].key, key) == 0)
			return o->kv[i].value;
	return NULL;
}

bool options_get_uint(const struct options *o, const char *key, unsigned long fallback, unsigned long *out)
{
	const char *v = options_get(o, key);
	if (!v) {
		*out = fallback;
		return true;
	}
	char *end;
	unsigned long n = strtoul(v, &end, 0);
	if (!*v || *end || *v == '-')
		return false;
	*out = n;
	return true;
}

bool options_list_has(const char *list, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && strncmp(p, item, n) == 0)
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}
