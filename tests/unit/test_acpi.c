/* tests/unit/test_acpi.c: firmware/boot/acpi.c over hand-made tables. */
#include <stdlib.h>
#include <string.h>

#include "boot/acpi.h"
#include "unit.h"

struct fake {
	struct acpi_rsdp rsdp;
	struct __attribute__((packed)) {
		struct acpi_sdt_header h;
		uint64_t entries[2];
	} xsdt;
	struct acpi_sdt_header mcfg;
	struct acpi_sdt_header facp;
};

static void fix(struct acpi_sdt_header *h, const char *sig, uint32_t len)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->checksum = 0;
	h->checksum = (uint8_t)(0x100 - acpi_checksum(h, len));
}

static struct fake *make_fake(void)
{
	struct fake *f = calloc(1, sizeof(*f));
	fix(&f->mcfg, "MCFG", sizeof(f->mcfg));
	fix(&f->facp, "FACP", sizeof(f->facp));
	f->xsdt.entries[0] = (uint64_t)(uintptr_t)&f->facp;
	f->xsdt.entries[1] = (uint64_t)(uintptr_t)&f->mcfg;
	fix(&f->xsdt.h, "XSDT", sizeof(f->xsdt));
	memcpy(f->rsdp.signature, "RSD PTR ", 8);
	f->rsdp.revision = 2;
	f->rsdp.length = sizeof(f->rsdp);
	f->rsdp.xsdt_address = (uint64_t)(uintptr_t)&f->xsdt;
	f->rsdp.checksum = (uint8_t)(0x100 - acpi_checksum(&f->rsdp, 20));
	f->rsdp.extended_checksum = (uint8_t)(0x100 - acpi_checksum(&f->rsdp, sizeof(f->rsdp)));
	return f;
}

int main(void)
{
	tap_begin();
	tap_prefix_push("acpi");
	struct fake *f = make_fake();
	enum acpi_status st;
	tap_check_eq(acpi_init(&f->rsdp), ACPI_OK, "valid RSDP + XSDT accepted", "good tables");
	tap_check_true(acpi_find("MCFG", &st) == &f->mcfg && st == ACPI_OK, "table found by signature",
	               "MCFG found");
	tap_check_true(acpi_find("HPET", &st) == NULL && st == ACPI_NOT_FOUND, "absent table is not found",
	               "HPET absent");
	f->mcfg.oem_revision ^= 1; /* breaks its checksum */
	tap_check_true(acpi_find("MCFG", &st) == NULL && st == ACPI_BAD_TABLE_CHECKSUM,
	               "ACPI 6.5 §5.2.6: a table whose checksum is wrong is refused", "bad MCFG checksum");
	f->rsdp.checksum ^= 1;
	tap_check_eq(acpi_init(&f->rsdp), ACPI_BAD_RSDP_CHECKSUM, "ACPI 6.5 §5.2.5.3: RSDP checksum",
	             "bad RSDP checksum");
	free(f);
	f = make_fake();
	f->rsdp.signature[0] = 'X';
	tap_check_eq(acpi_init(&f->rsdp), ACPI_BAD_RSDP_SIGNATURE, "RSDP signature", "bad RSDP signature");
	free(f);
	f = make_fake();
	f->xsdt.h.checksum ^= 1;
	tap_check_eq(acpi_init(&f->rsdp), ACPI_BAD_XSDT, "XSDT checksum", "bad XSDT checksum");
	tap_check_true(acpi_find("MCFG", &st) == NULL && st == ACPI_BAD_XSDT,
	               "no lookups without a valid XSDT", "find after bad XSDT");
	tap_check_eq(acpi_init(NULL), ACPI_NO_RSDP, "no RSDP", "NULL RSDP");
	free(f);
	return unit_done();
}
