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
maximum of 7 repetitions (5 for hashing), each after a warm-up; a
repetition's figure is the mean of its calls, or for scenario 7 their
median. Each ratio is taken against a baseline measured in the same boot. Goals are printed
as PASS or MISS; a MISS does not fail the target. The table, a JSON file
with every repetition and the guest's log go to `results/bench/<time>/`.
`make check` runs a seconds-long smoke pass of the same program, which
judges nothing.

- Rules of the global policy cannot be removed, so 1b, the global rule,
  is measured last in the boot, once every namespace policy is gone; only
  scenario 11, which adds a global rule of its own, and the 0-end probe
  follow it. 1a, 1c, 1d and scenarios 2 to 10 run before it; 1a-2 repeats
  1a just before 1b to show that the kernel is back to its no-policy path.
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
  registers it, by inode number, 3-cycle also loads three rules into its
  policy. With `sleep=off` an idle guest's clock jumps to its next timer,
  so waits for RCU grace periods count: these figures are latency, not
  only work.
- 3-cycle-10000 repeats 3-cycle while 1d's holder keeps its 10,000
  namespaces alive, none of them registered, and is measured right after
  1a-10000; 3-cycle, its baseline, runs just before the holder creates
  them. None registered, so that the two differ only in the live
  namespaces (the index that registration looks the inode number up in,
  the mount namespace tree, the mounts), and so that each cycle's policy
  is the only one, as in 3-cycle: the first policy and the last one's end
  switch the kernel's static branch. 3-cycle-10000r, after 1d-10000, has
  all 10,000 registered, and 3-cycle-2 repeats 3-cycle once the holder is
  gone.
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
- 7: one process calls `setns()` back and forth between the nsfs
  descriptors of two namespaces it made with `unshare()` from the same
  one, which hold the same mounts; each call is timed alone, from
  `clock_gettime()` to `clock_gettime()`, and a repetition's figure is the
  median of its 2,000 calls. 7-same, between two copies of a registered
  namespace with the three rules of 3-cycle, which the task's own policy
  governs: the check that a governed task may enter the target runs, and
  passes. 7-stock, the baseline, between two copies of the initial
  namespace, runs before the boot's first namespace policy exists: the
  kernel's `setns()` hook then returns at a static branch, the nearest
  that one boot gets to a kernel without namespace policies.
  7-ungov, the same pair once the process has registered a namespace and
  keeps it, runs the check for an ungoverned task, which finds no policy.
  The benchmark runs as host root, exempt only from a refusal, so every
  check runs as for anyone.
- 8 to 11 measure their two sides in turns, ABBA, each call timed
  alone: drift during the run weighs on both alike.
- 8: `crun --cgroup-manager=disabled run --no-pivot` (crun 1.8.1) of a
  container that runs `/bin/true` in new pid, mount, uts and ipc
  namespaces, timed from the fork to the wait; every container has a name
  of its own. Its rootfs is an overlay of the busybox image layer of the
  guest's ext4 disk, every file of which is hashed, and a tmpfs upper
  directory. 8-hook's config adds the OCI hook (`tools/ima_ns`) at
  createRuntime and the annotation that names a policy of three rules,
  BPRM_CHECK, FILE_CHECK with MAY_READ and MMAP_CHECK with MAY_EXEC on
  overlayfs, which the hook loads for the container's namespace; 8-bare's
  config has neither. 3 runs of each per repetition, each after 100 ms of
  idle time, untimed, for the last container's teardown. First, untimed,
  a container that reads a file with a wrong hash must succeed without
  the hook and fail with it. In a separate run, a hook that only reads
  the state (`sha256sum`, dynamically linked, spawned by crun in the
  hook's place) made the run 1.123 times dearer by itself (13.23 against
  11.78 million instructions): what 8-hook costs is mostly that crun
  spawns a hook at all. Linked dynamically, the OCI hook made it 1.148
  times dearer, as a static PIE 1.104 times; it is linked with plain
  `-static` (`tools/ima_ns/Makefile`).
- 9: the first open of a 1 MiB hashed file on the guest's ext4 disk
  (9-ext4), and of the same file through an overlay whose lower layer is
  its ext4 directory and whose upper directory is on tmpfs (9-ovl), in a
  namespace whose policy appraises the file on ext4 (`fsmagic=0xef53`)
  and on overlayfs (`fsmagic=0x794c7630`). As in 2, setting
  `security.ima` again, untimed, resets the verdict before each open; the
  overlay's verdict follows the ext4 inode's i_version, which ext4 keeps
  when an xattr is set to the value it has, so a user xattr gets a new
  value first, and `syncfs()` then commits the journal. Both sides open
  the same ext4 inode, whose pages stay in the page cache: both hash from
  cached pages, as 2 does on tmpfs. 2 opens of each per repetition.
- 10: one process holds four registered namespaces and enters one with
  `setns()`, untimed, before each timed open+close (no read) of 1c's 4 KiB
  file; the two sides of each pair take turns. 10-log and 10-enforce: two
  namespaces with the rule of 1c, whose `mode` files were written `log`
  and `enforce`, so that they differ only in the mode. 10-audit and
  10-appraise: `audit fsmagic=0x01021994 fowner=<uid>` and the appraise
  rule of 1c, the same conditions with another action. First, untimed:
  log mode opens a file with a wrong hash and reports it once
  (`permissive=1`), enforce mode denies it, and the audit rule's first
  open emits its `type=1805` record, read from `/dev/kmsg`, and the second
  open none; last, the timed opens emitted none either. `printk_ratelimit`
  is lifted meanwhile, so that kauditd's records reach `/dev/kmsg`.
- 11: the rule `measure func=FILE_CHECK mask=MAY_READ fowner=<uid>
  template=ima-ns` in a namespace policy (11-ns, 11-1M-ns) and in the
  global policy (11-global, 11-1M-global), for two owners of the
  scenario's own, so that each rule selects only its side's files and the
  global one, which stays, nothing else. `template=ima-ns`, the default of
  namespace rules, gives both sides' entries the same fields. One process
  enters, untimed, before each timed call, the registered namespace or an
  unregistered one made the same way, as 1b's, so that the two differ
  only in the registration. 11-global and 11-ns: open+read+close of a
  4 KiB file whose content was measured already, as in 1b and 1c.
  11-1M-global and 11-1M-ns: the first measurement of 1 MiB on tmpfs:
  before each open+close, untimed, the side writes over the file's first
  8 bytes a number that no content held before, so that every open hashes
  content its policy never measured, and adds an entry. First, untimed: a
  file's first open adds one entry, the registered side's in its
  namespace's `ascii_runtime_measurements` and, with its identity, in the
  global list, the other side's in the global list with `0:0`; the second
  open adds none. Last: the timed opens of measured content added none,
  and each first measurement one. On a kernel that refuses either rule,
  11 is not measured and its goals are MISS.
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
