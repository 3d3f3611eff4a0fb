#!/usr/bin/env bash
# Print the QEMU accelerator to use: "kvm" or "tcg". ACCEL overrides.
# /dev/kvm can exist while a KVM guest hangs, so boot BZIMAGE+INITRAMFS
# under KVM once per machine with a job that exits 0 and a 20 s limit;
# the answer is cached in build/vm/accel.
set -euo pipefail

bz=${1:?usage: kvm-probe.sh BZIMAGE INITRAMFS}
initrd=${2:?}
here=$(dirname "$(realpath "$0")")
vmdir=$(realpath -m "$here/../build/vm")
cache=$vmdir/accel

if [ -n "${ACCEL:-}" ]; then
	echo "$ACCEL"
	exit 0
fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	echo tcg
	exit 0
fi
machine="$(hostname)-$(cat /etc/machine-id 2>/dev/null || true)"
cached() { [ -f "$cache" ] && read -r accel id <"$cache" && [ "$id" = "$machine" ]; }
if cached; then
	echo "$accel"
	exit 0
fi

# Concurrent callers wait for one probe and then read its answer.
mkdir -p "$vmdir"
exec 9>"$cache.lock"
flock 9
if cached; then
	echo "$accel"
	exit 0
fi
job=$(mktemp)
trap 'rm -f "$job"' EXIT
echo 'exit 0' >"$job"
echo "kvm-probe: trying a 20 s KVM boot (once per machine)" >&2
set +e
ACCEL=kvm VM_TIMEOUT=20 VM_RUN_DIR=$vmdir/kvm-probe \
	"$here/vm-run.sh" "$bz" "$initrd" "$job" >/dev/null 2>&1 9>&-
rc=$?
set -e
case $rc in
0) accel=kvm ;;
125) accel=tcg ;;   # no exit marker: KVM hung or did not start
*) echo tcg; exit 0 ;;   # the kernel failed, not KVM: do not cache
esac
echo "kvm-probe: using $accel (KVM boot status $rc)" >&2
echo "$accel $machine" >"$cache"
echo "$accel"
