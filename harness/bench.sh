#!/usr/bin/env bash
# The body of `make bench`: boot BZIMAGE with INITRAMFS under QEMU TCG with
# -icount shift=0,sleep=off, where the guest clock advances one nanosecond
# per instruction, and run ima_ns_bench's full pass there
# (harness/guest/run-bench.sh). Print its Markdown table and goal lines,
# keep them with a JSON file of every repetition and the guest's log in
# results/bench/<time>/ (results/bench/latest links the newest), and put
# the table in README.md's "## Benchmark" section. Goals are reported as
# PASS or MISS; a MISS does not fail. Exits non-zero when the run failed.
# Scenarios 5 and 6 sign with the test key that make initramfs puts in the
# guest, and 5-sigv counts signature verifications with a kprobe event:
# without the key, or a kernel without CONFIG_KPROBE_EVENTS, their goals
# are MISS and their goal lines say why. So are those of scenario 8,
# without crun, the OCI hook (make tools) or the disk image's layer, and 9,
# without the ext4 disk on /mnt/disk (harness/make-disk-image.sh), and 11,
# on a kernel that refuses measure rules in namespace policies.
# For a run that must leave the tree's results and README alone:
# BENCH_RESULTS (default results/bench) takes the results, BENCH_README
# (default README.md; empty for none) the table, VM_RUN_DIR (default
# build/vm/bench) the VM's logs.
set -euo pipefail

here=$(dirname "$(realpath "$0")")
top=$(realpath "$here/..")
bz=${1:-$top/build/obj/arch/x86/boot/bzImage}
initrd=${2:-$top/build/initramfs.cpio.gz}
stamp=$(date -u +%Y%m%d-%H%M%S)
out=${BENCH_RESULTS:-$top/results/bench}
readme=${BENCH_README-$top/README.md}
res=$out/$stamp
run=${VM_RUN_DIR:-$top/build/vm/bench}
mkdir -p "$res"

# tsc=reliable: guest time must come from the TSC, which counts
# instructions under -icount; otherwise the kernel distrusts the TSCs of
# the two emulated sockets and falls back to jiffies, in 4 ms steps.
# kunit.enable=0 loglevel=5: a quieter boot, as serial output is slow
# under -icount.
start=$(date +%s)
rc=0
VM_QEMU_ARGS="-icount shift=0,sleep=off" VM_RUN_DIR=$run \
	VM_TIMEOUT=${BENCH_TIMEOUT:-1500} "$here/vm-run.sh" "$bz" "$initrd" \
	"$here/guest/run-bench.sh" \
	"tsc=reliable kunit.enable=0 loglevel=5 imans.bench=full ${APPEND:-}" ||
	rc=$?
wall=$(($(date +%s) - start))
[ -f "$run/output.log" ] || { echo "bench: FAIL: no guest output in $run" >&2; exit 1; }
tr -d '\r' <"$run/output.log" >"$res/output.log"
cp "$run/console.log" "$res/console.log"

block() {   # NAME: the lines between "--- ima_ns_bench: NAME ---" and the next marker
	sed -n "/^--- ima_ns_bench: $1 ---\$/,/^--- ima_ns_bench: /{/^--- ima_ns_bench: /d;p}" \
		"$res/output.log"
}
table=$(block table)
goals=$(block goals)
json=$(block json)
if [ "$rc" != 0 ] || [ -z "$table" ] || [ -z "$json" ]; then
	echo "bench: FAIL: the benchmark did not complete (status $rc); log in $res" >&2
	exit 1
fi

kernel=$(sed -n 's/^  "kernel": "\(.*\)",$/\1/p' <<<"$json")
date=$(date -u '+%Y-%m-%d %H:%M UTC')
header="Kernel $kernel, $date; QEMU TCG with \`-icount shift=0,sleep=off\`"
header+=" (guest ns = instructions, per call); median of the repetitions;"
header+=" \`make bench\` wall time ${wall}s."
{
	echo "$header"
	echo
	echo "$table"
	echo
	while IFS= read -r line; do echo "- $line"; done <<<"$goals"
} >"$res/table.md"
{
	echo "{"
	echo "  \"date\": \"$date\","
	echo "  \"wall_seconds\": $wall,"
	echo "  \"qemu_args\": \"-icount shift=0,sleep=off\","
	tail -n +2 <<<"$json"
} >"$res/results.json"
ln -sfn "$stamp" "$out/latest"

[ -z "$readme" ] || "$here/readme-bench.sh" "$readme" "$res/table.md"

echo
echo "## ima_ns_bench: $header"
echo
echo "$table"
echo
echo "$goals"
echo
echo "bench: results in $res (table.md, results.json, output.log)${readme:+; $readme updated}"
