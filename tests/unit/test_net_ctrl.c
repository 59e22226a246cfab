/* tests/unit/test_net_ctrl.c: how the control queue judges the device's
 * answer to a command (firmware/virtio/net_ctrl.h net_ctrl_judge): every
 * hostile answer is a named failure, only a 1-byte OK or ERR is done. */
#include "unit.h"
#include "virtio/net_ctrl.h"

#define R_CTRL "virtio v1.3 §5.1.6.5 Control Virtqueue: one ack byte, VIRTIO_NET_OK or VIRTIO_NET_ERR"

int main(void)
{
	tap_begin();
	tap_check_eq(net_ctrl_judge(1, 1, VIRTIO_NET_OK), NET_CTRL_DONE, R_CTRL, "1-byte OK is done");
	tap_check_eq(net_ctrl_judge(1, 1, VIRTIO_NET_ERR), NET_CTRL_DONE, R_CTRL, "1-byte ERR is an answer");
	tap_check_eq(net_ctrl_judge(0, 0, 0), NET_CTRL_TIMEOUT, R_CTRL, "no used buffer: not answered");
	tap_check_eq(net_ctrl_judge(-1, 0, 0), NET_CTRL_BROKEN, R_CTRL, "ring rule broken: queue broken");
	tap_check_eq(net_ctrl_judge(1, 0, VIRTIO_NET_OK), NET_CTRL_BAD_LEN, R_CTRL, "used len 0: bad length");
	tap_check_eq(net_ctrl_judge(1, 2, VIRTIO_NET_OK), NET_CTRL_BAD_LEN, R_CTRL, "used len 2: bad length");
	tap_check_eq(net_ctrl_judge(1, 1, 0xa5), NET_CTRL_BAD_ACK, R_CTRL, "ack left poisoned: bad ack");
	tap_check_eq(net_ctrl_judge(1, 1, 2), NET_CTRL_BAD_ACK, R_CTRL, "ack 2: bad ack");
	return unit_done();
}
