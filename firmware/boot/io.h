/* firmware/boot/io.h: port I/O, MMIO, barriers and the TSC on x86-64. */
#ifndef VFPROBE_BOOT_IO_H
#define VFPROBE_BOOT_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Compiler barrier: x86 keeps loads ordered with loads and stores with
 * stores, so rmb/wmb only have to stop the compiler (virtio v1.3 §2.7.13
 * lets a driver use the platform's weakest sufficient barrier). */
static inline void barrier(void)
{
	__asm__ volatile("" ::: "memory");
}
static inline void rmb(void)
{
	barrier();
}
static inline void wmb(void)
{
	barrier();
}
/* Store then load of another location: x86 may reorder, needs a fence. */
static inline void mb(void)
{
	__asm__ volatile("mfence" ::: "memory");
}

static inline uint8_t mmio_read8(volatile const void *p)
{
	return *(volatile const uint8_t *)p;
}
static inline uint16_t mmio_read16(volatile const void *p)
{
	return *(volatile const uint16_t *)p;
}
static inline uint32_t mmio_read32(volatile const void *p)
{
	return *(volatile const uint32_t *)p;
}
static inline uint64_t mmio_read64(volatile const void *p)
{
	return *(volatile const uint64_t *)p;
}
static inline void mmio_write8(volatile void *p, uint8_t v)
{
	*(volatile uint8_t *)p = v;
}
static inline void mmio_write16(volatile void *p, uint16_t v)
{
	*(volatile uint16_t *)p = v;
}
static inline void mmio_write32(volatile void *p, uint32_t v)
{
	*(volatile uint32_t *)p = v;
}
static inline void mmio_write64(volatile void *p, uint64_t v)
{
	*(volatile uint64_t *)p = v;
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

#endif
