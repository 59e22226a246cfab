/* tests/conformance/backend_loss.h: telling a function whose backend went
 * away (testpmd killed under --backend vhost-user) from one that lost
 * frames: its device reports the link down (virtio v1.3 §5.1.4,
 * VIRTIO_NET_S_LINK_UP clear) or asks for a reset (§2.1.1
 * DEVICE_NEEDS_RESET). Such a function is taken out of the traffic, so
 * later phases do not wait for it and fail it at once, naming the
 * backend; the others go on. */
#ifndef VFPROBE_TESTS_BACKEND_LOSS_H
#define VFPROBE_TESTS_BACKEND_LOSS_H

#include <stdbool.h>
#include <stddef.h>

#include "virtio_env.h"

/* true when fn's device says its backend is gone; why (and fn->nd->err)
 * names the backend. fn is not changed otherwise: backend_take_out. */
bool backend_lost(const struct venv *e, struct venv_fn *fn, char *why, size_t len);
/* fn no longer sends or receives, and is reported down from now on. */
void backend_take_out(struct venv_fn *fn);

#endif
