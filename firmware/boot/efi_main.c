/* firmware/boot/efi_main.c: the UEFI entry point.
 *
 * Boot services phase: load options, ACPI RSDP, heap and DMA pages, memory
 * map. Then ExitBootServices, which also makes OVMF's own drivers (its
 * VirtioNetDxe among them) let go of the devices under test. From there on
 * the machine is ours: our IDT, polled COM1, no interrupts. */
#include <efi.h>
#include <stdio.h>
#include <string.h>

#include "boot/acpi.h"
#include "boot/exceptions.h"
#include "boot/exit.h"
#include "boot/fw_cfg.h"
#include "boot/io.h"
#include "boot/mem.h"
#include "boot/platform.h"
#include "boot/run.h"
#include "boot/serial.h"
#include "boot/timer.h"

#define HEAP_BYTES    (32ull << 20)
#define DMA_BYTES_MAX (160ull << 20)
#define DMA_BYTES_MIN (8ull << 20)
#define BELOW_4G      0xffffffffull

struct platform platform;

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

static const EFI_GUID loaded_image_guid = {
    0x5b1b31a1, 0x9562, 0x11d2, {0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}};
static const EFI_GUID acpi20_guid = {
    0x8868e871, 0xe4f1, 0x11d3, {0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81}};
static const EFI_GUID acpi10_guid = {
    0xeb9d2d30, 0x2d88, 0x11d3, {0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d}};

static void early_fail(const char *what, EFI_STATUS s)
{
	printf("TAP version 13\nBail out! boot: %s (EFI status 0x%llx)\n", what, (unsigned long long)s);
	vfprobe_exit(VERDICT_BAIL);
}

/* UCS-2 load options to ASCII; anything unprintable means "no options"
 * (a boot manager may pass binary optional data). */
static bool load_options_ascii(EFI_HANDLE image, EFI_BOOT_SERVICES *bs, char *buf, size_t len)
{
	EFI_LOADED_IMAGE *li = NULL;
	if (bs->HandleProtocol(image, (EFI_GUID *)&loaded_image_guid, (void **)&li) != EFI_SUCCESS || !li)
		return false;
	const CHAR16 *w = li->LoadOptions;
	size_t n = li->LoadOptionsSize / sizeof(CHAR16), o = 0;
	for (size_t i = 0; w && i < n && w[i] && o + 1 < len; i++) {
		if (w[i] < 0x20 || w[i] > 0x7e)
			return false;
		buf[o++] = (char)w[i];
	}
	buf[o] = 0;
	return o > 0;
}

static const void *find_rsdp(EFI_SYSTEM_TABLE *st)
{
	const void *v1 = NULL;
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];
		if (memcmp(&t->VendorGuid, &acpi20_guid, sizeof(EFI_GUID)) == 0)
			return t->VendorTable;
		if (memcmp(&t->VendorGuid, &acpi10_guid, sizeof(EFI_GUID)) == 0)
			v1 = t->VendorTable;
	}
	return v1;
}

static void *try_alloc_pages_below_4g(EFI_BOOT_SERVICES *bs, size_t bytes)
{
	EFI_PHYSICAL_ADDRESS a = BELOW_4G;
	if (bs->AllocatePages(AllocateMaxAddress, EfiLoaderData, bytes / 4096, &a) != EFI_SUCCESS)
		return NULL;
	return (void *)(uintptr_t)a;
}

static void *alloc_pages_below_4g(EFI_BOOT_SERVICES *bs, size_t bytes, const char *what)
{
	void *p = try_alloc_pages_below_4g(bs, bytes);
	if (!p)
		early_fail(what, EFI_OUT_OF_RESOURCES);
	return p;
}

static void exit_boot_services(EFI_HANDLE image, EFI_BOOT_SERVICES *bs)
{
	UINTN size = 0, key = 0, desc_size = 0;
	UINT32 desc_version = 0;
	EFI_MEMORY_DESCRIPTOR *map = NULL;
	bs->GetMemoryMap(&size, NULL, &key, &desc_size, &desc_version);
	size += 8 * desc_size; /* the pool allocation below may add entries */
	if (bs->AllocatePool(EfiLoaderData, size, (void **)&map) != EFI_SUCCESS)
		early_fail("AllocatePool for the memory map", 0);
	/* The map key goes stale whenever the map changes: retry (UEFI 2.10 §7.4). */
	for (int attempt = 0; attempt < 4; attempt++) {
		UINTN sz = size;
		EFI_STATUS s = bs->GetMemoryMap(&sz, map, &key, &desc_size, &desc_version);
		if (s != EFI_SUCCESS)
			early_fail("GetMemoryMap", s);
		uint64_t usable = 0;
		for (UINTN off = 0; off < sz; off += desc_size) {
			const EFI_MEMORY_DESCRIPTOR *d = (const void *)((uint8_t *)map + off);
			if (d->Type == EfiConventionalMemory)
				usable += d->NumberOfPages * 4096;
		}
		platform.conventional_bytes = usable;
		if (bs->ExitBootServices(image, key) == EFI_SUCCESS)
			return;
	}
	early_fail("ExitBootServices kept failing", 0);
}

static void read_cmdline(EFI_HANDLE image, EFI_BOOT_SERVICES *bs)
{
	platform.cmdline_source = "none";
	if (load_options_ascii(image, bs, platform.cmdline, sizeof(platform.cmdline)))
		platform.cmdline_source = "load-options";
	else if (fw_cfg_read_file("opt/vfprobe/cmdline", platform.cmdline, sizeof(platform.cmdline)))
		platform.cmdline_source = "fw_cfg";
	else
		platform.cmdline[0] = 0;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	platform.tsc_entry = rdtsc();
	EFI_BOOT_SERVICES *bs = st->BootServices;
	serial_init();
	setvbuf(stdout, NULL, _IOLBF, 0);
	bs->SetWatchdogTimer(0, 0, 0, NULL);

	read_cmdline(image, bs);
	platform.rsdp = find_rsdp(st);
	heap_init(alloc_pages_below_4g(bs, HEAP_BYTES, "allocating the heap"), HEAP_BYTES);
	/* As large a DMA pool as the guest's RAM allows (-m 128 by default). */
	size_t dma = DMA_BYTES_MAX;
	void *pool;
	while (!(pool = try_alloc_pages_below_4g(bs, dma)) && dma > DMA_BYTES_MIN)
		dma /= 2;
	if (!pool)
		early_fail("allocating a DMA pool of at least 8 MiB", EFI_OUT_OF_RESOURCES);
	dma_pool_init(pool, dma);
	platform.heap_bytes = HEAP_BYTES;
	platform.dma_bytes = dma;

	exit_boot_services(image, bs);
	__asm__ volatile("cli");
	exceptions_install();
	platform.tsc_boot_services_exited = rdtsc();

	platform.acpi = acpi_init(platform.rsdp);
	vfprobe_exit(vfprobe_run());
}
