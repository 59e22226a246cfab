/* firmware/iommu/dmar.c: DMAR table parsing (VT-d 3.3 §8). */
#include "iommu/dmar.h"

#include <string.h>

const char *dmar_status_name(enum dmar_status s)
{
	switch (s) {
	case DMAR_OK:
		return "ok";
	case DMAR_NULL:
		return "no DMAR table";
	case DMAR_BAD_SIGNATURE:
		return "signature is not DMAR";
	case DMAR_SHORT:
		return "DMAR shorter than its 48-byte fixed part";
	case DMAR_BAD_CHECKSUM:
		return "DMAR checksum wrong";
	case DMAR_BAD_STRUCT:
		return "remapping structure shorter than 4 bytes or past the table";
	case DMAR_BAD_DRHD:
		return "DRHD shorter than 16 bytes or register base not 4 KiB aligned";
	case DMAR_BAD_SCOPE:
		return "device scope shorter than 6 bytes, odd path or past its DRHD";
	case DMAR_TOO_MANY:
		return "more units, scopes or path entries than vfprobe keeps";
	case DMAR_NO_UNIT:
		return "DMAR has no DRHD";
	}
	return "unknown DMAR status";
}

static enum dmar_status parse_scopes(const uint8_t *s, uint32_t len, struct dmar_unit *u)
{
	for (uint32_t o = 0; o < len;) {
		if (len - o < SCOPE_PATH)
			return DMAR_BAD_SCOPE;
		uint8_t slen = s[o + SCOPE_LENGTH];
		if (slen < SCOPE_PATH || slen > len - o || (slen - SCOPE_PATH) % 2)
			return DMAR_BAD_SCOPE;
		if (u->n_scopes == DMAR_MAX_SCOPES || (slen - SCOPE_PATH) / 2 > DMAR_MAX_PATH)
			return DMAR_TOO_MANY;
		struct dmar_scope *sc = &u->scope[u->n_scopes++];
		sc->type = s[o + SCOPE_TYPE];
		sc->enum_id = s[o + SCOPE_ENUM_ID];
		sc->start_bus = s[o + SCOPE_START_BUS];
		sc->path_len = (uint8_t)((slen - SCOPE_PATH) / 2);
		memcpy(sc->path, s + o + SCOPE_PATH, (size_t)sc->path_len * 2);
		o += slen;
	}
	return DMAR_OK;
}

static enum dmar_status parse_drhd(const uint8_t *s, uint32_t len, struct dmar_info *d)
{
	if (len < DRHD_SCOPES)
		return DMAR_BAD_DRHD;
	if (d->n_units == DMAR_MAX_UNITS)
		return DMAR_TOO_MANY;
	struct dmar_unit *u = &d->unit[d->n_units++];
	u->flags = s[DRHD_FLAGS];
	u->segment = (uint16_t)acpi_get_le(s + DRHD_SEGMENT, 2);
	u->base = acpi_get_le(s + DRHD_BASE, 8);
	if (!u->base || (u->base & 0xfff))
		return DMAR_BAD_DRHD;
	return parse_scopes(s + DRHD_SCOPES, len - DRHD_SCOPES, u);
}

enum dmar_status dmar_parse(const struct acpi_sdt_header *t, struct dmar_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!t)
		return DMAR_NULL;
	if (memcmp(t->signature, "DMAR", 4) != 0)
		return DMAR_BAD_SIGNATURE;
	uint32_t len = t->length;
	if (len < DMAR_STRUCTS)
		return DMAR_SHORT;
	if (acpi_checksum(t, len) != 0)
		return DMAR_BAD_CHECKSUM;
	const uint8_t *p = (const uint8_t *)t;
	out->haw = p[DMAR_HAW] + 1u;
	out->flags = p[DMAR_FLAGS];
	for (uint32_t o = DMAR_STRUCTS; o < len;) {
		if (len - o < DMAR_STRUCT_HDR)
			return DMAR_BAD_STRUCT;
		uint16_t type = (uint16_t)acpi_get_le(p + o, 2);
		uint16_t slen = (uint16_t)acpi_get_le(p + o + 2, 2);
		if (slen < DMAR_STRUCT_HDR || slen > len - o)
			return DMAR_BAD_STRUCT;
		if (type == DMAR_TYPE_DRHD) {
			enum dmar_status st = parse_drhd(p + o, slen, out);
			if (st != DMAR_OK)
				return st;
		} else {
			out->n_other++;
		}
		o += slen;
	}
	return out->n_units ? DMAR_OK : DMAR_NO_UNIT;
}

/* §8.3.1: the path starts on start_bus and each entry after the first is
 * on the secondary bus of the bridge before it, as the hops are. */
static bool scope_covers(const struct dmar_scope *sc, const struct dmar_hop *hops, size_t n)
{
	if (!n || hops[0].bus != sc->start_bus || sc->path_len == 0 || sc->path_len > n)
		return false;
	if (sc->type == SCOPE_PCI_ENDPOINT ? sc->path_len != n
	                                   : sc->type != SCOPE_PCI_SUBHIERARCHY || sc->path_len == n)
		return false;
	for (size_t i = 0; i < sc->path_len; i++)
		if (hops[i].devfn != (uint8_t)(sc->path[i][0] << 3 | (sc->path[i][1] & 7)))
			return false;
	return true;
}

const struct dmar_unit *dmar_unit_for(const struct dmar_info *d, const struct dmar_hop *hops, size_t n)
{
	const struct dmar_unit *all = NULL;
	for (unsigned i = 0; i < d->n_units; i++) {
		const struct dmar_unit *u = &d->unit[i];
		if (u->segment != 0)
			continue;
		for (unsigned j = 0; j < u->n_scopes; j++)
			if (scope_covers(&u->scope[j], hops, n))
				return u;
		if ((u->flags & DRHD_INCLUDE_PCI_ALL) && !all)
			all = u;
	}
	return all;
}
