/* tests/conformance/boot.c: suite `boot`, the platform the other suites
 * stand on: ACPI tables, the calibrated TSC, memory. Runs with no devices. */
#include <stdlib.h>
#include <string.h>

#include "boot/acpi.h"
#include "boot/mem.h"
#include "boot/platform.h"
#include "boot/timer.h"
#include "lib/suite.h"

static void check_acpi(void)
{
	tap_check(platform.acpi == ACPI_OK, "ACPI 6.5 §5.2.5.3: RSDP and XSDT checksums sum to 0",
	          acpi_status_name(platform.acpi), "ok", "RSDP found through the EFI configuration table");
	enum acpi_status st;
	tap_check(acpi_find("MCFG", &st) != NULL,
	          "PCI Firmware 3.3 §4.1.2: MCFG table present, checksum valid", acpi_status_name(st), "ok",
	          "MCFG table present");
	tap_check(acpi_find("FACP", &st) != NULL, "ACPI 6.5 §5.2.9: FADT present, checksum valid",
	          acpi_status_name(st), "ok", "FADT present");
}

static void check_tsc(void)
{
	const struct tsc_calibration *c = tsc_calibration();
	tap_check(strcmp(c->reference, "assumed") != 0, "TSC calibrated against a fixed-rate clock",
	          c->reference, "acpi-pm-timer or hpet", "TSC frequency measured, not assumed");
	char got[32];
	snprintf(got, sizeof(got), "%llu Hz", (unsigned long long)c->hz);
	tap_check(c->hz >= 100000000ull && c->hz <= 10000000000ull, "TSC frequency is plausible", got,
	          "100 MHz .. 10 GHz", "TSC frequency within 100 MHz .. 10 GHz");
	uint64_t prev = rdtsc(), backwards = 0;
	for (int i = 0; i < 10000; i++) {
		uint64_t now = rdtsc();
		backwards += now < prev;
		prev = now;
	}
	tap_check_eq(backwards, 0, "SDM Vol. 3 §18.17: the TSC increments monotonically",
	             "TSC never goes backwards over 10000 reads");
	uint64_t t0 = rdtsc();
	udelay(10000);
	uint64_t ns = tsc_to_ns(rdtsc() - t0);
	snprintf(got, sizeof(got), "%llu ns", (unsigned long long)ns);
	/* No tight upper bound: a loaded host may deschedule the vCPU. */
	tap_check(ns >= 10000000ull && ns < 1000000000ull, "udelay waits at least as long as asked", got,
	          ">= 10 ms (and < 1 s)", "udelay(10 ms) takes at least 10 ms by the TSC");
}

static void check_memory(void)
{
	size_t n = 4u << 20;
	uint8_t *p = malloc(n);
	bool ok = p != NULL;
	for (size_t i = 0; ok && i < n; i += 4096)
		p[i] = (uint8_t)i;
	for (size_t i = 0; ok && i < n; i += 4096)
		ok = p[i] == (uint8_t)i;
	free(p);
	tap_check_true(ok, "newlib malloc over our sbrk returns usable memory", "malloc(4 MiB) is writable");
	void *d = dma_alloc(8192, 4096);
	tap_check_true(d && ((uintptr_t)d & 4095) == 0 && dma_addr(d) < (1ull << 32),
	               "DMA pool hands out aligned memory below 4 GiB", "dma_alloc(8 KiB, 4 KiB) is aligned");
}

static void run(const struct run_config *cfg)
{
	(void)cfg;
	check_acpi();
	check_tsc();
	check_memory();
}

VFPROBE_SUITE(boot, "boot", "ACPI tables, TSC calibration, heap and DMA memory", run, 0, NULL);
