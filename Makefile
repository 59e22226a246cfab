# vfprobe: a bare-metal UEFI guest that checks and measures QEMU's SR-IOV.
#
#   make            build build/test.efi (installs what is missing first)
#   make run        boot the default topology and print the results
#   make check      every test: unit, harness selftests, conformance suites
#   make check-full the long topology list as well
#   make check-unit host-side unit tests only (ASan + UBSan)
#   make soak       make check's conformance boots N=50 times: the flaky points
#   make bench      the benchmark matrix, results in build/bench/
#   make iso        build/vfprobe.iso (hybrid, UEFI-bootable)
#   make deps       install packages, build the cached QEMU and newlib
#   make lint       clang-format, cppcheck, shellcheck and flake8
#
# QEMU=/path/to/qemu-system-x86_64 and OVMF=/path/to/OVMF.fd override the
# defaults; ARGS="..." passes options to scripts/vfprobe for `make run`,
# CHECK_ARGS="..." to scripts/check (--shard I/N, --group NAME,
# --strict-deviations); `make check -j N` runs N jobs at once; N=..., LOAD=...
# and SOAK_ARGS="..." (--boot NAME, --extra OPTIONS, --jobs N) to scripts/soak.

BUILD := build
CC := gcc
LD := ld
OBJCOPY := objcopy

