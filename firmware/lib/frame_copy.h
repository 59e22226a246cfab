/* firmware/lib/frame_copy.h: copies of frame bytes: a frame into a TX
 * buffer or out of an RX buffer, and a test frame's header fields.
 *
 * The firmware is built -ffreestanding, where a plain memcpy is always a
 * call to newlib's; __builtin_memcpy lets the compiler expand the copy, and
 * the Makefile's -mmemcpy-strategy makes that a `rep movsq`, which QEMU's
 * TCG runs as one instruction instead of newlib's 16-move, 128-byte loop
 * and byte tail (the bench suite's `copy` figure measures it); a few bytes
 * of constant length become plain moves, where memcpy was a call. Built
 * hosted (the Linux guests), the compiler calls the C library's memcpy. */
#ifndef VFPROBE_FIRMWARE_LIB_FRAME_COPY_H
#define VFPROBE_FIRMWARE_LIB_FRAME_COPY_H

#include <stddef.h>

static inline void frame_copy(void *dst, const void *src, size_t len)
{
	__builtin_memcpy(dst, src, len);
}

#endif
