#!/usr/bin/env bash
# vm-run.sh with a TPM 2.0: start swtpm, whose state and control socket
# live in the run directory (tpm/), give the guest a TPM TIS device backed
# by it, boot BZIMAGE with INITRAMFS to run SCRIPT, stop swtpm and exit
# with vm-run.sh's status. The kernel has no ACPI to announce the TPM, so
# tpm_tis.force=1 makes it probe the TIS registers at their fixed address.
set -euo pipefail

usage="usage: vm-tpm-run.sh BZIMAGE INITRAMFS SCRIPT [APPEND]"
bz=${1:?$usage}
initrd=${2:?$usage}
script=${3:?$usage}
append=${4:-}
here=$(dirname "$(realpath "$0")")

command -v swtpm >/dev/null || {
	echo "vm-tpm-run: swtpm is not installed (make deps)" >&2
	exit 1
}
# The run directory vm-run.sh would pick, made here to hold the TPM.
run=${VM_RUN_DIR:-$(dirname "$here")/build/vm/$(date +%Y%m%d-%H%M%S)-$$}
mkdir -p "$run"
run=$(realpath "$run")
tpm=$run/tpm
sock=$tpm/swtpm-sock
# A fresh TPM each boot; QEMU splits VM_QEMU_ARGS on blanks.
rm -rf "$tpm"
mkdir -p "$tpm"
case $sock in *[[:space:]]*)
	echo "vm-tpm-run: $sock holds a blank" >&2
	exit 1 ;;
esac
[ ${#sock} -lt 108 ] || { echo "vm-tpm-run: $sock is too long for a socket" >&2; exit 1; }

# --terminate: swtpm ends when QEMU closes the socket; the trap kills it
# should QEMU never have connected.
swtpm socket --tpm2 --terminate --tpmstate "dir=$tpm" \
	--ctrl "type=unixio,path=$sock" --log "file=$tpm/swtpm.log" &
swtpm_pid=$!
trap 'kill "$swtpm_pid" 2>/dev/null || true; wait "$swtpm_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
	[ ! -S "$sock" ] || break
	kill -0 "$swtpm_pid" 2>/dev/null || break
	sleep 0.1
done
[ -S "$sock" ] || { echo "vm-tpm-run: swtpm did not start; see $tpm/swtpm.log" >&2; exit 1; }

rc=0
VM_RUN_DIR=$run VM_QEMU_ARGS="${VM_QEMU_ARGS:-} -chardev socket,id=chrtpm,path=$sock \
-tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0" \
	"$here/vm-run.sh" "$bz" "$initrd" "$script" "tpm_tis.force=1 $append" || rc=$?
exit "$rc"
