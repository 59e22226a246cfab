/* tests/bench/linux/kfile.h: the kernel's one-value files (sysfs, procfs)
 * as the baseline guests read and write them. */
#ifndef VFPROBE_TESTS_BENCH_LINUX_KFILE_H
#define VFPROBE_TESTS_BENCH_LINUX_KFILE_H

#include <stdbool.h>
#include <stddef.h>

/* The file's text up to its first newline, into buf (len bytes). */
bool kfile_read(const char *path, char *buf, size_t len);
/* Write s whole. */
bool kfile_write(const char *path, const char *s);
/* The file's number in `base` (sysfs writes IDs as 0x..., counts in decimal). */
bool kfile_read_num(const char *path, int base, unsigned long *v);

#endif
