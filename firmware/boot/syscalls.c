/* firmware/boot/syscalls.c: the system calls newlib needs.
 *
 * newlib is built with --disable-newlib-supplied-syscalls, so these plain
 * names are what its _r wrappers call. The image is linked with -z defs:
 * one missing here is a link error, not a hang at run time. */
#include <errno.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "boot/exit.h"
#include "boot/serial.h"

#include <unistd.h>

/* newlib's headers declare these but kill (signal.h would drag in more). */
int kill(int pid, int sig);

_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	serial_write(buf, len);
	return (int)len;
}

_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len)
{
	(void)fd;
	(void)buf;
	(void)len;
	return 0; /* no input: end of file */
}

int close(int fd)
{
	(void)fd;
	return 0;
}

int fstat(int fd, struct stat *st)
{
	(void)fd;
	st->st_mode = S_IFCHR; /* a character device: newlib line-buffers it */
	return 0;
}

int isatty(int fd)
{
	return fd <= 2;
}

off_t lseek(int fd, off_t off, int whence)
{
	(void)fd;
	(void)off;
	(void)whence;
	errno = ESPIPE;
	return -1;
}

int kill(int pid, int sig)
{
	(void)pid;
	(void)sig;
	/* abort() ends here: a crash, as far as the host is concerned. */
	vfprobe_exit(VERDICT_CRASH);
}

pid_t getpid(void)
{
	return 1;
}

void _exit(int status)
{
	vfprobe_exit(status == 0 ? VERDICT_PASS : VERDICT_FAIL);
}
