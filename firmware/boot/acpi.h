/* firmware/boot/acpi.h: finding ACPI tables (ACPI 6.5 §5.2).
 *
 * Pure parsing over memory: no port or MMIO access, so tests/unit can feed
 * it hand-made tables. */
#ifndef VFPROBE_BOOT_ACPI_H
#define VFPROBE_BOOT_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ACPI 6.5 §5.2.5.3 Root System Description Pointer */
struct __attribute__((packed)) acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision; /* 2 or more: the extended fields are valid */
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum; /* over all `length` bytes */
	uint8_t reserved[3];
};

/* ACPI 6.5 §5.2.6 System Description Table Header */
struct __attribute__((packed)) acpi_sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum; /* all `length` bytes sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
};

/* ACPI 6.5 §5.2.3.2 Generic Address Structure */
struct __attribute__((packed)) acpi_gas {
	uint8_t space_id; /* 0 memory, 1 system I/O */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
};

/* Offsets in the FADT (ACPI 6.5 §5.2.9, Table 5.9) */
#define ACPI_FADT_PM_TMR_BLK       76
#define ACPI_FADT_FLAGS            112
#define ACPI_FADT_FLAG_TMR_VAL_EXT (1u << 8) /* 32-bit PM timer */
#define ACPI_FADT_X_PM_TMR_BLK     208

/* HPET table (IA-PC HPET 1.0a §3.2.4): base address GAS at offset 40. */
#define ACPI_HPET_BASE 40

enum acpi_status {
	ACPI_OK = 0,
	ACPI_NO_RSDP,
	ACPI_BAD_RSDP_SIGNATURE,
	ACPI_BAD_RSDP_CHECKSUM,
	ACPI_BAD_XSDT,
	ACPI_NOT_FOUND,
	ACPI_BAD_TABLE_CHECKSUM,
};

uint8_t acpi_checksum(const void *p, size_t len);
const char *acpi_status_name(enum acpi_status s);

/* Validate the RSDP and its XSDT (or RSDT for revision 0); remember them. */
enum acpi_status acpi_init(const void *rsdp);
/* The first table with this signature whose checksum is right; *status
 * says why there is none. */
const struct acpi_sdt_header *acpi_find(const char sig[4], enum acpi_status *status);

/* A little-endian field of `bytes` bytes (ACPI tables are little-endian,
 * ACPI 6.5 §5.2) at p, which need not be aligned. */
static inline uint64_t acpi_get_le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

#endif
