"""The host's half of suite `sysreset` (tests/conformance/sysreset.c):
a machine reset in the middle of a run, and the boot count the firmware
asks for on every boot, since it cannot tell a second boot by itself.

    # vfprobe-event: SEQ sysreset KEY=VALUE ...   -> QMP system_reset, no reply
    # vfprobe-event: SEQ boot-count               -> "boot=N" and what sysreset carried

The words of the sysreset request (the first boot's TAP counts and
capability chains, firmware/lib/reset_carry.h) are the host's to keep, not
to read: boot-count hands them back unchanged. They live on the Host,
which lasts as long as its QEMU, across its resets."""

from qmp_events import EventError, handler

BOOTS = "sysreset.boots"
CARRIED = "sysreset.carried"


@handler("sysreset")
def sysreset(host, args):
    """Reset the machine (QMP system_reset); the guest is gone, so no answer."""
    if "boot" in args:
        raise EventError("sysreset takes the first boot's state, not boot= (the host counts boots)")
    # -no-reboot makes every reset request a shutdown (system/runstate.c:693,
    # qemu_system_reset_request): allow this one reset, the decision is
    # taken when it is requested, then a guest reset is an exit again.
    host.channel.command("set-action", reboot="reset")
    try:
        host.channel.command("system_reset")
    finally:
        host.channel.command("set-action", reboot="shutdown")
    host.kept[BOOTS] = host.kept.get(BOOTS, 1) + 1
    host.kept[CARRIED] = " ".join(f"{k}={v}" for k, v in args.items())
    return None


@handler("boot-count")
def boot_count(host, args):
    """This machine's boot number, from 1, and what the last sysreset carried."""
    if args:
        raise EventError(f"boot-count takes no arguments, not {' '.join(f'{k}={v}' for k, v in sorted(args.items()))}")
    carried = host.kept.get(CARRIED, "")
    return f"boot={host.kept.get(BOOTS, 1)}" + (f" {carried}" if carried else "")
