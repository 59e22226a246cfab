/* tests/unit/test_iommu_dmar.c: firmware/iommu/dmar.c over hand-made DMAR
 * tables: QEMU's shape (one INCLUDE_PCI_ALL unit with an IOAPIC scope),
 * endpoint scopes, and every way a table can be bad. */
#include <stdlib.h>
#include <string.h>

#include "iommu/dmar.h"
#include "unit.h"

#define TABLE_MAX 256

struct table {
	uint8_t b[TABLE_MAX];
	uint32_t len;
};

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void begin(struct table *t, unsigned haw)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, "DMAR", 4);
	t->b[DMAR_HAW] = (uint8_t)(haw - 1);
	t->b[DMAR_FLAGS] = DMAR_FLAG_INTR_REMAP;
	t->len = DMAR_STRUCTS;
}

/* A DRHD with room for its scopes; returns its offset. */
static uint32_t drhd(struct table *t, uint8_t flags, uint64_t base)
{
	uint32_t o = t->len;
	put_le(t->b + o, DMAR_TYPE_DRHD, 2);
	put_le(t->b + o + 2, DRHD_SCOPES, 2);
	t->b[o + DRHD_FLAGS] = flags;
	put_le(t->b + o + DRHD_BASE, base, 8);
	t->len += DRHD_SCOPES;
	return o;
}

static void scope(struct table *t, uint32_t unit, uint8_t type, uint8_t bus, uint8_t dev, uint8_t fn)
{
	uint8_t *s = t->b + t->len;
	s[SCOPE_TYPE] = type;
	s[SCOPE_LENGTH] = SCOPE_PATH + 2;
	s[SCOPE_START_BUS] = bus;
	s[SCOPE_PATH] = dev;
	s[SCOPE_PATH + 1] = fn;
	t->len += SCOPE_PATH + 2;
	put_le(t->b + unit + 2, t->len - unit, 2);
}

static void other(struct table *t, uint16_t type, uint16_t len)
{
	put_le(t->b + t->len, type, 2);
	put_le(t->b + t->len + 2, len, 2);
	t->len += len;
}

static const struct acpi_sdt_header *finish(struct table *t)
{
	struct acpi_sdt_header *h = (struct acpi_sdt_header *)t->b;
	h->length = t->len;
	h->checksum = 0;
	h->checksum = (uint8_t)(0x100 - acpi_checksum(h, t->len));
	return h;
}

static void qemu_shape(struct table *t)
{
	begin(t, 39);
	uint32_t u = drhd(t, DRHD_INCLUDE_PCI_ALL, 0xfed90000);
	scope(t, u, SCOPE_IOAPIC, 0xf0, 0x1f, 0);
}

static void good_tables(struct dmar_info *d)
{
	struct table t;
	qemu_shape(&t);
	tap_check_eq(dmar_parse(finish(&t), d), DMAR_OK, "VT-d 3.3 §8.1", "QEMU's DMAR shape parses");
	tap_check_eq(d->haw, 39, "VT-d 3.3 §8.1: Host Address Width is N-1", "host address width");
	tap_check_eq(d->n_units, 1, "VT-d 3.3 §8.3", "one DRHD");
	tap_check_eq(d->unit[0].base, 0xfed90000, "VT-d 3.3 §8.3: Register Base Address", "register base");
	tap_check_true(d->unit[0].flags & DRHD_INCLUDE_PCI_ALL, "VT-d 3.3 §8.3: INCLUDE_PCI_ALL",
	               "flag kept");
	tap_check_true(d->unit[0].n_scopes == 1 && d->unit[0].scope[0].type == SCOPE_IOAPIC &&
	                   d->unit[0].scope[0].start_bus == 0xf0 && d->unit[0].scope[0].path[0][0] == 0x1f,
	               "VT-d 3.3 §8.3.1", "IOAPIC device scope");
	const struct dmar_hop vf[] = {{0, 1 << 3}, {1, 2}};
	tap_check_true(dmar_unit_for(d, vf, 2) == &d->unit[0], "VT-d 3.3 §8.3: INCLUDE_PCI_ALL",
	               "every function falls to the INCLUDE_PCI_ALL unit");

	/* QEMU's shape with scopes: no INCLUDE_PCI_ALL, each device of the
	 * root bus listed, a root port 00:01.0 as a sub-hierarchy. */
	begin(&t, 48);
	uint32_t q = drhd(&t, 0, 0xfed90000);
	scope(&t, q, SCOPE_IOAPIC, 0xf0, 0x1f, 0);
	scope(&t, q, SCOPE_PCI_SUBHIERARCHY, 0, 1, 0);
	scope(&t, q, SCOPE_PCI_ENDPOINT, 0, 2, 0);
	tap_check_eq(dmar_parse(finish(&t), d), DMAR_OK, "VT-d 3.3 §8.3.1", "scopes of the root bus parse");
	const struct dmar_hop root_port_only[] = {{0, 1 << 3}}, other_port[] = {{0, 3 << 3}, {2, 0}};
	const struct dmar_hop endpoint[] = {{0, 2 << 3}}, below_endpoint[] = {{0, 2 << 3}, {1, 0}};
	tap_check_true(dmar_unit_for(d, vf, 2) == &d->unit[0], "VT-d 3.3 §8.3.1: PCI sub-hierarchy",
	               "a VF below root port 00:01.0 is covered by its sub-hierarchy scope");
	tap_check_true(dmar_unit_for(d, root_port_only, 1) == NULL, "VT-d 3.3 §8.3.1: PCI sub-hierarchy",
	               "the bridge itself is not below itself");
	tap_check_true(dmar_unit_for(d, endpoint, 1) == &d->unit[0], "VT-d 3.3 §8.3.1: PCI endpoint",
	               "an endpoint scope names its device");
	tap_check_true(dmar_unit_for(d, below_endpoint, 2) == NULL, "VT-d 3.3 §8.3.1: PCI endpoint",
	               "an endpoint scope covers nothing below it");
	tap_check_true(dmar_unit_for(d, other_port, 2) == NULL, "VT-d 3.3 §8.3",
	               "a function below an unlisted port has no unit");

	/* Two units: one for an endpoint 02:01.3, the catch-all, and an RMRR. */
	begin(&t, 48);
	uint32_t a = drhd(&t, 0, 0xfed91000);
	scope(&t, a, SCOPE_PCI_ENDPOINT, 2, 1, 3);
	drhd(&t, DRHD_INCLUDE_PCI_ALL, 0xfed90000);
	other(&t, 1, 24);
	tap_check_eq(dmar_parse(finish(&t), d), DMAR_OK, "VT-d 3.3 §8.2", "two DRHDs and an RMRR parse");
	tap_check_true(d->n_units == 2 && d->n_other == 1, "VT-d 3.3 §8.2: other types skipped",
	               "two units, one other structure");
	const struct dmar_hop named[] = {{2, 1 << 3 | 3}}, unnamed[] = {{2, 1 << 3 | 4}};
	tap_check_true(dmar_unit_for(d, named, 1) == &d->unit[0], "VT-d 3.3 §8.3.1: PCI endpoint scope",
	               "02:01.3 goes to the unit naming it");
	tap_check_true(dmar_unit_for(d, unnamed, 1) == &d->unit[1], "VT-d 3.3 §8.3",
	               "02:01.4 to the catch-all");
}

