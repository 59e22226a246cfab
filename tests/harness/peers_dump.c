/* tests/harness/peers_dump.c: for each spec on the command line, print
 * firmware/lib/peers.c's verdict: "error" or the pairs r:s (r hears s)
 * among the first N functions, for test_topology.py to compare with
 * scripts/backends.py. Usage: peers_dump N SPEC... */
#include <stdio.h>
#include <stdlib.h>

#include "lib/peers.h"

int main(int argc, char **argv)
{
	static struct peer_map m;
	size_t n = argc > 1 ? (size_t)atoi(argv[1]) : 0;
	for (int a = 2; a < argc; a++) {
		char err[160];
		if (peers_parse(&m, argv[a], err, sizeof(err)) != 0) {
			printf("error\n");
			continue;
		}
		for (size_t r = 0; r < n; r++)
			for (size_t s = 0; s < n; s++)
				if (peers_hear(&m, r, s))
					printf("%zu:%zu ", r, s);
		printf("\n");
	}
	return 0;
}
