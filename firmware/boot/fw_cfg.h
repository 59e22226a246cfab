/* firmware/boot/fw_cfg.h: QEMU's fw_cfg, for options when the load options
 * are empty (an ISO boot): `-fw_cfg name=opt/vfprobe/cmdline,string=...`. */
#ifndef VFPROBE_BOOT_FW_CFG_H
#define VFPROBE_BOOT_FW_CFG_H

#include <stdbool.h>
#include <stddef.h>

/* Copy the fw_cfg file `name` (NUL-terminated) into buf; false if absent. */
bool fw_cfg_read_file(const char *name, char *buf, size_t len);

#endif
