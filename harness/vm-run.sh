#!/usr/bin/env bash
# Boot BZIMAGE with INITRAMFS plus a job cpio holding SCRIPT as /job/script
# (and the host files in $VM_JOB_FILES in /job/), stream the job's output
# and exit with the job's status; 125 if the guest died or VM_TIMEOUT
# (default 600) seconds passed before the job's status arrived; 126 if the
# job succeeded but the kernel console shows a splat. The status comes as
# the exit marker after the job's output on the second serial line, or,
# should that be lost, through QEMU's isa-debug-exit device (guest/init).
# ACCEL=tcg|kvm overrides.
# VM_QEMU_ARGS adds QEMU arguments (split on blanks); with -icount among
# them it forces TCG, which -icount needs.
# Logs: $VM_RUN_DIR, default build/vm/<time>-<pid>; build/vm/last links it.
set -euo pipefail

bz=$(realpath "${1:?usage: vm-run.sh BZIMAGE INITRAMFS SCRIPT [APPEND]}")
initrd=$(realpath "${2:?}")
script=$(realpath "${3:?}")
append=${4:-}
here=$(dirname "$(realpath "$0")")
vmdir=$(realpath -m "$here/../build/vm")
timeout_s=${VM_TIMEOUT:-600}

read -r -a qemu_extra <<<"${VM_QEMU_ARGS:-}"
if [[ " ${qemu_extra[*]} " == *" -icount "* ]]; then
	accel=tcg
else
	accel=${ACCEL:-$("$here/kvm-probe.sh" "$bz" "$initrd")}
fi
cpu=max
[ "$accel" = kvm ] && cpu=host
# Two sockets, not two cores: without ACPI the kernel finds CPUs in
# SeaBIOS's MP table, which lists one CPU per socket.
smp=2,sockets=2

run=${VM_RUN_DIR:-$vmdir/$(date +%Y%m%d-%H%M%S)-$$}
mkdir -p "$run" "$vmdir"
# Keep the logs of the last 20 timestamped runs.
find "$vmdir" -maxdepth 1 -name '20*-*' -type d -printf '%T@ %p\n' |
	sort -rn | tail -n +21 | cut -d' ' -f2- | xargs -r rm -rf
run=$(realpath "$run")
ln -sfn "$run" "$vmdir/last"
console=$run/console.log
output=$run/output.log
: >"$console"
: >"$output"

# The job archive, appended to a copy of the base one: the kernel unpacks
# concatenated archives in order.
gen=$("$here/build-gen-init-cpio.sh")
{
	echo "dir /job 0755 0 0"
	echo "file /job/script $script 0755 0 0"
	for f in ${VM_JOB_FILES:-}; do
		echo "file /job/$(basename "$f") $(realpath "$f") $(stat -L -c %a "$f") 0 0"
	done
} >"$run/job.list"
cp "$initrd" "$run/initrd"
truncate -s %4 "$run/initrd"
"$gen" "$run/job.list" | gzip -1 -n >>"$run/initrd"

echo "vm-run: $(basename "$script") on $accel, logs in $run" >&2
start=$(date +%s%N)
# No audit=1: with it and no audit daemon, every record past the 64 held
# for one is also reported lost on the console, in two lines, and a stress
# run spends most of its time on the serial port. Without it kauditd still
# prints each record to the kernel log, where the tests read them.
set +e
timeout -k 10 "$timeout_s" qemu-system-x86_64 \
	-accel "$accel" -cpu "$cpu" -m 2G -smp "$smp" \
	-nodefaults -no-user-config -display none -no-reboot \
	-kernel "$bz" -initrd "$run/initrd" \
	-append "console=ttyS0 panic=-1 oops=panic ima_appraise=enforce_ns $append" \
	-serial "file:$console" \
	-chardev stdio,id=out,signal=off -serial chardev:out \
	-device isa-debug-exit,iobase=0xf4,iosize=0x01 \
	"${qemu_extra[@]}" </dev/null | tee "$output"
qemu_rc=${PIPESTATUS[0]}
set -e
ms=$((($(date +%s%N) - start) / 1000000))
elapsed=$((ms / 1000)).$((ms % 1000 / 100))
echo "$elapsed" >"$run/seconds"
rm -f "$run/initrd"

marker=$(tr -d '\r' <"$output" | sed -n 's/.*IMA-NS-VM-EXIT=\([0-9]*\)$/\1/p' | tail -n1)
# The second channel (guest/init): the debug-exit device makes QEMU exit
# with 2 * (status + 1) + 1. timeout(1) exits 124, or 137 after a KILL;
# QEMU itself exits 0 on power-off and 1 on an error of its own.
if [ -z "$marker" ] && [ $((qemu_rc % 2)) = 1 ] && [ "$qemu_rc" -ge 3 ] &&
   [ "$qemu_rc" != 137 ]; then
	marker=$(((qemu_rc - 1) / 2 - 1))
	echo "vm-run: the exit marker was lost on the serial line;" \
		"status $marker from the debug-exit device" >&2
fi
if [ -z "$marker" ]; then
	if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
		echo "vm-run: FAIL: timeout after ${timeout_s}s, no exit marker" >&2
	else
		echo "vm-run: FAIL: guest died (qemu status $qemu_rc), no exit marker" >&2
	fi
	rc=125
else
	rc=$marker
fi

if ! SCAN_BEFORE=5 SCAN_AFTER=30 "$here/scan-console.sh" "$console" >&2; then
	echo "vm-run: FAIL: the kernel console shows a splat" >&2
	[ "$rc" != 0 ] || rc=126
fi
if [ "$rc" != 0 ]; then
	echo "vm-run: job status $rc after ${elapsed}s" >&2
	echo "vm-run: console log: $console" >&2
	echo "vm-run: output log:  $output" >&2
fi
exit "$rc"
