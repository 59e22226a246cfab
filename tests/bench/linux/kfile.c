/* tests/bench/linux/kfile.c: see kfile.h. */
#include "kfile.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool kfile_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t r = read(fd, buf, len - 1);
	close(fd);
	if (r < 0)
		return false;
	buf[r] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return true;
}

bool kfile_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return false;
	ssize_t r = write(fd, s, strlen(s));
	close(fd);
	return r == (ssize_t)strlen(s);
}

bool kfile_read_num(const char *path, int base, unsigned long *v)
{
	char buf[32], *end;
	if (!kfile_read(path, buf, sizeof(buf)))
		return false;
	*v = strtoul(buf, &end, base);
	return end != buf;
}
