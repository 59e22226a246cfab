/* tests/conformance/backend_loss.c: a function whose backend went away. */
#include "backend_loss.h"

#include <stdio.h>

#include "virtio/spec_net.h"
#include "virtio/spec_pci.h"

/* The PF is always on QEMU's hub; the VFs are on --backend (backends.py). */
static const char *backend_of(const struct venv *e, const struct venv_fn *fn)
{
	return fn->vf_no && e->backend ? e->backend : "hub";
}

bool backend_lost(const struct venv *e, struct venv_fn *fn, char *why, size_t len)
{
	struct net_dev *nd = fn->nd;
	uint8_t mac[6];
	uint16_t st = 0;
	bool needs_reset = (vpci_get_status(&nd->vp) & VIRTIO_CONFIG_S_NEEDS_RESET) != 0;
	bool down = virtio_has(&nd->vp, VIRTIO_NET_F_STATUS) && net_read_config(nd, mac, &st) == 0 &&
	            !(st & VIRTIO_NET_S_LINK_UP);
	if (!needs_reset && !down)
		return false;
	snprintf(why, len, "its backend %s is gone: %s", backend_of(e, fn),
	         needs_reset ? "DEVICE_NEEDS_RESET set" : "VIRTIO_NET_S_LINK_UP clear");
	snprintf(nd->err, sizeof(nd->err), "%s", why);
	return true;
}

void backend_take_out(struct venv_fn *fn)
{
	fn->up = false;
	fn->failed = true;
}
