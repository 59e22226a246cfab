/* firmware/boot/run.h: from the options to the verdict. */
#ifndef VFPROBE_BOOT_RUN_H
#define VFPROBE_BOOT_RUN_H

#include "boot/exit.h"

/* Parse platform.cmdline, run the chosen suites, return the verdict. */
enum verdict vfprobe_run(void);

#endif
