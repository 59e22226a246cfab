/* tests/conformance/deviations.c: the registry of known QEMU deviations and
 * the SR-IOV suite's own table. See deviations.h; firmware/pci/NOTES.md
 * explains each entry at more length. Line numbers are QEMU 10.2.2. */
#include "deviations.h"

#include <stdio.h>
#include <string.h>

#include "lib/tap.h"

#define MAX_TABLES     16
#define MAX_DEVIATIONS 64
#define REASON_LEN     192

static const struct deviation *tables[MAX_TABLES];
static size_t table_len[MAX_TABLES];
static size_t ntables, ndeviations;
/* The TODO text of each registered deviation, in registration order. */
static char reasons[MAX_DEVIATIONS][REASON_LEN];

bool deviations_register(const struct deviation *table, size_t n)
{
	for (size_t i = 0; i < ntables; i++)
		if (tables[i] == table)
			return true;
	if (ntables >= MAX_TABLES || ndeviations + n > MAX_DEVIATIONS)
		return false;
	for (size_t i = 0; i < n; i++)
		snprintf(reasons[ndeviations + i], REASON_LEN, "known QEMU deviation %s%s (%s)", table[i].id,
		         table[i].intermittent ? " [intermittent]" : "", table[i].source);
	tables[ntables] = table;
	table_len[ntables++] = n;
	ndeviations += n;
	return true;
}

const struct deviation *deviation_find(const char *id)
{
	for (size_t t = 0; t < ntables; t++)
		for (size_t i = 0; i < table_len[t]; i++)
			if (strcmp(tables[t][i].id, id) == 0)
				return &tables[t][i];
	return NULL;
}

bool deviation_applies(const struct deviation *d, const char *model)
{
	if (!d || !d->models)
		return false;
	if (strcmp(d->models, "*") == 0)
		return true;
	if (!model)
		return false;
	size_t len = strlen(model);
	for (const char *p = d->models; *p;) {
		size_t n = strcspn(p, ",");
		if (n == len && strncmp(p, model, len) == 0)
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

const char *deviation_known(const char *id, const char *model)
{
	const struct deviation *d = deviation_find(id);
	if (!d) {
		tap_diag("deviations: unknown id '%s' (not registered): check runs unmarked", id);
		return NULL;
	}
	if (!deviation_applies(d, model))
		return NULL;
	for (size_t t = 0, k = 0; t < ntables; k += table_len[t++])
		if (d >= tables[t] && d < tables[t] + table_len[t])
			return reasons[k + (size_t)(d - tables[t])];
	return NULL;
}

void deviations_list(const char *model)
{
	for (size_t t = 0; t < ntables; t++)
		for (size_t i = 0; i < table_len[t]; i++) {
			const struct deviation *d = &tables[t][i];
			if (deviation_applies(d, model))
				tap_diag("known deviation %s: %s; %s [%s]", d->id, d->rule, d->evidence,
				         d->source);
		}
}

/* --- the SR-IOV suite's deviations ---------------------------------------- */
const struct deviation sriov_deviations[] = {
    {
        .id = "sriov-reset-clobbers-next-ext-cap",
        .rule = "PCIe 6.0 §7.6.3: a Next Capability Offset points at the next extended capability",
        .evidence = "after any PF reset the dword after the 64-byte SR-IOV capability reads 0: the "
                    "SR-IOV header still points there (virtio-net: ARI at 0x140 vanishes); "
                    "pcie_sriov_pf_reset() writes PCI_NUM_REGIONS (7, ROM included) 8-byte VF BAR "
                    "values from offset 0x24, i.e. up to cap + 0x43",
        .source = "hw/pci/pcie_sriov.c:466",
        .models = "virtio-net",
    },
    {
        .id = "sriov-vf-bar-ignores-page-size",
        .rule = "PCIe 6.0 §9.3.3.13: VF BAR regions are aligned to the System Page Size",
        .evidence = "with System Page Size = 64 KiB the VF BARs still size to 4 KiB (virtio-net BAR1) or "
                    "16 KiB (igb, nvme): the writable mask of a VF BAR is fixed at ~(size - 1)",
        .source = "hw/pci/pcie_sriov.c:235",
        .models = "virtio-net,igb,nvme",
    },
    {
        .id = "sriov-vf-command-mse-writable",
        .rule = "PCIe 6.0 §9.3.4.1.3: VF Command Memory Space Enable is RO 0",
        .evidence = "writing 1 to a VF's Command bit 1 reads back 1: VFs get the generic Command write "
                    "mask (I/O, Memory, Bus Master, INTx Disable)",
        .source = "hw/pci/pci.c:1045",
        .models = "virtio-net,igb,nvme",
    },
    {
        .id = "sriov-vf-command-iose-writable",
        .rule = "PCIe 6.0 §9.3.4.1.3: VF Command I/O Space Enable is RO 0",
        .evidence = "writing 1 to a VF's Command bit 0 reads back 1 (same write mask)",
        .source = "hw/pci/pci.c:1045",
        .models = "virtio-net,igb,nvme",
    },
    {
        .id = "sriov-vf-interrupt-pin",
        .rule = "PCIe 6.0 §9.3.4.1.18: VF Interrupt Pin is 0",
        .evidence = "virtio-net VFs read Interrupt Pin 1 (INTA): virtio-pci sets it for every proxy, VF "
                    "or not (nvme checks pci_is_vf(), igbvf leaves it 0)",
        .source = "hw/virtio/virtio-pci.c:2100",
        .models = "virtio-net",
    },
    {
        .id = "sriov-vf-decode-needs-vf-command-mse",
        .rule = "PCIe 6.0 §9.3.3.3.4: VF MSE set makes the VFs' memory space decode",
        .evidence = "with VF Enable and VF MSE set, a write to VF 0's MSI-X table is lost and reads 0 "
                    "until the VF's own Command Memory Space Enable (RO 0 by spec) is written 1: a VF "
                    "BAR is mapped from the VF's Command register",
        .source = "hw/pci/pci.c:1663",
        .models = "virtio-net,igb,nvme",
    },
    {
        .id = "sriov-vf-mse-ignored",
        .rule = "PCIe 6.0 §9.3.3.3.4: VF MSE clear stops all VF memory decode",
        .evidence = "after clearing VF MSE, VF 0's MSI-X table still reads the pattern written: nothing "
                    "in QEMU consults PCI_SRIOV_CTRL_MSE beyond its write mask",
        .source = "hw/pci/pcie_sriov.c:76 (write mask only); hw/pci/pci.c:1663",
        .models = "virtio-net,igb,nvme",
    },
};
const size_t sriov_deviation_count = DEVIATION_COUNT(sriov_deviations);
