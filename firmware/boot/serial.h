/* firmware/boot/serial.h: COM1 (16550 at 0x3f8), polled, no interrupts. */
#ifndef VFPROBE_BOOT_SERIAL_H
#define VFPROBE_BOOT_SERIAL_H

#include <stddef.h>

void serial_init(void);
void serial_write(const char *buf, size_t len);
/* One received byte, or -1 when none is waiting. */
int serial_read_byte(void);

#endif
