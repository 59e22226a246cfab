/* firmware/boot/exceptions.h: CPU exceptions end the run with a report. */
#ifndef VFPROBE_BOOT_EXCEPTIONS_H
#define VFPROBE_BOOT_EXCEPTIONS_H

#include <stdint.h>

/* The stack as isr.S leaves it (SDM Vol. 3 §6.14.2 64-bit frame). */
struct exception_frame {
	uint64_t vector;
	uint64_t error_code;
	uint64_t rip;
	uint64_t cs;
	uint64_t rflags;
	uint64_t rsp;
	uint64_t ss;
};

/* Install our IDT for vectors 0-31; the firmware's is no longer used. */
void exceptions_install(void);

#endif
