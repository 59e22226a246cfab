/* tests/conformance/sysreset.c: suite `sysreset`. The first boot enables
 * every VF and brings virtio up on each function, then asks the host for
 * `sysreset` (QMP system_reset, scripts/sysreset_events.py); OVMF boots
 * the same image with the same options again, and the second boot checks
 * what the reset left (sysreset_state.c), then brings the functions up
 * once more. Each boot asks the host `boot-count` to know which it is;
 * the host also carries the first boot's TAP counts and capability
 * chains (lib/reset_carry.h), so the two boots print one TAP stream: one
 * numbering, one plan, one verdict. */
#include <stdio.h>
#include <string.h>

#include "boot/host_request.h"
#include "deviations.h"
#include "lib/options.h"
#include "lib/reset_carry.h"
#include "pci/pci_regs.h"
#include "pci/pf_model.h"
#include "sysreset.h"
#include "virtio_env.h"

#define R_EVENT "vfprobe host events (lib/host_event.h): the host acts on the request and answers ok"
#define R_BOOT                                                                                               \
	"vfprobe suite sysreset (lib/reset_carry.h): the host counts the machine's boots and "               \
	"carries the first boot's state to the second"
#define R_FIRST "vfprobe suite sysreset: the second boot runs the suite list again, so sysreset comes first"
#define R_RESET "vfprobe host events: sysreset is QMP system_reset, answered by a new boot, not by a reply"
#define R_OPEN  "virtio v1.3 §3.1.1 Driver Requirements: Device Initialization"
#define R_SRIOV_ON                                                                                           \
	"PCIe 6.0 §9.3.3.3.1 VF Enable / §9.3.3.7 NumVFs: the state the reset must undo is in place"
#define R_VF_STATUS                                                                                          \
	"virtio v1.3 §2.1 Device Status Field / §4.1.4.3 Common configuration structure layout: "          \
	"a VF enabled after the reset starts with device_status 0, not its state before"

#define EVENT_TIMEOUT_US 10000000ULL /* the host's answer, or its reset */
#define ARGS_MAX         (RESET_CARRY_CAPS_MAX + 80)

static const char *model_of(const struct run_config *cfg)
{
	return cfg->model ? cfg->model : "virtio-net";
}

/* The suite list starts with sysreset: what runs before it would run twice. */
static bool listed_first(const struct run_config *cfg)
{
	const char *list = options_get(cfg->opts, "suite");
	return list && strncmp(list, "sysreset", 8) == 0 && (list[8] == '\0' || list[8] == ',');
}

/* Every function opened to DRIVER_OK, SR-IOV on: the state before the reset. */
static void bring_up(struct venv *e, const char *when)
{
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		int rc = venv_open(e, i, &venv_default_opts);
		tap_prefix_push("%s", fn->name);
		tap_check(rc == 0, R_OPEN, rc ? fn->nd->err : "DRIVER_OK", "DRIVER_OK", "up %s", when);
		tap_prefix_pop();
	}
}

/* Each virtio-net SR-IOV PF's extended capability chain, '/' between PFs. */
static void cap_chains(char *buf, size_t len)
{
	const struct pf_model *m = pf_model_by_name("virtio-net");
	buf[0] = '\0';
	for (size_t i = 0; pf_model_pf(m, i); i++) {
		size_t at = strlen(buf);
		if (i && at + 1 < len)
			strcat(buf, "/");
		sysreset_cap_chain(pf_model_pf(m, i)->rid, buf, len);
	}
}

/* The i-th '/'-separated chain of all, in out; NULL when there is none. */
static const char *nth_chain(const char *all, size_t i, char *out, size_t len)
{
	for (; i && all; i--)
		all = (all = strchr(all, '/')) ? all + 1 : NULL;
	if (!all || !*all)
		return NULL;
	snprintf(out, len, "%.*s", (int)strcspn(all, "/"), all);
	return out;
}

