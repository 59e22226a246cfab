/* firmware/boot/timer.c: TSC calibration and conversions. */
#include "boot/timer.h"

#include <string.h>

#include "boot/acpi.h"

#define PM_TIMER_HZ    3579545ull
#define CALIBRATION_US 50000ull /* 50 ms */

#define HPET_CAP_PERIOD_FS(cap) ((cap) >> 32) /* femtoseconds per tick */
#define HPET_REG_CAP            0x000
#define HPET_REG_CONFIG         0x010
#define HPET_REG_COUNTER        0x0f0
#define HPET_CONFIG_ENABLE      1u

static struct tsc_calibration cal = {.hz = 1000000000ull, .reference = "assumed"};

static uint16_t fadt_pm_timer_port(bool *wide)
{
	const struct acpi_sdt_header *fadt = acpi_find("FACP", NULL);
	if (!fadt)
		return 0;
	const uint8_t *f = (const uint8_t *)fadt;
	uint32_t flags = 0;
	if (fadt->length >= ACPI_FADT_FLAGS + 4)
		memcpy(&flags, f + ACPI_FADT_FLAGS, 4);
	*wide = flags & ACPI_FADT_FLAG_TMR_VAL_EXT;
	if (fadt->length >= ACPI_FADT_X_PM_TMR_BLK + sizeof(struct acpi_gas)) {
		struct acpi_gas gas;
		memcpy(&gas, f + ACPI_FADT_X_PM_TMR_BLK, sizeof(gas));
		if (gas.space_id == 1 && gas.address)
			return (uint16_t)gas.address;
	}
	uint32_t port = 0;
	memcpy(&port, f + ACPI_FADT_PM_TMR_BLK, 4);
	return (uint16_t)port;
}

static bool calibrate_pm_timer(void)
{
	bool wide = false;
	uint16_t port = fadt_pm_timer_port(&wide);
	if (!port)
		return false;
	uint32_t mask = wide ? 0xffffffffu : 0xffffffu;
	uint64_t want = PM_TIMER_HZ * CALIBRATION_US / 1000000ull;
	uint32_t last = inl(port) & mask;
	uint64_t ticks = 0, start = rdtsc();
	/* Bounded by TSC cycles as well, in case the timer does not run. */
	for (uint64_t spins = 0; ticks < want; spins++) {
		uint32_t now = inl(port) & mask;
		ticks += (now - last) & mask;
		last = now;
		if (spins > 100000000ull)
			return false;
	}
	uint64_t cycles = rdtsc() - start;
	cal.hz = cycles * PM_TIMER_HZ / ticks;
	cal.reference = "acpi-pm-timer";
	cal.window_us = ticks * 1000000ull / PM_TIMER_HZ;
	return true;
}

static bool calibrate_hpet(void)
{
	const struct acpi_sdt_header *t = acpi_find("HPET", NULL);
	if (!t || t->length < ACPI_HPET_BASE + sizeof(struct acpi_gas))
		return false;
	struct acpi_gas gas;
	memcpy(&gas, (const uint8_t *)t + ACPI_HPET_BASE, sizeof(gas));
	volatile uint8_t *hpet = (volatile uint8_t *)(uintptr_t)gas.address;
	uint64_t period_fs = HPET_CAP_PERIOD_FS(mmio_read64(hpet + HPET_REG_CAP));
	if (!period_fs)
		return false;
	mmio_write64(hpet + HPET_REG_CONFIG, mmio_read64(hpet + HPET_REG_CONFIG) | HPET_CONFIG_ENABLE);
	uint64_t want = CALIBRATION_US * 1000000000ull / period_fs;
	uint64_t t0 = mmio_read64(hpet + HPET_REG_COUNTER), start = rdtsc(), ticks = 0;
	for (uint64_t spins = 0; ticks < want; spins++) {
		ticks = mmio_read64(hpet + HPET_REG_COUNTER) - t0;
		if (spins > 100000000ull)
			return false;
	}
	uint64_t cycles = rdtsc() - start;
	uint64_t window_fs = ticks * period_fs;
	cal.hz = (uint64_t)((__uint128_t)cycles * 1000000000000000ull / window_fs);
	cal.reference = "hpet";
	cal.window_us = window_fs / 1000000000ull;
	return true;
}

bool tsc_calibrate(void)
{
	return calibrate_pm_timer() || calibrate_hpet();
}

const struct tsc_calibration *tsc_calibration(void)
{
	return &cal;
}

uint64_t tsc_to_ns(uint64_t cycles)
{
	return (uint64_t)((__uint128_t)cycles * 1000000000ull / cal.hz);
}

uint64_t ns_to_tsc(uint64_t ns)
{
	return (uint64_t)((__uint128_t)ns * cal.hz / 1000000000ull);
}

void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + ns_to_tsc(us * 1000);
	while (rdtsc() < end)
		cpu_relax();
}
