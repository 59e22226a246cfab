/* firmware/boot/platform.h: what the boot phase learnt, for the tests. */
#ifndef VFPROBE_BOOT_PLATFORM_H
#define VFPROBE_BOOT_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "boot/acpi.h"
#include "lib/options.h"

struct platform {
	const void *rsdp;           /* from the EFI configuration table, or NULL */
	enum acpi_status acpi;      /* what acpi_init() said of it */
	const char *cmdline_source; /* "load-options", "fw_cfg" or "none" */
	char cmdline[512];
	struct options options;
	uint64_t tsc_entry; /* rdtsc at efi_main: TCG's TSC starts at 0 at reset */
	uint64_t tsc_boot_services_exited;
	uint64_t conventional_bytes; /* usable RAM in the UEFI memory map */
	size_t heap_bytes, dma_bytes;
};

extern struct platform platform;

#endif
