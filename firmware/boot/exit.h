/* firmware/boot/exit.h: ending a run through QEMU's isa-debug-exit. */
#ifndef VFPROBE_BOOT_EXIT_H
#define VFPROBE_BOOT_EXIT_H

/* The guest's verdicts. isa-debug-exit turns V into QEMU exit status
 * (V << 1) | 1, so the host sees 1, 3, 5 and 7. */
enum verdict {
	VERDICT_PASS = 0,
	VERDICT_FAIL = 1,  /* at least one check failed */
	VERDICT_CRASH = 2, /* CPU exception inside a test */
	VERDICT_BAIL = 3,  /* could not run: bad options, missing device */
};

#define DEBUG_EXIT_PORT 0xf4

__attribute__((noreturn)) void vfprobe_exit(enum verdict v);

#endif