static void first_boot(const struct run_config *cfg)
{
	struct venv *e = venv_get(cfg);
	if (!e)
		return;
	bring_up(e, "before the reset");
	for (size_t i = 0; i < e->n; i++) {
		struct pci_func *pf = e->fn[i].pf;
		if (e->fn[i].vf_no)
			continue;
		uint16_t num = pci_cfg_read16(pf->rid, (uint16_t)(pf->sriov_cap + PCI_SRIOV_NUM_VF));
		uint16_t ctrl = pci_cfg_read16(pf->rid, (uint16_t)(pf->sriov_cap + PCI_SRIOV_CTRL));
		char got[48];
		snprintf(got, sizeof(got), "NumVFs %u, SR-IOV Control 0x%x", num, ctrl);
		tap_prefix_push("%s", e->fn[i].name);
		tap_check(num == pf->num_vfs && num && (ctrl & PCI_SRIOV_CTRL_VFE), R_SRIOV_ON, got,
		          "NumVFs > 0, VF Enable set", "VFs enabled before the reset");
		tap_prefix_pop();
	}
	struct reset_carry carry = {.counts = tap_get_counts()};
	cap_chains(carry.caps, sizeof(carry.caps));
	char args[ARGS_MAX];
	if (reset_carry_format(&carry, args, sizeof(args)) < 0) {
		tap_check(false, R_BOOT, carry.caps, "a state that fits the request",
		          "first boot's state carried");
		return;
	}
	tap_diag("sysreset: asking the host for system_reset, %u points so far", carry.counts.total);
	fflush(stdout);
	struct host_event_reply r;
	enum host_event_status st = host_request("sysreset", args, EVENT_TIMEOUT_US, &r);
	/* Still here: the host did not reset the machine. */
	tap_check(false, R_RESET, st == HOST_EVENT_NO_ANSWER ? "no reset before the deadline" : r.text,
	          "a new boot", "host event sysreset reset the machine within %llu s",
	          EVENT_TIMEOUT_US / 1000000);
}

static void second_boot(const struct run_config *cfg, const struct reset_carry *carry)
{
	if (!tap_check(tap_resume(&carry->counts), R_BOOT, "points printed before", "none",
	               "second boot goes on from the first boot's %u points", carry->counts.total))
		return;
	tap_check(true, R_RESET, "boot 2", "boot 2", "host event sysreset answered by a second boot");
	const char *model = model_of(cfg);
	const struct pf_model *m = pf_model_by_name("virtio-net");
	if (pci_init() != 0) {
		tap_bail_out("sysreset: PCI enumeration failed after the reset");
		return;
	}
	char chain[SYSRESET_CHAIN_MAX];
	for (size_t i = 0; pf_model_pf(m, i); i++) {
		struct pci_func *pf = pf_model_pf(m, i);
		char name[8];
		tap_prefix_push("pf%zu %s", i, pci_rid_str(pf->rid, name));
		sysreset_check_pf(pf, nth_chain(carry->caps, i, chain, sizeof(chain)), model);
		tap_prefix_pop();
	}
	struct venv *e = venv_get(cfg); /* enables the VFs again */
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++) {
		struct venv_fn *fn = &e->fn[i];
		if (!fn->vf_no)
			continue;
		char err[160], got[24];
		int st = sysreset_device_status(fn->f, err, sizeof(err));
		snprintf(got, sizeof(got), "0x%x", st);
		tap_prefix_push("%s", fn->name);
		tap_check(st == 0, R_VF_STATUS, st < 0 ? err : got, "0x0",
		          "device_status 0 when enabled again after the reset");
		tap_prefix_pop();
	}
	bring_up(e, "again after the reset");
}

static void run(const struct run_config *cfg)
{
	deviations_register(sriov_deviations, sriov_deviation_count);
	const char *list = options_get(cfg->opts, "suite");
	if (!listed_first(cfg)) {
		tap_check(false, R_FIRST, list, "sysreset[,...]", "sysreset is the first suite of the list");
		return;
	}
	struct host_event_reply r;
	host_request("boot-count", "", EVENT_TIMEOUT_US, &r);
	struct reset_carry carry;
	char err[160];
	bool told = r.status == HOST_EVENT_DONE && reset_carry_parse(r.text, &carry, err, sizeof(err));
	if (told && carry.boot == 2 && carry.counts.total) {
		second_boot(cfg, &carry); /* its first point follows the first boot's last */
		return;
	}
	tap_check(true, R_FIRST, list, "sysreset[,...]", "sysreset is the first suite of the list");
	tap_check(told, R_EVENT, r.status == HOST_EVENT_DONE ? err : r.text, "boot=N",
	          "host event boot-count answered within %llu s", EVENT_TIMEOUT_US / 1000000);
	if (!told)
		return;
	char got[24];
	snprintf(got, sizeof(got), "boot %u", carry.boot);
	if (tap_check(carry.boot == 1, R_BOOT, got, "boot 1 (or 2, with the first boot's state)",
	              "the host says this is the first boot"))
		first_boot(cfg);
}

VFPROBE_SUITE(sysreset, "sysreset",
              "VFs up, then QMP system_reset from the host; the second boot checks the reset state", run,
              SUITE_EXPLICIT, NULL);
