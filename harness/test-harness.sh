#!/usr/bin/env bash
# Self-test of the VM harness: boot BZIMAGE+INITRAMFS with each script of
# harness/tests and check vm-run.sh's verdict; drain.sh boots
# HARNESS_DRAIN_BOOTS times (default 8), since a lost status showed in
# about one boot in 35 before the serial line was drained. Prints TAP.
set -euo pipefail

bz=${1:?usage: test-harness.sh BZIMAGE INITRAMFS}
initrd=${2:?}
here=$(dirname "$(realpath "$0")")
vmdir=$(realpath -m "$here/../build/vm")
export VM_TIMEOUT=${VM_TIMEOUT:-300}

n=0
failed=0
boot() {   # boot with harness/tests/$1.sh; sets rc and run
	run=$vmdir/harness-$1
	rm -rf "$run"
	mkdir -p "$run"
	set +e
	VM_RUN_DIR=$run "$here/vm-run.sh" "$bz" "$initrd" "$here/tests/$1.sh" \
		>"$run/vm-run.log" 2>&1
	rc=$?
	set -e
}
verdict() {   # DESCRIPTION CONDITION...
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what (vm-run status $rc)"
		sed 's/^/# /' "$run/vm-run.log" | tail -n 40
		failed=$((failed + 1))
	fi
}

drains=${HARNESS_DRAIN_BOOTS:-8}
echo "TAP version 13"
echo "1..$((5 + drains))"
boot pass
verdict "pass.sh: guest smoke test exits 0" test "$rc" = 0
echo "# pass.sh: boot to power-off $(cat "$run/seconds")s on $("$here/kvm-probe.sh" "$bz" "$initrd")"
boot fail
verdict "fail.sh: job status 3 reaches the host" test "$rc" = 3
boot warn
verdict "warn.sh: a console WARNING fails a successful job" test "$rc" = 126
boot panic
verdict "panic.sh: a kernel panic fails the run (no exit marker)" test "$rc" = 125
boot lost-marker
verdict "lost-marker.sh: status 7 reaches the host without the marker" \
	test "$rc" = 7
# drain.sh ended with status 5, its last line, then the marker.
# shellcheck disable=SC2317 # called through verdict()
drained() {
	test "$rc" = 5 &&
		tr -d '\r' <"$run/output.log" | tail -n 2 | tr '\n' '|' |
		grep -qx 'drain.sh: last line|IMA-NS-VM-EXIT=5|'
}
for i in $(seq 1 "$drains"); do
	boot drain
	verdict "drain.sh, boot $i of $drains: 2,000 lines, last line, marker and status 5" \
		drained
done
exit $((failed > 0))
