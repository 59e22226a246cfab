/* firmware/lib/peers.h: who hears whom on the wire behind the functions,
 * from the load option peers= that the host's scripts/backends.py writes.
 * Functions are numbered in the guest's order: pf0, its VFs 1..N, pf1, ...
 *
 *   all | pairs | host     over every function: a hub (every function hears
 *                          every other), links 2k <-> 2k+1, nobody
 *   GROUP[/GROUP...]       GROUP is all:LIST or pairs:LIST, LIST is
 *                          N[-M][,N[-M]...]
 *
 * all:LIST: the functions of LIST hear each other. pairs:LIST: taken in
 * LIST's order, the 2k-th and (2k+1)-th function hear each other only (an
 * odd last one hears nobody). A function in no group hears nobody; one
 * named twice is an error. Example, the PF on the hub and its VFs on
 * port pairs of a switch: all:0/pairs:1-3. */
#ifndef VFPROBE_LIB_PEERS_H
#define VFPROBE_LIB_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PEERS_MAX_FN 512

struct peer_map {
	uint16_t group[PEERS_MAX_FN]; /* 0: hears nobody */
};

/* Parse spec (NULL: "all"). 0, or -1 with a one-line reason in err. */
int peers_parse(struct peer_map *m, const char *spec, char *err, size_t errlen);
/* Does function r hear what function s sends? Never r == s. */
bool peers_hear(const struct peer_map *m, size_t r, size_t s);

#endif
