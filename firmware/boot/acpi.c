/* firmware/boot/acpi.c: RSDP -> XSDT -> table, every checksum verified. */
#include "boot/acpi.h"

#include <string.h>

static const struct acpi_sdt_header *root; /* XSDT, or RSDT when revision 0 */
static size_t root_entry_size;

uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	return sum;
}

const char *acpi_status_name(enum acpi_status s)
{
	switch (s) {
	case ACPI_OK:
		return "ok";
	case ACPI_NO_RSDP:
		return "no RSDP in the EFI configuration table";
	case ACPI_BAD_RSDP_SIGNATURE:
		return "RSDP signature is not 'RSD PTR '";
	case ACPI_BAD_RSDP_CHECKSUM:
		return "RSDP checksum does not sum to 0";
	case ACPI_BAD_XSDT:
		return "XSDT/RSDT missing, mis-signed or bad checksum";
	case ACPI_NOT_FOUND:
		return "table not listed in the XSDT";
	case ACPI_BAD_TABLE_CHECKSUM:
		return "table checksum does not sum to 0";
	}
	return "unknown";
}

static bool sdt_valid(const struct acpi_sdt_header *h, const char sig[4])
{
	return h && memcmp(h->signature, sig, 4) == 0 && h->length >= sizeof(*h) &&
	       acpi_checksum(h, h->length) == 0;
}

enum acpi_status acpi_init(const void *p)
{
	const struct acpi_rsdp *r = p;
	root = NULL;
	if (!r)
		return ACPI_NO_RSDP;
	if (memcmp(r->signature, "RSD PTR ", 8) != 0)
		return ACPI_BAD_RSDP_SIGNATURE;
	if (acpi_checksum(r, 20) != 0)
		return ACPI_BAD_RSDP_CHECKSUM;
	bool x = r->revision >= 2;
	if (x && (r->length < sizeof(*r) || acpi_checksum(r, r->length) != 0))
		return ACPI_BAD_RSDP_CHECKSUM;
	const struct acpi_sdt_header *t = (const void *)(uintptr_t)(x ? r->xsdt_address : r->rsdt_address);
	if (!sdt_valid(t, x ? "XSDT" : "RSDT"))
		return ACPI_BAD_XSDT;
	root = t;
	root_entry_size = x ? 8 : 4;
	return ACPI_OK;
}

const struct acpi_sdt_header *acpi_find(const char sig[4], enum acpi_status *status)
{
	enum acpi_status st = ACPI_NOT_FOUND;
	const struct acpi_sdt_header *hit = NULL;
	if (!root) {
		st = ACPI_BAD_XSDT;
		goto out;
	}
	const uint8_t *entries = (const uint8_t *)root + sizeof(*root);
	size_t n = (root->length - sizeof(*root)) / root_entry_size;
	for (size_t i = 0; i < n; i++) {
		uint64_t addr = 0;
		memcpy(&addr, entries + i * root_entry_size, root_entry_size);
		const struct acpi_sdt_header *h = (const void *)(uintptr_t)addr;
		if (!h || memcmp(h->signature, sig, 4) != 0)
			continue;
		if (!sdt_valid(h, sig)) {
			st = ACPI_BAD_TABLE_CHECKSUM;
			continue;
		}
		hit = h;
		st = ACPI_OK;
		break;
	}
out:
	if (status)
		*status = st;
	return hit;
}
