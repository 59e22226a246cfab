/* firmware/pci/capwalk.c: walking capability lists (PCIe 6.0 §7.5.1.1.11
 * Capabilities Pointer, §7.6.3 Extended Capability Header).
 *
 * A device model with a bad list must not hang or crash the guest: every
 * walk is bounded by the number of entries that can fit (a dword each), a
 * pointer into the header or past the end stops it, and the *_problem()
 * variants name what was wrong so a test can report it. */
#include "pci/pci_pure.h"
#include "pci/pci_regs.h"

static uint8_t rd8(const volatile uint8_t *cfg, uint16_t off)
{
	return cfg[off];
}
static uint16_t rd16(const volatile uint8_t *cfg, uint16_t off)
{
	return (uint16_t)(*(const volatile uint16_t *)(cfg + off));
}
static uint32_t rd32(const volatile uint8_t *cfg, uint16_t off)
{
	return *(const volatile uint32_t *)(cfg + off);
}

/* Walk the standard list; calls stop when `id` matches after `after`.
 * Returns the match, or 0; *problem says why a walk ended early. */
static uint16_t walk_std(const volatile uint8_t *cfg, size_t len, int id, uint16_t after,
                         const char **problem)
{
	*problem = NULL;
	if (len < PCI_CFG_SPACE_SIZE)
		return 0;
	/* Not the Vendor ID: a VF reads 0xFFFF there (§9.3.4.1.1) yet has
	 * capabilities. A Status of all ones means nothing answered. */
	uint16_t status = rd16(cfg, PCI_STATUS);
	if (status == 0xffff || !(status & PCI_STATUS_CAP_LIST))
		return 0;
	uint16_t pos = rd8(cfg, PCI_CAPABILITY_LIST) & PCI_CAP_PTR_MASK;
	bool seen_after = after == 0;
	/* (256 - 64) / 4 entries at most */
	for (unsigned n = 0; pos; n++) {
		if (n >= (PCI_CFG_SPACE_SIZE - PCI_CAP_MIN_OFFSET) / 4) {
			*problem = "capability list loops";
			return 0;
		}
		if (pos < PCI_CAP_MIN_OFFSET || pos > PCI_CFG_SPACE_SIZE - 4) {
			*problem = "capability pointer outside 0x40..0xfc";
			return 0;
		}
		uint8_t cid = rd8(cfg, pos + PCI_CAP_LIST_ID);
		if (seen_after && id >= 0 && cid == id)
			return pos;
		if (pos == after)
			seen_after = true;
		pos = rd8(cfg, pos + PCI_CAP_LIST_NEXT) & PCI_CAP_PTR_MASK;
	}
	return 0;
}

static uint16_t walk_ext(const volatile uint8_t *cfg, size_t len, int id, uint16_t after,
                         const char **problem)
{
	*problem = NULL;
	if (len < PCI_CFG_EXT_SPACE_SIZE)
		return 0;
	uint16_t pos = PCI_EXT_CAP_START;
	bool seen_after = after == 0;
	for (unsigned n = 0;; n++) {
		if (n >= (PCI_CFG_EXT_SPACE_SIZE - PCI_EXT_CAP_START) / 4) {
			*problem = "extended capability list loops";
			return 0;
		}
		uint32_t h = rd32(cfg, pos);
		/* §7.6.3: an all-zero header at 0x100 means no extended caps;
		 * all ones means nothing answers (no extended space). */
		if (h == 0 || h == 0xffffffffu)
			return 0;
		if (seen_after && id >= 0 && PCI_EXT_CAP_ID(h) == (uint32_t)id)
			return pos;
		if (pos == after)
			seen_after = true;
		uint16_t next = (uint16_t)PCI_EXT_CAP_NEXT(h);
		if (!next)
			return 0;
		if (next < PCI_EXT_CAP_START || next > PCI_CFG_EXT_SPACE_SIZE - 4) {
			*problem = "extended capability pointer outside 0x100..0xffc";
			return 0;
		}
		pos = next;
	}
}

uint16_t pci_capwalk_std(const volatile uint8_t *cfg, size_t len, uint8_t id, uint16_t after)
{
	const char *p;
	return walk_std(cfg, len, id, after, &p);
}

uint16_t pci_capwalk_ext(const volatile uint8_t *cfg, size_t len, uint16_t id, uint16_t after)
{
	const char *p;
	return walk_ext(cfg, len, id, after, &p);
}

const char *pci_capwalk_std_problem(const volatile uint8_t *cfg, size_t len)
{
	const char *p;
	walk_std(cfg, len, -1, 0, &p);
	return p;
}

const char *pci_capwalk_ext_problem(const volatile uint8_t *cfg, size_t len)
{
	const char *p;
	walk_ext(cfg, len, -1, 0, &p);
	return p;
}
