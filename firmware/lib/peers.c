/* firmware/lib/peers.c: see peers.h. */
#include "lib/peers.h"

#include <stdio.h>
#include <string.h>

static bool parse_num(const char **p, unsigned *out)
{
	unsigned v = 0;
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9' && v < PEERS_MAX_FN)
		v = v * 10 + (unsigned)(*s++ - '0');
	*p = s;
	*out = v;
	return v < PEERS_MAX_FN;
}

/* One GROUP at *p; groups get numbers from *next on. */
static int parse_group(struct peer_map *m, const char **p, uint16_t *next, char *err, size_t errlen)
{
	bool pairs;
	if (strncmp(*p, "all:", 4) == 0) {
		pairs = false;
		*p += 4;
	} else if (strncmp(*p, "pairs:", 6) == 0) {
		pairs = true;
		*p += 6;
	} else {
		snprintf(err, errlen, "peers is all, pairs, host or all:LIST/pairs:LIST, not '%.12s'", *p);
		return -1;
	}
	unsigned pos = 0;
	uint16_t base = *next;
	for (;;) {
		unsigned lo, hi;
		if (!parse_num(p, &lo)) {
			snprintf(err, errlen, "peers: a function number below %d expected at '%.12s'",
			         PEERS_MAX_FN, *p);
			return -1;
		}
		hi = lo;
		if (**p == '-') {
			(*p)++;
			if (!parse_num(p, &hi) || hi < lo) {
				snprintf(err, errlen, "peers: bad range ending at '%.12s'", *p);
				return -1;
			}
		}
		for (unsigned f = lo; f <= hi; f++, pos++) {
			if (m->group[f]) {
				snprintf(err, errlen, "peers: function %u is in two groups", f);
				return -1;
			}
			m->group[f] = (uint16_t)(pairs ? base + pos / 2 : base);
		}
		if (**p != ',')
			break;
		(*p)++;
	}
	*next = (uint16_t)(base + (pairs ? (pos + 1) / 2 : 1u));
	return 0;
}

int peers_parse(struct peer_map *m, const char *spec, char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	if (!spec || strcmp(spec, "all") == 0 || strcmp(spec, "pairs") == 0) {
		bool pairs = spec && spec[0] == 'p';
		for (unsigned f = 0; f < PEERS_MAX_FN; f++)
			m->group[f] = (uint16_t)(pairs ? 1 + f / 2 : 1);
		return 0;
	}
	if (strcmp(spec, "host") == 0)
		return 0;
	uint16_t next = 1;
	const char *p = spec;
	for (;;) {
		if (parse_group(m, &p, &next, err, errlen) != 0)
			return -1;
		if (*p == '\0')
			return 0;
		if (*p != '/') {
			snprintf(err, errlen, "peers: groups are separated by '/', not '%.12s'", p);
			return -1;
		}
		p++;
	}
}

bool peers_hear(const struct peer_map *m, size_t r, size_t s)
{
	if (r == s || r >= PEERS_MAX_FN || s >= PEERS_MAX_FN)
		return false;
	return m->group[r] != 0 && m->group[r] == m->group[s];
}
