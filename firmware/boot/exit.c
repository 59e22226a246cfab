/* firmware/boot/exit.c: the one way a run ends. */
#include "boot/exit.h"

#include <stdio.h>

#include "boot/io.h"

void vfprobe_exit(enum verdict v)
{
	fflush(stdout);
	fflush(stderr);
	outl(DEBUG_EXIT_PORT, (uint32_t)v);
	/* QEMU ends the VM asynchronously: give it a moment before deciding
	 * there is no isa-debug-exit device (then say so, and halt for the
	 * host's timeout). */
	for (uint64_t t0 = rdtsc(); rdtsc() - t0 < 4000000000ull;)
		cpu_relax();
	printf("# vfprobe: isa-debug-exit at 0x%x did not end the run (add "
	       "-device isa-debug-exit,iobase=0xf4,iosize=0x04); halting\n",
	       DEBUG_EXIT_PORT);
	fflush(stdout);
	for (;;)
		__asm__ volatile("cli; hlt");
}
