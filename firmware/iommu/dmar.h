/* firmware/iommu/dmar.h: the ACPI DMA Remapping Reporting table (VT-d 3.3
 * §8.1) parsed into its remapping hardware units (DRHD, §8.3) and their
 * device scopes (§8.3.1). Pure: tests/unit feeds it hand-made tables. */
#ifndef VFPROBE_IOMMU_DMAR_H
#define VFPROBE_IOMMU_DMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/acpi.h"

/* §8.1 DMAR layout: the ACPI header, Host Address Width (N-1), Flags,
 * 10 reserved bytes, then remapping structures (type 2 bytes, length 2). */
#define DMAR_HAW             36
#define DMAR_FLAGS           37
#define DMAR_STRUCTS         48
#define DMAR_STRUCT_HDR      4
#define DMAR_FLAG_INTR_REMAP (1u << 0)
/* §8.2 Remapping Structure Types */
#define DMAR_TYPE_DRHD 0
/* §8.3 DRHD: flags, size, segment, register base, then device scopes. */
#define DRHD_FLAGS           4
#define DRHD_SEGMENT         6
#define DRHD_BASE            8
#define DRHD_SCOPES          16
#define DRHD_INCLUDE_PCI_ALL (1u << 0)
/* §8.3.1 Device Scope: type, length, 2 reserved, enumeration ID, start
 * bus, then (device, function) pairs, one per bridge on the way. */
#define SCOPE_TYPE             0
#define SCOPE_LENGTH           1
#define SCOPE_ENUM_ID          4
#define SCOPE_START_BUS        5
#define SCOPE_PATH             6
#define SCOPE_PCI_ENDPOINT     1
#define SCOPE_PCI_SUBHIERARCHY 2
#define SCOPE_IOAPIC           3
#define SCOPE_HPET             4
#define SCOPE_ACPI_NAMESPACE   5

#define DMAR_MAX_UNITS  8
#define DMAR_MAX_SCOPES 64 /* QEMU lists every device of the root bus */
#define DMAR_MAX_PATH   8

struct dmar_scope {
	uint8_t type, enum_id, start_bus;
	uint8_t path_len; /* (device, function) pairs */
	uint8_t path[DMAR_MAX_PATH][2];
};

struct dmar_unit {
	uint8_t flags; /* DRHD_INCLUDE_PCI_ALL */
	uint16_t segment;
	uint64_t base; /* register base, 4 KiB aligned */
	unsigned n_scopes;
	struct dmar_scope scope[DMAR_MAX_SCOPES];
};

struct dmar_info {
	unsigned haw; /* host address width in bits */
	uint8_t flags;
	unsigned n_units;
	unsigned n_other; /* structures of other types (RMRR, ATSR, ...), skipped */
	struct dmar_unit unit[DMAR_MAX_UNITS];
};

enum dmar_status {
	DMAR_OK = 0,
	DMAR_NULL,          /* no table */
	DMAR_BAD_SIGNATURE, /* not "DMAR" */
	DMAR_SHORT,         /* length below the fixed part */
	DMAR_BAD_CHECKSUM,  /* the bytes do not sum to 0 */
	DMAR_BAD_STRUCT,    /* a structure shorter than its header or past the end */
	DMAR_BAD_DRHD,      /* a DRHD shorter than 16 bytes or with an unaligned base */
	DMAR_BAD_SCOPE,     /* a device scope shorter than 6 bytes, odd path or past the DRHD */
	DMAR_TOO_MANY,      /* more units, scopes or path entries than vfprobe keeps */
	DMAR_NO_UNIT,       /* no DRHD at all */
};

const char *dmar_status_name(enum dmar_status s);
/* Parse `t` (its length bytes, all of them checked); DMAR_OK or why not. */
enum dmar_status dmar_parse(const struct acpi_sdt_header *t, struct dmar_info *out);
/* One step of a function's way down from the root bus: a bridge above it,
 * or the function itself (the last). */
struct dmar_hop {
	uint8_t bus, devfn;
};

/* The unit that translates a function of segment 0, given its way down
 * `hops` (n of them, root bus first, the function last): the first unit
 * with an endpoint scope whose path is exactly that way, or a
 * sub-hierarchy scope whose path leads to one of the bridges on it
 * (§8.3.1), else the INCLUDE_PCI_ALL unit; NULL when none. */
const struct dmar_unit *dmar_unit_for(const struct dmar_info *d, const struct dmar_hop *hops, size_t n);

#endif
