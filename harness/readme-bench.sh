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
`tools/testing/selftests/ima_ns/ima_ns_bench` there. Every figure but
5-sigv's count is guest instructions per call: the median, minimum and
maximum of 7 repetitions (5 for hashing), each after a warm-up. Each ratio
is taken against a baseline measured in the same boot. Goals are printed
as PASS or MISS; a MISS does not fail the target. The table, a JSON file
with every repetition and the guest's log go to `results/bench/<time>/`.
`make check` runs a seconds-long smoke pass of the same program, which
judges nothing.

- Rules of the global policy cannot be removed, so 1b, the global rule,
  is measured last in the boot, once every namespace policy is gone. 1a,
  1c, 1d and scenarios 2 to 6 run before it; 1a-2 repeats 1a just before
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
  `names_cache` buffer: a probe of the allocator's state. Equal probes
  show that the scenarios ran in the same state for that cache. The
  benchmark tears down 300 namespaces once before measuring, so that every
  scenario runs after a mass teardown.
- The test kernel is built without `SLUB_TINY`, the allocator tinyconfig
  picks and no distribution ships (`harness/kernel.config`). With it,
  open+read+close cost up to ~900 instructions more or less depending on
  what ran before, IMA or not: 10,000 live namespaces alone made 1a 1.099
  times dearer (1a-10000), and 1d-10000/1a missed its goal at 1.091 while
  IMA's own share, 1d-10000/1a-10000, was 0.993.
- The guest boots without `audit=1` (see "Stress"). With it, every system
  call also passes audit's syscall hooks: 1a was 9,174 instructions with
  it and is 8,763 without; the ratios moved by less than 0.005.
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
- 5 and 6 share signed files between requirement sets. Their files belong
  to an owner of their own and are signed in the guest with `evmctl
  ima_sign -a sha256` and the test key `/etc/keys/ima-test-priv.pem`, whose
  certificate the guest's init loads into the `_ima` keyring. Without the
  key, or when the signed file is refused, they are not measured, say why,
  and their goals are MISS.
- 5: one signed 4 KiB file, opened from two registered namespaces whose
  policies hold `appraise fsmagic=0x01021994 fowner=<uid>`, one of them
  with `appraise_type=imasig` added. One process holds both namespaces'
  nsfs descriptors and calls `setns()`, untimed, before each timed
  open+read+close. 5-alt alternates between the two namespaces; 5-one, the
  baseline, enters the imasig namespace every time. Each open is timed
  alone.
- 5-sigv counts the calls of the kernel's signature verification,
  `integrity_digsig_verify()` (else `asymmetric_verify()`), with a kprobe
  event, read from tracefs' `kprobe_profile` and enabled only while it
  counts: 1,000 alternating opens as in 5-alt, the hash-only namespace
  first, after `security.ima` was set again to the same signature, which
  makes the file's content new to IMA. The goal is one verification per
  requirement set and content version: at most 2. Without kprobe events
  (`CONFIG_KPROBE_EVENTS`) there is no count, and the goal is MISS.
- 6: the 129-byte ELF of scenario 4, signed, spawned after an untimed
  open+read of it (FILE_CHECK), in one namespace policy of three rules:
  6-mix asks for a hash at FILE_CHECK and for a signature at BPRM_CHECK
  and MMAP_CHECK; 6-sig, the baseline, asks for a signature at all three.
  The warm-up runs the first execs, so the figures are those of the second
  and later ones.
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
