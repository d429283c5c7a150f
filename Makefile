# SPDX-License-Identifier: GPL-2.0
#
# bpfilter: Kbuild-style top-level Makefile.
#
#   make                 build everything into build/ (O=DIR to change)
#   make V=1             show the commands
#   make check           build and run the selftests
#   make SANITIZE=1 check  the same with AddressSanitizer and UBSan, in build/san
#   make fuzz            libFuzzer targets (clang) in build/fuzz: scripts/fuzz.sh
#   make install         install into $(DESTDIR)$(PREFIX) (default /usr/local)
#   make bench-tools     build scripts/bench.sh's helpers
#   make clean           remove the build directory's objects
#
# Each directory lists its objects in its own Makefile (<dir>-y := ...).

srctree := $(CURDIR)
# a sanitized or fuzzing build (SANITIZE=1, FUZZ=1, below) has a tree of its own
O ?= $(if $(filter 1,$(SANITIZE)),build/san,$(if $(filter 1,$(FUZZ)),build/fuzz,build))
objtree := $(abspath $(O))

ifeq ($(V),1)
Q :=
quiet_cmd = @true
else
Q := @
quiet_cmd = @printf '  %-8s %s\n'
endif

CC ?= cc
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
DESTDIR ?=
WERROR ?= 1
CFLAGS ?= -O2 -g

KSFT_DIR ?= $(srctree)/build/kselftest

BF_CFLAGS := -std=gnu11 -D_GNU_SOURCE -fPIC -fvisibility=hidden -MMD -MP \
	-Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
ifeq ($(WERROR),1)
BF_CFLAGS += -Werror
endif

.DEFAULT_GOAL := all

objs = $(addprefix $(objtree)/$(1)/,$($(1)-y))

XLATE_LIB := $(objtree)/xlate/libxlate.a
BPF_LIB := $(objtree)/bpf/libbfbpf.a
LIBBPF_LIBS := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
CLIENT_LIB := $(objtree)/sockopt/libbpfilter.so
PRELOAD_LIB := $(objtree)/sockopt/libbpfilter-preload.so
DAEMON := $(objtree)/umh/bpfilterd
WRAPPERS := $(addprefix $(objtree)/scripts/,iptables-bpfilter iptables-bpfilter-save \
	iptables-bpfilter-restore)
SYSTEMD_UNIT_DIR ?= $(PREFIX)/lib/systemd/system

include xlate/Makefile
include sockopt/Makefile
include bpf/Makefile
include umh/Makefile
include selftests/Makefile

