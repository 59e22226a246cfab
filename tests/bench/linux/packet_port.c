/* tests/bench/linux/packet_port.c: see packet_port.h. */
#define _GNU_SOURCE
#include "packet_port.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/frame.h"

#define SOCKET_BUFFER (8 << 20)
#define SEND_TRIES    1000 /* sendmmsg attempts per kick (10 us apart) */

struct packet_port {
	int sock;
	unsigned posted;
	size_t len[PACKET_PORT_BATCH];
	uint8_t frame[PACKET_PORT_BATCH][FRAME_MAX_LEN];
	char err[96];
};

static struct packet_port *pp(struct tport *p)
{
	return p->ctx;
}

static int fail(struct packet_port *s, const char *what)
{
	snprintf(s->err, sizeof(s->err), "%s: %s", what, strerror(errno));
	return -1;
}

static int port_tx(struct tport *p, const void *frame, size_t len)
{
	struct packet_port *s = pp(p);
	if (s->posted == PACKET_PORT_BATCH)
		return TPORT_FULL;
	if (len > FRAME_MAX_LEN) {
		snprintf(s->err, sizeof(s->err), "a %zu-byte frame is larger than %d", len, FRAME_MAX_LEN);
		return -1;
	}
	memcpy(s->frame[s->posted], frame, len);
	s->len[s->posted++] = len;
	return 0;
}

/* Send what is posted; what the kernel refuses (ENOBUFS) is retried. */
static void port_kick(struct tport *p)
{
	struct packet_port *s = pp(p);
	struct mmsghdr m[PACKET_PORT_BATCH];
	struct iovec v[PACKET_PORT_BATCH];
	memset(m, 0, sizeof(m[0]) * s->posted);
	for (unsigned i = 0; i < s->posted; i++) {
		v[i] = (struct iovec){.iov_base = s->frame[i], .iov_len = s->len[i]};
		m[i].msg_hdr.msg_iov = &v[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	unsigned done = 0;
	for (int tries = 0; done < s->posted && tries < SEND_TRIES; tries++) {
		int r = sendmmsg(s->sock, m + done, s->posted - done, 0);
		if (r > 0)
			done += (unsigned)r;
		else if (r < 0 && errno != ENOBUFS && errno != EAGAIN)
			break;
		else
			usleep(10);
	}
	if (done < s->posted)
		fail(s, "sendmmsg");
	s->posted = 0;
}

/* The kernel owns sent frames: nothing to take back, but a failed kick
 * breaks the port. */
static int port_reap(struct tport *p)
{
	return pp(p)->err[0] ? -1 : 0;
}

static int port_rx(struct tport *p, void *buf, size_t cap, size_t *len)
{
	struct packet_port *s = pp(p);
	ssize_t r = recv(s->sock, buf, cap, MSG_DONTWAIT);
	if (r < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : fail(s, "recv");
	*len = (size_t)r;
	return 1;
}

static unsigned port_tx_room(struct tport *p)
{
	return PACKET_PORT_BATCH - pp(p)->posted;
}

static void port_wait_rx(struct tport *p, uint64_t timeout_us)
{
	struct pollfd fd = {pp(p)->sock, POLLIN, 0};
	poll(&fd, 1, (int)((timeout_us + 999) / 1000));
}

static const struct tport_ops packet_port_ops = {
    .tx = port_tx,
    .kick = port_kick,
    .reap = port_reap,
    .rx = port_rx,
    .tx_room = port_tx_room,
    .wait_rx = port_wait_rx,
};

bool packet_port_open(struct tport *p, const char *ifname, int ifindex, const unsigned char mac[6])
{
	struct packet_port *s = calloc(1, sizeof(*s));
	if (!s)
		return false;
	s->sock = socket(AF_PACKET, SOCK_RAW, htons(FRAME_ETHERTYPE));
	if (s->sock < 0) {
		free(s);
		return false;
	}
	struct sockaddr_ll a = {
	    .sll_family = AF_PACKET, .sll_protocol = htons(FRAME_ETHERTYPE), .sll_ifindex = ifindex};
	int big = SOCKET_BUFFER, one = 1;
	setsockopt(s->sock, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	setsockopt(s->sock, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	/* Our own frames are not received back on the sending socket. */
	setsockopt(s->sock, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (bind(s->sock, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(s->sock);
		free(s);
		return false;
	}
	p->ops = &packet_port_ops;
	p->ctx = s;
	p->error = s->err;
	memcpy(p->mac, mac, 6);
	snprintf(p->name, sizeof(p->name), "%s", ifname);
	return true;
}
