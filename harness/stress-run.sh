#!/usr/bin/env bash
# Boot the debug kernel with the stress and fuzz suites and print the
# figures make stress reports: cycles, writes fuzzed, peak namespaces,
# splats, kmemleak objects and the fuzz seed.
set -euo pipefail

bz=${1:?usage: stress-run.sh BZIMAGE INITRAMFS "APPEND"}
initrd=${2:?}
append=${3:-}
here=$(dirname "$(realpath "$0")")
run=${VM_RUN_DIR:-$(dirname "$here")/build/vm/stress}
rm -rf "$run"

start=$(date +%s)
rc=0
VM_RUN_DIR=$run VM_TIMEOUT=${VM_TIMEOUT:-3000} VM_JOB_FILES="$here/guest/run-tests.sh" \
	"$here/vm-run.sh" "$bz" "$initrd" "$here/guest/run-stress.sh" \
	"loglevel=5 $append" || rc=$?
wall=$(($(date +%s) - start))
# loglevel=5 keeps the audit records (notices) off the slow serial console;
# warnings and every sanitizer, lockdep and RCU report still reach it.

stat() { sed -n "s/^# STAT $1 //p" "$run/output.log" 2>/dev/null | tail -1; }
splats=$("$here/scan-console.sh" "$run/console.log" 2>/dev/null | grep -c . || true)
echo
echo "stress summary:"
echo "  lifecycle cycles run:   $(stat cycles)"
echo "  writes fuzzed:          $(stat fuzz_writes)"
echo "  namespaces at peak:     $(stat peak_namespaces)"
echo "  console splats:         $splats"
echo "  kmemleak objects:       $(stat kmemleak_objects)"
echo "  fuzz seed:              $(stat fuzz_seed)"
echo "  wall time:              ${wall}s"
echo "  logs:                   $run"
"$here/summarize-tap.sh" --kselftest "$run/output.log" || rc=1
exit "$rc"