NO_DEPS_GOALS := clean check-unit lint format help print-linux-srcs print-dpdk-srcs
ifneq ($(filter-out $(NO_DEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
DEPS_OUT := $(shell QEMU='$(QEMU)' OVMF='$(OVMF)' scripts/deps --print || echo DEPS_FAILED)
ifneq ($(filter DEPS_FAILED,$(DEPS_OUT)),)
$(error scripts/deps failed (its message is above); fix that and run make again)
endif
NEWLIB := $(patsubst NEWLIB=%,%,$(filter NEWLIB=%,$(DEPS_OUT)))
override QEMU := $(patsubst QEMU=%,%,$(filter QEMU=%,$(DEPS_OUT)))
override OVMF := $(patsubst OVMF=%,%,$(filter OVMF=%,$(DEPS_OUT)))
export QEMU OVMF
endif

GNUEFI_CRT0 := /usr/lib/crt0-efi-x86_64.o
GNUEFI_LIB := /usr/lib/libgnuefi.a
LIBGCC := $(shell $(CC) -print-libgcc-file-name)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
# -falign-loops=32: a loop of up to 32 bytes never crosses a 4 KiB page. Under
# TCG a jump to another page cannot be chained, so a loop across a page
# boundary pays a translation-block lookup per iteration (frame_build's
# checksum ran 9 times slower than the same code in the DPDK guest).
# -minline-all-stringops -mmemcpy-strategy: a __builtin_memcpy of any size is
# a `rep movsq` (firmware/lib/frame_copy.h says why).
FW_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fpic -fshort-wchar -mno-red-zone -falign-loops=32 \
	-minline-all-stringops -mmemcpy-strategy=rep_8byte:-1:noalign \
	-fno-stack-protector -fno-strict-aliasing -fno-builtin-printf -maccumulate-outgoing-args \
	-DGNU_EFI_USE_MS_ABI -DVFPROBE_FIRMWARE \
	-nostdinc -isystem $(NEWLIB)/include -isystem $(shell $(CC) -print-file-name=include) \
	-isystem /usr/include/efi -isystem /usr/include/efi/x86_64 -Ifirmware -Itests

FW_SRCS := $(sort $(wildcard firmware/*/*.c firmware/*/*.S tests/lib/*.c tests/conformance/*.c tests/bench/*.c \
	tests/selftest/*.c))
FW_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(basename $(FW_SRCS)))

.PHONY: all run check check-full check-unit soak bench iso deps lint format clean help print-linux-srcs \
	print-dpdk-srcs
all: $(BUILD)/test.efi

$(BUILD)/obj/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(FW_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/%.o: %.S Makefile
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(FW_CFLAGS) -c $< -o $@

# -z defs: a newlib syscall we forgot is a link error, not a hang at run time.
$(BUILD)/test.so: $(FW_OBJS) linker/efi.lds
	@echo "  LD      $@"
	@$(LD) -nostdlib -shared -Bsymbolic -z defs -z noexecstack -T linker/efi.lds \
		$(GNUEFI_CRT0) $(FW_OBJS) --start-group $(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a \
		$(GNUEFI_LIB) $(LIBGCC) --end-group -o $@

$(BUILD)/test.efi: $(BUILD)/test.so
	@echo "  EFI     $@"
	@$(OBJCOPY) -j .text -j .reloc -j .data -j .dynamic -j .dynsym -j .rela \
		--target efi-app-x86_64 --subsystem=10 $< $@

-include $(FW_OBJS:.o=.d)

# --- host-side unit tests ---------------------------------------------------
# Firmware sources with no hardware access, built for the host with sanitizers.
# The traffic library without its firmware-only parts (the TSC clock, the
# virtio-net port): what the host unit tests and the Linux baseline build.
TRAFFIC_PURE_SRCS := tests/lib/frame.c tests/lib/traffic.c tests/lib/measure.c tests/lib/bench_report.c
HOST_PURE_SRCS := $(wildcard firmware/lib/*.c firmware/boot/acpi.c firmware/virtio/virtq.c firmware/virtio/vq_check.c \
	firmware/virtio/split.c firmware/virtio/packed.c firmware/virtio/caps.c firmware/pci/mcfg.c firmware/pci/capwalk.c \
	firmware/pci/bar_decode.c firmware/pci/window.c firmware/pci/vf_math.c firmware/pci/pf_model.c \
	tests/conformance/net_filter_model.c firmware/iommu/dmar.c firmware/iommu/sl_table.c firmware/iommu/ctx_table.c \
	firmware/iommu/fault.c) \
	$(TRAFFIC_PURE_SRCS) tests/bench/linux/clock_monotonic.c
HOST_CFLAGS := -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Ifirmware -Itests -Itests/unit
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))

# The Linux baseline's traffic program (scripts/linux/build links it).
LINUX_SRCS := $(wildcard tests/bench/linux/*.c) $(TRAFFIC_PURE_SRCS) firmware/lib/tap.c firmware/lib/stats.c \
	firmware/pci/pf_model.c
print-linux-srcs:
	@echo $(LINUX_SRCS)

# The DPDK guest's traffic program (scripts/linux/build-dpdk links it
# against Debian's DPDK): the same measurement code, over DPDK ports.
DPDK_SRCS := $(wildcard tests/bench/dpdk/*.c) $(TRAFFIC_PURE_SRCS) tests/bench/linux/clock_monotonic.c \
	tests/bench/linux/kfile.c tests/bench/linux/guest_main.c firmware/lib/tap.c firmware/lib/stats.c firmware/pci/pf_model.c
print-dpdk-srcs:
	@echo $(DPDK_SRCS)

$(BUILD)/unit/%: tests/unit/%.c $(HOST_PURE_SRCS) $(wildcard tests/unit/*.h) Makefile
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(CC) $(HOST_CFLAGS) $< $(HOST_PURE_SRCS) -o $@

check-unit: $(UNIT_TESTS)
	@scripts/check --unit-only $(UNIT_TESTS)

# --- running ----------------------------------------------------------------
run: $(BUILD)/test.efi
	scripts/vfprobe --no-build $(ARGS)

check: $(BUILD)/test.efi $(UNIT_TESTS) $(BUILD)/vfprobe.iso
	scripts/check $(CHECK_ARGS) $(UNIT_TESTS)

check-full: $(BUILD)/test.efi $(UNIT_TESTS) $(BUILD)/vfprobe.iso
	scripts/check --full $(CHECK_ARGS) $(UNIT_TESTS)

# The soak keeps LOAD more CPUs busy (stress-ng) while it boots.
N ?= 50
LOAD ?= 1
soak: $(BUILD)/test.efi $(BUILD)/vfprobe.iso
	scripts/soak --repeat $(N) --load $(LOAD) $(SOAK_ARGS)

bench: $(BUILD)/test.efi
	scripts/bench $(ARGS)

iso: $(BUILD)/vfprobe.iso
$(BUILD)/vfprobe.iso: $(BUILD)/test.efi scripts/mkiso
	scripts/mkiso $< $@

deps:
	@QEMU='$(QEMU)' OVMF='$(OVMF)' scripts/deps --print

LINT_SRCS = $(filter %.c %.h,$(FW_SRCS)) $(wildcard firmware/*/*.h tests/*/*.h tests/unit/*.c tests/bench/linux/*.[ch] \
	tests/bench/dpdk/*.[ch])
# Every shell script and every Python file, by name or by its #! line.
SH_SRCS = $(sort $(wildcard scripts/*.sh scripts/*/*.sh tests/*/*.sh) \
	$(shell grep -rlIs '^\#!.*\(bash\|/sh\|busybox sh\)' scripts tests .ci))
PY_SRCS = $(sort $(wildcard scripts/*.py scripts/*/*.py tests/*/*.py) $(shell grep -rlIs '^\#!.*python' scripts tests .ci))
lint:
	clang-format --dry-run -Werror $(LINT_SRCS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--suppress=missingIncludeSystem -Ifirmware -Itests firmware tests
	shellcheck -x $(SH_SRCS)
	flake8 $(PY_SRCS)

format:
	clang-format -i $(LINT_SRCS)

clean:
	rm -rf $(BUILD)

help:
	@sed -n '2,21p' Makefile
