#!/usr/bin/env bash
# Boot BZIMAGE with INITRAMFS into an interactive root shell on this
# terminal (serial console on stdio; Ctrl-A X quits QEMU, 'exit' powers
# the guest off).
set -euo pipefail

bz=${1:?usage: vm-shell.sh BZIMAGE INITRAMFS [APPEND]}
initrd=${2:?}
append=${3:-}
here=$(dirname "$(realpath "$0")")

accel=${ACCEL:-$("$here/kvm-probe.sh" "$bz" "$initrd")}
cpu=max
[ "$accel" = kvm ] && cpu=host
# Two sockets, not two cores: without ACPI the kernel finds CPUs in
# SeaBIOS's MP table, which lists one CPU per socket.
smp=2,sockets=2

exec qemu-system-x86_64 \
	-accel "$accel" -cpu "$cpu" -m 2G -smp "$smp" \
	-nodefaults -no-user-config -display none -no-reboot \
	-kernel "$bz" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 oops=panic ima_appraise=enforce_ns imans.mode=shell $append" \
	-serial mon:stdio