# make SANITIZE=1 check: the daemon and the unit tests built with
# AddressSanitizer and UBSan, any report fatal. The shim, the wrappers and
# the tools stay plain: they run inside unmodified iptables binaries.
ifeq ($(SANITIZE),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
$(call objs,xlate) $(call objs,bpf) $(call objs,umh) \
	$(addsuffix .o,$(addprefix $(objtree)/selftests/unit/,$(selftests-unit))): CFLAGS += $(SAN_FLAGS)
$(DAEMON) $(addprefix $(objtree)/selftests/unit/,$(selftests-unit)): LDFLAGS += $(SAN_FLAGS)
endif

# make fuzz: the translator and the code generator built with clang's
# libFuzzer hooks and the same sanitizers, for selftests/fuzz/'s targets.
ifeq ($(FUZZ),1)
CC := clang
FUZZ_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# the kernel's own ipt_standard layout, which our entries follow
BF_CFLAGS += -Wno-gnu-variable-sized-type-not-at-end
$(call objs,xlate) $(call objs,bpf) $(fuzz-objs): CFLAGS += $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link
$(fuzz-bins): LDFLAGS += $(FUZZ_FLAGS) -fsanitize=fuzzer

fuzz: $(fuzz-bins)
else
fuzz:
	$(Q)$(MAKE) --no-print-directory FUZZ=1 fuzz
endif

ALL_OBJS := $(call objs,xlate) $(call objs,sockopt) $(call objs,bpf) $(call objs,umh) \
	$(selftests-objs) $(if $(filter 1,$(FUZZ)),$(fuzz-objs))

all: $(DAEMON) $(CLIENT_LIB) $(PRELOAD_LIB) $(WRAPPERS) $(selftests-bins)

$(objtree)/%.o: $(srctree)/%.c
	$(quiet_cmd) CC $(patsubst $(objtree)/%,%,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(BF_CFLAGS) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

$(XLATE_LIB): $(call objs,xlate)
	$(quiet_cmd) AR $(patsubst $(objtree)/%,%,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BPF_LIB): $(call objs,bpf)
	$(quiet_cmd) AR $(patsubst $(objtree)/%,%,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(CLIENT_LIB): $(call objs,sockopt)
	$(quiet_cmd) LD $(patsubst $(objtree)/%,%,$@)
	$(Q)$(CC) -shared -Wl,-soname,libbpfilter.so $(LDFLAGS) -o $@ $^

$(PRELOAD_LIB): $(call objs,sockopt) $(objtree)/sockopt/preload.o
	$(quiet_cmd) LD $(patsubst $(objtree)/%,%,$@)
	$(Q)$(CC) -shared $(LDFLAGS) -o $@ $^ -ldl

$(DAEMON): $(call objs,umh) $(BPF_LIB) $(XLATE_LIB) $(call objs,sockopt)
	$(quiet_cmd) LD $(patsubst $(objtree)/%,%,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBBPF_LIBS) -lz -pthread

# Static: each iptables command starts one, and dynamic loading costs time.
# With the kernel's nolibc (scripts/install-deps.sh extracts it) if at hand:
# glibc's own start-up costs more than the rest of the program.
NOLIBC_DIR ?= $(srctree)/build/nolibc
ifneq ($(wildcard $(NOLIBC_DIR)/nolibc.h),)
WRAPPER_CFLAGS := -DBF_NOLIBC -isystem $(NOLIBC_DIR) -nostdlib -fno-stack-protector \
	-fno-asynchronous-unwind-tables -lgcc
# a wrapper built with glibc before nolibc was extracted is built again
WRAPPER_DEPS := $(NOLIBC_DIR)/nolibc.h
endif

$(objtree)/scripts/%: $(srctree)/sockopt/wrapper.c $(WRAPPER_DEPS)
	$(quiet_cmd) CC $(patsubst $(objtree)/%,%,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(filter-out -MMD -MP,$(BF_CFLAGS)) $(CFLAGS) -static -DBF_TOOL='"$(subst -bpfilter,,$*)"' \
		-o $@ $< $(WRAPPER_CFLAGS)

BENCH_TOOLS := $(objtree)/scripts/bench/udpflood $(objtree)/scripts/bench/testrun

$(objtree)/scripts/bench/%: $(srctree)/scripts/bench/%.c
	$(quiet_cmd) CC $(patsubst $(objtree)/%,%,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(BF_CFLAGS) $(CFLAGS) -o $@ $< $(LIBBPF_LIBS)

bench-tools: $(BENCH_TOOLS)

check: all
	$(Q)$(srctree)/selftests/run.sh $(objtree)

install: all
	install -D -m 0755 $(DAEMON) $(DESTDIR)$(PREFIX)/sbin/bpfilterd
	install -D -m 0755 $(PRELOAD_LIB) $(DESTDIR)$(PREFIX)/lib/bpfilter/libbpfilter-preload.so
	install -D -m 0755 $(CLIENT_LIB) $(DESTDIR)$(PREFIX)/lib/bpfilter/libbpfilter.so
	install -D -m 0644 sockopt/wire.h $(DESTDIR)$(PREFIX)/include/bpfilter/wire.h
	install -D -m 0644 sockopt/client.h $(DESTDIR)$(PREFIX)/include/bpfilter/client.h
	for w in $(WRAPPERS); do \
		install -D -m 0755 $$w $(DESTDIR)$(PREFIX)/sbin/$$(basename $$w); done
	# the unit names the daemon where this install puts it
	mkdir -p $(DESTDIR)$(SYSTEMD_UNIT_DIR)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|' umh/systemd/bpfilterd.service.in \
		> $(DESTDIR)$(SYSTEMD_UNIT_DIR)/bpfilterd.service
	install -D -m 0644 umh/systemd/bpfilterd.socket \
		$(DESTDIR)$(SYSTEMD_UNIT_DIR)/bpfilterd.socket
	install -D -m 0644 Documentation/bpfilterd.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/bpfilterd.8

clean:
	rm -rf $(objtree)/xlate $(objtree)/sockopt $(objtree)/bpf $(objtree)/umh \
		$(objtree)/selftests $(objtree)/scripts

.PHONY: all bench-tools check fuzz install clean
.DELETE_ON_ERROR:

-include $(ALL_OBJS:.o=.d)
