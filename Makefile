# SPDX-License-Identifier: GPL-2.0
# Entry point for the IMA namespace patchset: fetch the base, assemble the
# tree, build, boot and test. See README.md.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

TOP      := $(abspath .)
H        := $(TOP)/harness
BUILD    := $(TOP)/build
TREE     := $(BUILD)/linux
OBJ      := $(BUILD)/obj
OBJ_DBG  := $(BUILD)/obj-debug
KST      := $(BUILD)/kselftest
INITRD   := $(BUILD)/initramfs.cpio.gz
KSRC     ?=
APPEND   ?=
SCRIPT   ?=
export KSRC

FRAGMENTS     := $(H)/kernel.config $(TOP)/tools/testing/selftests/ima_ns/config
DBG_FRAGMENTS := $(FRAGMENTS) $(H)/debug.config
BZIMAGE       := $(OBJ)/arch/x86/boot/bzImage
BZIMAGE_DBG   := $(OBJ_DBG)/arch/x86/boot/bzImage

.PHONY: help deps base tree refresh kernel kernel-debug selftests initramfs \
	tools tools-test \
	vm-run shell demo check lint stress clean series series-lint series-check \
	bench docs

help:
	@sed -n 's/^## //p' $(firstword $(MAKEFILE_LIST))

## deps: install the Debian packages the build and the VM need (as root)
deps:
	$(H)/install-deps.sh

base:
	@$(H)/get-base.sh $(BUILD) >/dev/null

## tree: assemble build/linux from the base, our new files and our patches
tree:
	$(H)/assemble-tree.sh "$$($(H)/get-base.sh $(BUILD))" $(TREE) $(TOP)

## refresh: write the edits made in build/linux back to <path>.patch files
refresh:
	$(H)/refresh-patches.sh $(TREE) $(TOP)

$(TREE)/.git/ima-ns-base:
	$(MAKE) tree

## kernel: build the test kernel (tinyconfig + fragments) into build/obj
kernel: $(TREE)/.git/ima-ns-base
	$(H)/build-kernel.sh $(TREE) $(OBJ) $(FRAGMENTS)

kernel-debug: $(TREE)/.git/ima-ns-base
	$(H)/build-kernel.sh $(TREE) $(OBJ_DBG) $(DBG_FRAGMENTS)

selftests: kernel
	$(H)/build-selftests.sh $(TREE) $(OBJ) $(KST)

## tools: build the OCI hook (tools/ima_ns) into build/tools
tools:
	$(MAKE) --no-print-directory -C $(TOP)/tools/ima_ns O=$(BUILD)/tools

## tools-test: the OCI hook's unit tests, on the host (TAP)
tools-test:
	$(MAKE) --no-print-directory -C $(TOP)/tools/ima_ns O=$(BUILD)/tools test

initramfs: selftests tools
	$(H)/make-test-keys.sh $(BUILD)/keys
	$(H)/make-disk-image.sh $(BUILD)/disk/disk.ext4
	$(H)/make-initramfs.sh $(KST) $(INITRD)

## vm-run SCRIPT=<file> [APPEND=...]: boot the test kernel, run SCRIPT as root
vm-run: initramfs
	@test -n "$(SCRIPT)" || { echo "usage: make vm-run SCRIPT=<host path>"; exit 2; }
	$(H)/vm-run.sh $(BZIMAGE) $(INITRD) "$(SCRIPT)" "$(APPEND)"

## shell: an interactive root shell in the guest
shell: initramfs
	$(H)/vm-shell.sh $(BZIMAGE) $(INITRD) "$(APPEND)"

## demo: install, build, boot and replay the seed's scenario as a transcript
demo: deps initramfs
	$(H)/vm-run.sh $(BZIMAGE) $(INITRD) $(H)/guest/demo.sh "$(APPEND)"

## lint: checkpatch --strict and kernel-doc -Wall on our files and hunks
lint: $(TREE)/.git/ima-ns-base
	$(H)/lint.sh $(TREE) $(TOP)

## docs: build Documentation/security with Sphinx into build/docs; fail on
## a warning about our pages
docs: $(TREE)/.git/ima-ns-base
	$(H)/build-docs.sh $(TREE) $(BUILD)/docs

## series: export the patch set as a format-patch series in out/series
SERIES_DIR ?= $(BUILD)/series
SERIES_OUT ?= $(TOP)/out/series
MANIFEST   := $(H)/series.manifest
series:
	FORCE=1 $(H)/assemble-tree.sh "$$($(H)/get-base.sh $(BUILD))" \
		$(SERIES_DIR)/linux $(TOP) >/dev/null
	$(H)/series-commit.sh $(SERIES_DIR)/linux $(TOP) $(MANIFEST)
	$(H)/series-export.sh $(SERIES_DIR)/linux $(MANIFEST) $(SERIES_OUT)

## series-lint: make series, then checkpatch --strict on each patch
series-lint: series
	$(H)/series-lint.sh $(SERIES_DIR)/linux $(MANIFEST) $(SERIES_OUT)/*.patch

## series-check: git am out/series onto the base; build and lint each patch
series-check:
	$(H)/series-check.sh $(SERIES_DIR)/linux $(SERIES_DIR)/obj $(MANIFEST) \
		$(SERIES_OUT) $(FRAGMENTS)

## check: lint, build, boot; run the kselftests and KUnit; print a summary
check: deps
	$(H)/check.sh

## stress: the debug kernel (KASAN, lockdep, kmemleak) running the stress
## and fuzz suites; STRESS_CYCLES, STRESS_PEAK, FUZZ_WRITES, FUZZ_SEED
STRESS_CYCLES ?= 10000
STRESS_PEAK   ?= 200
FUZZ_WRITES   ?= 100000
FUZZ_SEED     ?=
STRESS_ARGS = imans.cycles=$(STRESS_CYCLES) imans.peak=$(STRESS_PEAK) \
	imans.fuzz=$(FUZZ_WRITES) $(if $(FUZZ_SEED),imans.seed=$(FUZZ_SEED))
stress: kernel-debug initramfs
	$(H)/stress-run.sh $(BZIMAGE_DBG) $(INITRD) "$(STRESS_ARGS) $(APPEND)"

## bench: measure namespaced appraisal under QEMU -icount (guest ns =
## instructions); table in README.md, details in results/bench/
bench: initramfs
	$(H)/bench.sh $(BZIMAGE) $(INITRD)

## clean: remove everything the build made (keeps the unpacked base)
clean:
	rm -rf $(TREE) $(OBJ) $(OBJ_DBG) $(KST) $(INITRD) $(BUILD)/vm out results \
		$(BUILD)/series
