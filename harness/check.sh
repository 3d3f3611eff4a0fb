#!/usr/bin/env bash
# The body of `make check`: lint, the OCI hook's host tests, build the
# kernel and the initramfs, self-test the VM harness, then four boots: the
# kselftests (crun end to end among them) and KUnit under
# ima_appraise=enforce_ns with a software TPM, the regression tests under
# plain enforce, a smoke pass of the benchmark, and the debug kernel
# (KASAN, lockdep, kmemleak) running the stress and fuzz suites.
# The last line of output is "N passed, N failed, N skipped";
# exit non-zero if a test or step failed, no kselftest/KUnit test ran, or
# a kernel console shows a splat.
set -euo pipefail

here=$(dirname "$(realpath "$0")")
top=$(realpath "$here/..")
bz=$top/build/obj/arch/x86/boot/bzImage
initrd=$top/build/initramfs.cpio.gz
out=$top/build/check
bz_debug=$top/build/obj-debug/arch/x86/boot/bzImage
run=$top/build/vm/check-tests
run_enforce=$top/build/vm/check-enforce
run_stress=$top/build/vm/check-stress
# Sizes of the debug stress pass: a fifth of make stress (10,000 cycles
# and 100,000 writes, about 17 minutes), with the full peak. A cold make
# check takes about 18 minutes with these; the full sizes would take it
# past the 30 that CI allows for it.
cycles=${CHECK_STRESS_CYCLES:-2000}
peak=${CHECK_STRESS_PEAK:-200}
fuzz=${CHECK_FUZZ_WRITES:-20000}
rm -rf "$out" "$run" "$run_enforce" "$run_stress" "$top/build/vm/check-bench"
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
		--tap harness "$out/harness.tap" --tap tools "$out/tools.tap" \
		--kselftest "$run/output.log" --kunit "$run/console.log" \
		--kselftest "$run_enforce/output.log" \
		--kselftest "$run_stress/output.log"
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
# The upstream series: make series, then checkpatch on each patch. The
# per-patch builds are make series-check, too slow for every check.
step "series lint" kmake series-lint || true
step "docs: Sphinx build of Documentation/security" kmake docs || true
tools_test() { kmake tools-test | tee "$out/tools.tap"; }
step "OCI hook unit tests (host)" tools_test || true
step "make kernel" kmake kernel
step "make initramfs" kmake initramfs

banner "harness self-test"
"$here/test-harness.sh" "$bz" "$initrd" | tee "$out/harness.tap" || true

# Short stress and fuzz passes here keep those programs from rotting; the
# debug boot below runs them at full size. This boot has a TPM (swtpm),
# against which ima_ns_attest_test.sh replays the measurement list.
step "test boot: ima_appraise=enforce_ns, TPM, kselftests and KUnit" \
	env VM_RUN_DIR="$run" "$here/vm-tpm-run.sh" "$bz" "$initrd" \
	"$here/guest/run-tests.sh" \
	"imans.cycles=200 imans.peak=50 imans.fuzz=2000 ${APPEND:-}" || true

step "test boot: ima_appraise=enforce, no namespaces, no regression" \
	env VM_RUN_DIR="$run_enforce" "$here/vm-run.sh" "$bz" "$initrd" \
	"$here/guest/run-tests.sh" "ima_appraise=enforce ${APPEND:-}" || true

# A seconds-long pass of the benchmark (make bench), so it cannot rot.
step "bench smoke: ima_ns_bench -s, nothing judged" \
	env VM_RUN_DIR="$top/build/vm/check-bench" "$here/vm-run.sh" "$bz" \
	"$initrd" "$here/guest/run-bench.sh" "imans.bench=smoke ${APPEND:-}" || true

step "make kernel-debug" kmake kernel-debug
step "stress boot: debug kernel (KASAN, lockdep, kmemleak)" \
	env VM_RUN_DIR="$run_stress" "$here/stress-run.sh" "$bz_debug" \
	"$initrd" "imans.cycles=$cycles imans.peak=$peak imans.fuzz=$fuzz ${APPEND:-}" || true
