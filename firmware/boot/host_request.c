/* firmware/boot/host_request.c: lib/host_event.c on COM1 and the TSC. */
#include "boot/host_request.h"

#include <stdio.h>

#include "boot/serial.h"
#include "boot/timer.h"

static int read_com1(void *ctx)
{
	(void)ctx;
	return serial_read_byte();
}

static bool passed(void *ctx)
{
	return deadline_passed(*(const struct deadline *)ctx);
}

enum host_event_status host_request(const char *name, const char *args, uint64_t timeout_us,
                                    struct host_event_reply *r)
{
	struct deadline end = deadline_in_us(timeout_us);
	const struct host_event_io io = {.read_byte = read_com1, .expired = passed, .ctx = &end};
	return host_event_ask(stdout, &io, name, args, r);
}
