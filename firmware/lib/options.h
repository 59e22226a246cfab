/* firmware/lib/options.h: the run's options, from the load options
 * (`-append "suite=sriov vfs=7"`): space-separated key=value words. */
#ifndef VFPROBE_LIB_OPTIONS_H
#define VFPROBE_LIB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define OPTIONS_MAX      24
#define OPTION_KEY_MAX   24
#define OPTION_VALUE_MAX 200

struct options {
	unsigned count;
	struct {
		char key[OPTION_KEY_MAX];
		char value[OPTION_VALUE_MAX];
	} kv[OPTIONS_MAX];
};

/* Parse `cmdline`; a word without '=' is taken as `suite=<word>`. Only keys
 * listed in `known` (NULL-terminated) are accepted. Returns 0, or -1 with a
 * one-line reason in err. */
int options_parse(struct options *o, const char *cmdline, const char *const *known, char *err, size_t errlen);
const char *options_get(const struct options *o, const char *key);
/* The value of `key` as an unsigned number, or `fallback` when absent;
 * false (with *out untouched) when present but not a number. */
bool options_get_uint(const struct options *o, const char *key, unsigned long fallback, unsigned long *out);
/* True when `item` is one of the comma-separated words of `list`. */
bool options_list_has(const char *list, const char *item);

#endif