static void bad_tables(struct dmar_info *d)
{
	struct table t;
	tap_check_eq(dmar_parse(NULL, d), DMAR_NULL, "VT-d 3.3 §8.1", "no table");
	qemu_shape(&t);
	const struct acpi_sdt_header *h = finish(&t);
	t.b[DMAR_HAW] ^= 1;
	tap_check_eq(dmar_parse(h, d), DMAR_BAD_CHECKSUM, "ACPI 6.5 §5.2.6: checksum", "bad checksum");
	qemu_shape(&t);
	memcpy(t.b, "DMAX", 4);
	tap_check_eq(dmar_parse(finish(&t), d), DMAR_BAD_SIGNATURE, "VT-d 3.3 §8.1: signature",
	             "bad signature");
	begin(&t, 48);
	t.len = DMAR_STRUCTS - 1;
	tap_check_eq(dmar_parse(finish(&t), d), DMAR_SHORT, "VT-d 3.3 §8.1", "shorter than the fixed part");
	begin(&t, 48);
	tap_check_eq(dmar_parse(finish(&t), d), DMAR_NO_UNIT, "VT-d 3.3 §8.1: at least one DRHD", "no DRHD");
	begin(&t, 48);
	other(&t, 1, 3);
	tap_check_eq(dmar_parse(finish(&t), d), DMAR_BAD_STRUCT, "VT-d 3.3 §8.2", "structure length 3");
	begin(&t, 48);
	other(&t, 1, 8);
	put_le(t.b + DMAR_STRUCTS + 2, 200, 2);
	tap_check_eq(dmar_parse(finish(&t), d), DMAR_BAD_STRUCT, "VT-d 3.3 §8.2", "structure past the end");
	begin(&t, 48);
	other(&t, DMAR_TYPE_DRHD, 12);
	tap_check_eq(dmar_parse(finish(&t), d), DMAR_BAD_DRHD, "VT-d 3.3 §8.3", "DRHD of 12 bytes");
	begin(&t, 48);
	drhd(&t, DRHD_INCLUDE_PCI_ALL, 0xfed90800);
	tap_check_eq(dmar_parse(finish(&t), d), DMAR_BAD_DRHD, "VT-d 3.3 §8.3: base 4 KiB aligned",
	             "unaligned register base");
	qemu_shape(&t);
	t.b[t.len - 2 - SCOPE_PATH + SCOPE_LENGTH] = SCOPE_PATH + 1;
	tap_check_eq(dmar_parse(finish(&t), d), DMAR_BAD_SCOPE, "VT-d 3.3 §8.3.1: path of 2-byte entries",
	             "odd scope length");
	qemu_shape(&t);
	t.b[t.len - 2 - SCOPE_PATH + SCOPE_LENGTH] = SCOPE_PATH + 4;
	tap_check_eq(dmar_parse(finish(&t), d), DMAR_BAD_SCOPE, "VT-d 3.3 §8.3.1", "scope past its DRHD");
	begin(&t, 48);
	for (unsigned i = 0; i <= DMAR_MAX_UNITS; i++)
		drhd(&t, 0, 0xfed90000 + 0x1000 * i);
	tap_check_eq(dmar_parse(finish(&t), d), DMAR_TOO_MANY, "vfprobe's limit", "too many units");
	for (int s = DMAR_OK; s <= DMAR_NO_UNIT; s++)
		tap_check_true(strcmp(dmar_status_name((enum dmar_status)s), "unknown DMAR status") != 0,
		               "every status has a name", "status %d named", s);
}

int main(void)
{
	tap_begin();
	tap_prefix_push("dmar");
	struct dmar_info *d = calloc(1, sizeof(*d));
	good_tables(d);
	bad_tables(d);
	free(d);
	return unit_done();
}
