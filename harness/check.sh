#!/usr/bin/env bash
# The body of `make check`: lint, build the kernel and the initramfs,
# self-test the VM harness, boot once to run the ima_ns kselftests (KUnit
# runs at that boot too) and summarize. The last line of output is
# "N passed, N failed, N skipped"; exit non-zero if a test or step failed,
# no kselftest/KUnit test ran, or the kernel console shows a splat.
set -euo pipefail

here=$(dirname "$(realpath "$0")")
top=$(realpath "$here/..")
bz=$top/build/obj/arch/x86/boot/bzImage
initrd=$top/build/initramfs.cpio.gz
out=$top/build/check
run=$top/build/vm/check-tests
rm -rf "$out" "$run"
mkdir -p "$out"
steps=$out/steps.tap
: >"$steps"

t0=$(date +%s)
n=0
banner() { printf '\n==== check: %s (at +%ss)\n' "$1" "$(($(date +%s) - t0))"; }
record() {   # ok|not-ok NAME [DIRECTIVE]: one TAP line for a check step
	n=$((n + 1))
	echo "${1/-/ } $n - $2${3:+ # $3}" >>"$steps"
}
step() {   # NAME COMMAND...: run a step, time it and record its verdict
	local name=$1 start rc
	shift
	banner "$name"
	start=$(date +%s)
	set +e
	"$@"
	rc=$?
	set -e
	echo "---- $name: $([ $rc = 0 ] && echo ok || echo "FAILED ($rc)") in $(($(date +%s) - start))s"
	if [ $rc = 0 ]; then record ok "$name"; else record not-ok "$name"; fi
	return $rc
}
summary() {
	banner summary
	echo "check: total wall time $(($(date +%s) - t0))s"
	"$here/summarize-tap.sh" --tap check "$steps" --tap lint "$out/lint.tap" \
		--tap harness "$out/harness.tap" \
		--kselftest "$run/output.log" --kunit "$run/console.log"
}
trap 'summary; exit $?' EXIT   # Also on a failed build: its line counts.

kmake() { make --no-print-directory -C "$top" "$@"; }
lint() { kmake lint | tee "$out/lint.tap"; }   # TAP: one test per file and tool

if [ -x "$here/lint.sh" ]; then
	step lint lint || true
else
	banner lint
	echo "---- lint: skipped, harness/lint.sh does not exist yet"
	record ok lint "SKIP harness/lint.sh missing"
fi
step "make kernel" kmake kernel
step "make initramfs" kmake initramfs

banner "harness self-test"
"$here/test-harness.sh" "$bz" "$initrd" | tee "$out/harness.tap" || true

step "test boot: kselftests and KUnit, clean console" \
	env VM_RUN_DIR="$run" "$here/vm-run.sh" "$bz" "$initrd" \
	"$here/guest/run-tests.sh" "${APPEND:-}" || true
