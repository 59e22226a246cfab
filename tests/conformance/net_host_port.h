/* tests/conformance/net_host_port.h: the runner's own port on the wire of
 * suite net (scripts/wire_peer.py), from the load option hostport=LIST
 * (venv.host): the functions (numbered as in lib/peers.h) that hear the
 * host port and that it hears. The host checks there, byte for byte, every frame the
 * guest says it sent; the guest checks here every frame the host sent, so
 * a device that errs the same way on TX and RX cannot pass by cancelling
 * out between two of its functions. The handshake:
 *
 *   guest   prints HOST_PORT_SEND_LINE, waits for FRAME_HOST_COUNT frames
 *           (and asks again, up to HOST_PORT_TRIES times, on a backend
 *           that starts a function's datapath late)
 *   runner  waits until its ports are quiet, forgets what it captured,
 *           sends the host frames 0..FRAME_HOST_COUNT-1 (lib/frame.h)
 *   guest   the suite's traffic, then `# wire: sender I mac M frames N
 *           bytes B` per function; prints HOST_PORT_COUNT_LINE, waits for
 *           host frame FRAME_HOST_COUNT
 *   runner  waits until quiet, compares what it captured with the wire
 *           lines, sends host frame FRAME_HOST_COUNT
 *
 * The guest never waits longer than HOST_PORT_WAIT_US for one answer. */
#ifndef VFPROBE_TESTS_NET_HOST_PORT_H
#define VFPROBE_TESTS_NET_HOST_PORT_H

#include "virtio_env.h"

#define HOST_PORT_SEND_LINE  "wire: host port, send"
#define HOST_PORT_COUNT_LINE "wire: host port, count"
#define HOST_PORT_WAIT_US    20000000ULL
/* Requests for the first frames on a backend that starts datapaths late. */
#define HOST_PORT_TRIES 4

/* The first half of the handshake: one TAP point per linked function,
 * the host's frames arrived once each, in order, byte for byte. */
void host_port_greet(struct venv *e);
/* The second half, after the wire lines: one TAP point per linked
 * function, the host's closing frame arrived byte for byte. */
void host_port_close(struct venv *e);

#endif
