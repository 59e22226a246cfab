/* firmware/boot/host_request.h: an event request to the host over COM1
 * (lib/host_event.h), waiting for the reply with a deadline. */
#ifndef VFPROBE_BOOT_HOST_REQUEST_H
#define VFPROBE_BOOT_HOST_REQUEST_H

#include <stdint.h>

#include "lib/host_event.h"

/* Ask for event `name` with `args` ("fn=3", or ""), wait at most
 * timeout_us for the host's reply. Returns r->status. */
enum host_event_status host_request(const char *name, const char *args, uint64_t timeout_us,
                                    struct host_event_reply *r);

#endif
