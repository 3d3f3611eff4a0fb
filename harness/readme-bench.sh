#!/usr/bin/env bash
# Write the "## Benchmark" section of README: a fixed description of
# `make bench` followed by TABLE_MD (the table.md harness/bench.sh made).
# The section runs to the next "## " heading; it replaces the old one in
# place, or is appended when README has none. Nothing else is touched.
set -euo pipefail

readme=${1:?usage: readme-bench.sh README TABLE_MD}
table=${2:?}

section=$(mktemp)
new=$(mktemp "$(dirname "$readme")/.readme.XXXXXX")
trap 'rm -f "$section" "$new"' EXIT

cat >"$section" <<'EOF'
## Benchmark

`make bench` measures what namespaced appraisal costs. It boots the test
kernel under QEMU TCG with `-icount shift=0,sleep=off`, where the guest
clock advances one nanosecond per instruction, and runs
`tools/testing/selftests/ima_ns/ima_ns_bench` there. Every figure is guest
instructions per call: the median, minimum and maximum of 7 repetitions (5
for hashing), each after a warm-up. Each ratio is taken against a baseline
measured in the same boot. Goals are printed as PASS or MISS; a MISS does
not fail the target. The table, a JSON file with every repetition and the
guest's log go to `results/bench/<time>/`. `make check` runs a
seconds-long smoke pass of the same program, which judges nothing.

- Rules of the global policy cannot be removed, so 1b, the global rule,
  is measured last in the boot, once every namespace policy is gone. 1a,
  1c, 1d and scenarios 2 to 4 run before it; 1a-2 repeats 1a just before
  1b to show that the kernel is back to its no-policy path.
- 1a, 1b and 1d open from a new, unregistered mount namespace; 1c from a
  namespace the benchmark registered, with the one rule in its policy and
  an empty global policy.
- 1d: a holder process keeps 10,000 namespaces alive through their nsfs
  descriptors and registers 1, then 100, 1,000 and 10,000 of them (empty
  policies), so that only the registrations change between the steps.
  1a-10000, with the same namespaces alive and none registered, shows what
  the namespaces cost by themselves, without IMA.
- 0, 0-end and 0-10000: `open("")`, which only allocates and frees a
  `names_cache` buffer. The test kernel's allocator (`SLUB_TINY`, from
  tinyconfig) makes that cost some 800 instructions more until the first
  mass teardown of mount namespaces, and every path lookup with it. The
  benchmark goes through one (300 namespaces) before measuring; equal
  probes show that the scenarios ran in the same state for that cache.
- Other caches of `SLUB_TINY` shift too: with 10,000 namespaces alive, an
  open+read+close costs up to ~900 instructions more or less depending on
  what ran before, IMA or not (1a-10000 against 1a). On the same kernel
  built without `SLUB_TINY`, 1a-10000 equals 1a to 0.1%.
- 2: the first open after the verdict was reset (by setting `security.ima`
  again) hashes the whole file. It is compared with the kernel's sha256
  through AF_ALG (socket, bind, accept, write, read) on the same data, and
  with `sha256sum`, spawned.
- 3: a child unshares its mount namespace and exits; 3-register also
  registers it, 3-cycle also loads three rules into its policy. With
  `sleep=off` an idle guest's clock jumps to its next timer, so waits for
  RCU grace periods count: these figures are latency, not only work.
- 4: a 129-byte static ELF that calls exit(0), spawned with
  `posix_spawn()`, with and without `appraise func=BPRM_CHECK` in a
  namespace policy.
- Each measurement starts after one second of guest idle time, for
  deferred work to finish; `tsc=reliable` makes the guest clock the TSC.

Latest run:

EOF
cat "$table" >>"$section"
echo >>"$section"

awk -v section="$section" '
function emit(   line) {
	while ((getline line < section) > 0)
		print line
	done = 1
}
/^## Benchmark[[:space:]]*$/ { emit(); skip = 1; next }
skip && /^## / { skip = 0 }
!skip { print }
END {
	if (!done) {
		print ""
		emit()
	}
}' "$readme" >"$new"
# The last section ends with the file: no blank line after it.
sed -i -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$new"
chmod --reference="$readme" "$new"
mv "$new" "$readme"
