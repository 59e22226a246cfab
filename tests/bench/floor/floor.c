/* tests/bench/floor/floor.c: the boot-time floor for scripts/bench.
 *
 * A UEFI application that does nothing: it prints an empty TAP stream on
 * COM1 (so the host can time the first line of an application) and ends the run through
 * isa-debug-exit at once. Booted exactly like build/test.efi, its wall time
 * is what OVMF and QEMU cost before any vfprobe code runs. No newlib, no
 * gnu-efi library calls: only port I/O. */
#include <efi.h>

#include "boot/exit.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

static inline void outb(unsigned short port, unsigned char v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline unsigned char inb(unsigned short port)
{
	unsigned char v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline unsigned long long rdtsc(void)
{
	unsigned lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

static void com1_putc(char c)
{
	for (int i = 0; i < 100000 && !(inb(0x3f8 + 5) & 0x20); i++)
		;
	outb(0x3f8, (unsigned char)c);
}

static void com1_puts(const char *s)
{
	while (*s)
		com1_putc(*s++);
}

static void com1_putu(unsigned long long v)
{
	char buf[24];
	int i = 0;
	do {
		buf[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		com1_putc(buf[--i]);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	unsigned long long t = rdtsc();
	(void)image;
	(void)st;
	/* A TAP stream with no test points, so the host judges this boot like
	 * any other; the TSC since reset (TCG starts it at 0) for the host. */
	com1_puts("\r\nTAP version 13\r\n# floor: efi_main_tsc=");
	com1_putu(t);
	com1_puts("\r\n1..0\r\n");
	__asm__ volatile("outl %0, %1" : : "a"((unsigned)VERDICT_PASS), "Nd"((unsigned short)DEBUG_EXIT_PORT));
	for (;;)
		__asm__ volatile("cli; hlt");
	return EFI_SUCCESS;
}
