#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End to end: crun and runc with ima-ns-oci-hook give each container an IMA
# policy.
#
# Every case runs once with each runtime, crun then runc, as the test
# "<runtime>.<case>"; the cases of a runtime that is not installed are
# skipped. Each run starts one container with `<runtime> run`, from a
# bundle of its own whose rootfs is a fresh overlay: a tmpfs upper
# directory over the run's own ext4 layer (files the case makes and
# hashes) over the shared image layer that harness/make-disk-image.sh
# made, /mnt/disk/layer/rootfs, which no case changes. The host tampers
# with files through the run's ext4 layer, before the overlay is mounted.
# The createRuntime hook loads the policy that the annotation names from a
# policy directory of this test. The kernel's audit records are read from
# the kernel log after a marker that each run writes to /dev/kmsg. Prints
# KTAP; exits 4 (skip) where both runtimes, the hook, the image layer or an
# ima_appraise=enforce_ns kernel are missing.
set -euo pipefail
shopt -s inherit_errexit

KSFT_FAIL=1
KSFT_SKIP=4

here=$(dirname "$(realpath "$0")")
config=$here/ima_ns_oci_config.sh
hook=/usr/libexec/ima-ns/ima-ns-oci-hook
image=/mnt/disk/layer/rootfs
ima=/sys/kernel/security/ima
work=/tmp/ima_ns_oci.$$
layers=/mnt/disk/tests/oci.$$
policies=$work/policies
prefix=imans-oci-$$-
overlayfs_magic=0x794c7630

tests=(intact_file_reads intact_executable_runs tampered_file_refused
       tampered_executable_refused unshare_does_not_escape
       policy_removed_after_exit hook_bad_rule_stops_container
       hook_missing_policy_stops_container log_mode_tampered_file_reads)
runtimes=(crun runc)

skip_all() {
	echo "TAP version 13"
	echo "1..0 # SKIP $*"
	exit "$KSFT_SKIP"
}

[ "$(id -u)" = 0 ] || skip_all "must run as root"
found=()
for rt in "${runtimes[@]}"; do
	if command -v "$rt" >/dev/null; then found+=("$rt"); fi
done
[ ${#found[@]} -gt 0 ] || skip_all "neither crun nor runc is installed"
[ -x "$hook" ] || skip_all "no OCI hook at $hook (make tools)"
[ -f "$config" ] || skip_all "no $config"
[ -x "$image/bin/busybox" ] || skip_all "no image layer at $image (harness/make-disk-image.sh)"
[ -d "$(dirname "$layers")" ] || skip_all "no $(dirname "$layers") (harness/make-disk-image.sh)"
for t in setfattr sha256sum timeout; do
	command -v "$t" >/dev/null || skip_all "$t is not installed"
done
grep -qw overlay /proc/filesystems || skip_all "kernel without overlayfs"
[ -e "$ima/namespaces" ] || skip_all "kernel without IMA namespaces (CONFIG_IMA_NS)"
# The last ima_appraise= on the command line is the one in force.
[ "$(tr ' ' '\n' </proc/cmdline | sed -n 's/^ima_appraise=//p' | tail -n 1)" = enforce_ns ] ||
	skip_all "kernel not booted with ima_appraise=enforce_ns"

# Select the runtime of the runs that follow: $rt, its name, and $rt_cmd,
# its command with its global options. crun runs without cgroups; runc,
# which has no such option, puts each container in a cgroup of its own
# under /sys/fs/cgroup.
use_runtime() {   # RUNTIME
	rt=$1
	case $rt in
	crun) rt_cmd=(crun --cgroup-manager=disabled) ;;
	runc) rt_cmd=(runc) ;;
	esac
}

cgroup_mounted=
cleanup() {
	local rt id m
	set +e
	for rt in "${found[@]}"; do
		use_runtime "$rt"
		for id in $("${rt_cmd[@]}" list -q 2>/dev/null); do
			[[ $id != "$prefix"* ]] || "${rt_cmd[@]}" delete -f "$id" >/dev/null 2>&1
		done
	done
	# The overlays first, the tmpfs under them last.
	awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/self/mounts | sort -r |
		while read -r m; do umount "$m"; done
	umount "$work" 2>/dev/null
	rmdir "$work" 2>/dev/null
	rm -rf "$layers"
	[ -z "$cgroup_mounted" ] || umount /sys/fs/cgroup
}
trap cleanup EXIT

# crun wants cgroup2 at /sys/fs/cgroup, even with --cgroup-manager=disabled;
# runc makes its containers' cgroups there.
if ! awk '$2 == "/sys/fs/cgroup" { found = 1 } END { exit !found }' /proc/self/mounts; then
	mkdir -p /sys/fs/cgroup
	mount -t cgroup2 cgroup2 /sys/fs/cgroup || skip_all "cannot mount cgroup2"
	cgroup_mounted=1
fi
mkdir -p "$work" "$layers"
mount -t tmpfs -o mode=0755 tmpfs "$work"
mkdir -p "$policies"
cat >"$policies/web.policy" <<EOF
# On the containers' overlayfs: programs, reads, executable mappings.
appraise func=BPRM_CHECK fsmagic=$overlayfs_magic
appraise func=FILE_CHECK mask=MAY_READ fsmagic=$overlayfs_magic
appraise func=MMAP_CHECK mask=MAY_EXEC fsmagic=$overlayfs_magic
EOF
# The same rules, which the hook puts in log mode.
cp "$policies/web.policy" "$policies/weblog.policy"
echo log >"$policies/weblog.mode"
cat >"$policies/bad.policy" <<EOF
# The kernel refuses the rule on line 3.
appraise func=BPRM_CHECK fsmagic=$overlayfs_magic
appraise func=NOPE_CHECK
EOF
host_nsid=$(stat -L -c %i /proc/self/ns/mnt)

# ---- Helpers for the cases; each case runs in a subshell of its own, under
# set -e, and fails at the first failed command or fail().

fail() {
	printf '%s\n' "$*" | sed 's/^/# /'
	exit "$KSFT_FAIL"
}

expect_eq() {   # WHAT WANT GOT
	[ "$2" = "$3" ] || fail "$1: want '$2', got '$3'"
}

# The directory of the case's run with runtime $rt, $dir (bundle, upper
# and work dirs of the overlay, and ctl, bind-mounted on /ctl in the
# container), its ext4 layer $layer, and its container's id $id.
setup() {   # NAME
	dir=$work/$rt-$1
	layer=$layers/$rt-$1
	id=$prefix$rt-$1
	mkdir -p "$dir/bundle/rootfs" "$dir/up" "$dir/wk" "$dir/ctl" "$layer"
}

# Files of the case's ext4 layer, seen in the container at PATH, with their
# correct security.ima: type 0x04 (digest), algorithm 0x04 (sha256).
hash_file() {   # PATH
	setfattr -n security.ima -v "0x0404$(sha256sum "$layer$1" | cut -d' ' -f1)" "$layer$1"
}
add_file() {   # PATH MODE CONTENT
	mkdir -p "$(dirname "$layer$1")"
	printf '%s' "$3" >"$layer$1"
	chmod "$2" "$layer$1"
	hash_file "$1"
}
copy_file() {   # PATH: a copy of the image layer's PATH, over it
	mkdir -p "$(dirname "$layer$1")"
	cp "$image$1" "$layer$1"
	hash_file "$1"
}

# The host, which no namespace policy governs, appends to a file through
# the path of the case's ext4 layer; its security.ima goes stale.
tamper() {   # PATH [LINE]
	printf '%s\n' "${2:-tampered by the host}" >>"$layer$1"
}

# Mount the rootfs and write config.json: annotation POLICY, the hook with
# -v and this run's policy directory, and a process that prints the inode
# number of its mount namespace (the nsid), then runs SCRIPT.
bundle() {   # POLICY SCRIPT
	mount -t overlay -o "lowerdir=$layer:$image,upperdir=$dir/up,workdir=$dir/wk" \
		overlay "$dir/bundle/rootfs"
	bash "$config" -p "$1" -a -v -a "--policy-dir=$policies" \
		-b "$dir/ctl:/ctl" -n "$id" -- \
		sh -c "stat -L -c %i /proc/self/ns/mnt; $2" >"$dir/bundle/config.json"
}

# The kernel log since the case's marker.
mark() { echo "ima_ns_oci_test: $id" >/dev/kmsg; }
log_since_mark() {
	dmesg | awk -v m="ima_ns_oci_test: $id" '
		found
		substr($0, length($0) - length(m) + 1) == m { found = 1 }'
}

# Print the kernel log lines since the marker holding every FIELD, waiting
# up to 3 s for one: kauditd prints audit records asynchronously.
find_records() {   # FIELD...
	local i f recs
	for ((i = 0; i < 30; i++)); do
		recs=$(log_since_mark)
		for f in "$@"; do
			recs=$(grep -F -- "$f" <<<"$recs" || true)
		done
		if [ -n "$recs" ]; then
			printf '%s\n' "$recs"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# The same, as TAP comments.
audit_records() {   # FIELD...
	find_records "$@" | sed 's/^/# /'
}

# Fail if, after a grace period for kauditd, the log since the marker holds
# a line with every FIELD.
no_audit_record() {   # FIELD...
	local f recs
	sleep 0.5
	recs=$(log_since_mark)
	for f in "$@"; do
		recs=$(grep -F -- "$f" <<<"$recs" || true)
	done
	[ -z "$recs" ] || fail "unexpected kernel log line: $recs"
}

# Start the container; its stdout goes to $dir/out, the runtime's stderr
# to $dir/err, where crun opens the hook's stderr too: both must append.
# --no-pivot: the guest's / is the initramfs, where pivot_root(2) fails.
ctr_run() {
	mark
	: >"$dir/err"
	cd "$dir/bundle" || exit
	exec timeout -k 5 60 "${rt_cmd[@]}" run --no-pivot "$id" \
		</dev/null >"$dir/out" 2>>"$dir/err"
}

# Run the container in the foreground, the runtime's status in $rc.
run() {
	rc=0
	(ctr_run) || rc=$?
}

# ---- What the runtime's stderr shows.

# Whether the runtime shows what a hook that succeeds prints: crun copies
# it to its stderr (annotation run.oci.hooks.stderr), runc drops it.
rt_shows_hook_output() {
	[ "$rt" = crun ]
}

# The lines that a hook that failed printed, as the runtime's stderr shows
# them: crun copies them, runc quotes them in its error message (Go-quoted:
# the lines the cases expect hold no character that it escapes). Before
# that message runc warns that it cannot count the container's OOM kills,
# as the kernel has no memory controller.
rt_hook_lines() {
	case $rt in
	crun) grep '^ima-ns-oci-hook: ' "$dir/err" || true ;;
	runc) sed -n 's/^time=.* level=error msg=".*, stderr: \(ima-ns-oci-hook: .*\)\\n"$/\1/p' \
		"$dir/err" ;;
	esac
}

# What the runtime says of a hook that exited with status 1.
rt_hook_failure() {
	case $rt in
	crun) echo "error executing hook \`$hook\` (exit code: 1)" ;;
	runc) echo "error running hook #0: error running hook: exit status 1, stdout: , stderr: " ;;
	esac
}

# ---- Checks of a run.

# Check from the kernel's records since the marker that the hook registered
# the container's mount namespace $nsid, once, and loaded its policy, and
# set $mntid, the id of the namespace. The runtime's stderr must hold just
# the hook's -v line, of that id and POLICY (default web) and its mode
# file if it has one, where the runtime shows it, else nothing.
hook_registered() {   # [POLICY]
	local policy=${1:-web} recs want
	recs=$(find_records "type=1802 " "op=ns_register cause=registered" \
		"comm=\"ima-ns-oci-hook\" mnt_ns=$nsid mnt_ns_id=") ||
		fail "no ns_register record of the hook for mnt_ns=$nsid"
	expect_eq "ns_register records of mnt_ns=$nsid" 1 "$(wc -l <<<"$recs")"
	[[ $recs =~ " mnt_ns_id="([0-9]+)" res=1 errno=0"$ ]] ||
		fail "the ns_register of mnt_ns=$nsid failed: $recs"
	mntid=${BASH_REMATCH[1]}
	find_records "type=1802 " "op=policy_update cause=completed" \
		"comm=\"ima-ns-oci-hook\" mnt_ns=$nsid mnt_ns_id=$mntid res=1 " >/dev/null ||
		fail "no policy_update record of the hook for mntns:$mntid"
	want=
	if rt_shows_hook_output; then
		want="ima-ns-oci-hook: container $id: registered mntns:$mntid (pid N),"
		want+=" loaded 3 rules from $policies/$policy.policy"
		[ ! -f "$policies/$policy.mode" ] ||
			want+=", mode $(cat "$policies/$policy.mode") from $policies/$policy.mode"
	fi
	expect_eq "$rt's stderr (its pids as N)" "$want" \
		"$(sed -E 's/\(pid [0-9]+\)/(pid N)/' "$dir/err")"
}

# Check that the runtime succeeded and the hook registered the namespace,
# and set $nsid, the inode number of the container's mount namespace, from
# the first line of its stdout, and $mntid (hook_registered, of POLICY).
ran_ok() {   # [POLICY]
	expect_eq "$rt's status" 0 "$rc"
	nsid=$(head -n 1 "$dir/out")
	[[ $nsid =~ ^[0-9]+$ && $nsid != "$host_nsid" ]] ||
		fail "the container's mount namespace is '$nsid' (the host's: $host_nsid)"
	hook_registered "$@"
}

expect_out() {   # LINE...: the container's stdout after its nsid line
	expect_eq "the container's output" "$(printf '%s\n' "$@")" "$(tail -n +2 "$dir/out")"
}

# ---- The cases.

# Intact files of the image layer read in the container, with their content.
case_intact_file_reads() {
	setup intact_file_reads
	bundle web 'cat /srv/data.txt /etc/app.conf; echo ran >/ctl/ran'
	run
	ran_ok
	expect_out "$(cat "$image/srv/data.txt" "$image/etc/app.conf")"
	[ -f "$dir/ctl/ran" ] || fail "the container did not create /ctl/ran"
	no_audit_record "type=1800"
}

# Programs run: the image's /usr/bin/app, and a script of the case's layer.
case_intact_executable_runs() {
	setup intact_executable_runs
	add_file /usr/bin/tool 0755 $'#!/bin/sh\necho "tool: ran"\n'
	bundle web '/usr/bin/app; echo "rc=$?"; /usr/bin/tool; echo "rc=$?"'
	run
	ran_ok
	expect_out "app: started" "rc=0" "tool: ran" "rc=0"
	no_audit_record "type=1800"
}

# A file the host tampered with is refused with EACCES, and audited.
case_tampered_file_refused() {
	setup tampered_file_refused
	copy_file /srv/data.txt
	tamper /srv/data.txt
	bundle web 'cat /srv/data.txt 2>&1; echo "rc=$?"; cat /srv/report.txt'
	run
	ran_ok
	expect_out "cat: can't open '/srv/data.txt': Permission denied" "rc=1" \
		"$(cat "$image/srv/report.txt")"
	audit_records "type=1800 " "op=appraise_data cause=invalid-hash" \
		"comm=\"cat\" name=\"/srv/data.txt\" mnt_ns=$nsid dev=\"overlay\"" ||
		fail "no type=1800 record of cat, /srv/data.txt, mnt_ns=$nsid"
	# The host, which no namespace policy governs, still reads it.
	expect_eq "the host's read" "tampered by the host" "$(tail -n 1 "$layer/srv/data.txt")"
}

# A program the host tampered with does not run.
case_tampered_executable_refused() {
	setup tampered_executable_refused
	add_file /usr/bin/tool 0755 $'#!/bin/sh\necho "tool: ran"\n'
	tamper /usr/bin/tool 'echo "tool: tampered"'
	bundle web '/usr/bin/tool 2>&1; echo "rc=$?"'
	run
	ran_ok
	expect_out "sh: /usr/bin/tool: Permission denied" "rc=126"
	audit_records "type=1800 " "op=appraise_data cause=invalid-hash" \
		"comm=\"sh\" name=\"/usr/bin/tool\" mnt_ns=$nsid dev=\"overlay\"" ||
		fail "no type=1800 record of sh, /usr/bin/tool, mnt_ns=$nsid"
}

# A mount namespace unshared in the container inherits its policy.
case_unshare_does_not_escape() {
	local child
	setup unshare_does_not_escape
	copy_file /srv/data.txt
	tamper /srv/data.txt
	bundle web "unshare -m sh -c 'stat -L -c %i /proc/self/ns/mnt
		cat /srv/data.txt 2>&1; echo \"rc=\$?\"'"
	run
	ran_ok
	child=$(sed -n 2p "$dir/out")
	[[ $child =~ ^[0-9]+$ && $child != "$nsid" ]] ||
		fail "unshare -m did not make a new mount namespace: '$child'"
	expect_eq "the output in the unshared namespace" \
		"$(printf '%s\n' "cat: can't open '/srv/data.txt': Permission denied" "rc=1")" \
		"$(tail -n +3 "$dir/out")"
	# The record names the policy's namespace, not the child's.
	audit_records "type=1800 " "op=appraise_data cause=invalid-hash" \
		"comm=\"cat\" name=\"/srv/data.txt\" mnt_ns=$nsid dev=\"overlay\"" ||
		fail "no type=1800 record of cat, /srv/data.txt, mnt_ns=$nsid"
	no_audit_record "mnt_ns=$child "
}

# Listed while the container lives; gone, with its directory, once it ends.
case_policy_removed_after_exit() {
	local pid i gone=
	setup policy_removed_after_exit
	bundle web 'stat -L -c %i /proc/self/ns/mnt >/ctl/nsid.tmp && mv /ctl/nsid.tmp /ctl/nsid
		while [ ! -e /ctl/go ]; do sleep 0.1; done; echo done'
	ctr_run &
	pid=$!
	for ((i = 0; i < 200; i++)); do
		[ ! -s "$dir/ctl/nsid" ] || break
		sleep 0.1
	done
	[ -s "$dir/ctl/nsid" ] || fail "the container did not start: $(cat "$dir/err")"
	nsid=$(cat "$dir/ctl/nsid")
	hook_registered
	grep -qFx "$nsid mntns:$mntid" "$ima/namespaces" ||
		fail "'$nsid mntns:$mntid' is not in ima/namespaces: $(cat "$ima/namespaces")"
	[ -d "$ima/mntns:$mntid" ] || fail "no $ima/mntns:$mntid/"
	expect_eq "the link ima/$nsid" "mntns:$mntid" "$(readlink "$ima/$nsid")"

	touch "$dir/ctl/go"
	rc=0
	wait "$pid" || rc=$?
	expect_eq "$rt's status" 0 "$rc"
	expect_eq "the container's output" "$(printf '%s\n' "$nsid" "done")" "$(cat "$dir/out")"
	for ((i = 0; i < 50; i++)); do
		if [ ! -e "$ima/mntns:$mntid" ] &&
		   ! grep -q " mntns:$mntid\$" "$ima/namespaces"; then
			gone=1
			break
		fi
		sleep 0.1
	done
	[ -n "$gone" ] || fail "mntns:$mntid still there 5 s after the container ended"
	[ ! -L "$ima/$nsid" ] || fail "the link ima/$nsid is still there"
	audit_records "type=1802 " "op=ns_unregister cause=namespace-freed" \
		"mnt_ns=$nsid mnt_ns_id=$mntid res=1" ||
		fail "no ns_unregister record of mntns:$mntid"
}

# A failed hook: the runtime fails, shows the hook's line, the container
# never runs and no policy is left behind. Sets $hook_line.
hook_fails() {   # POLICY
	local i new
	cat "$ima/namespaces" >"$dir/namespaces.before"
	bundle "$1" 'echo ran >/ctl/ran; echo ran'
	run
	[ "$rc" != 0 ] || fail "$rt run succeeded"
	[[ $rc != 124 && $rc != 137 ]] || fail "$rt run timed out"
	hook_line=$(rt_hook_lines)
	expect_eq "hook lines in $rt's stderr" 1 "$(grep -c . <<<"$hook_line" || true)"
	grep -qF -- "$(rt_hook_failure)" "$dir/err" ||
		fail "$rt does not report the hook's failure: $(cat "$dir/err")"
	[ ! -e "$dir/ctl/ran" ] || fail "the container ran: /ctl/ran was created"
	expect_eq "the container's output" "" "$(cat "$dir/out")"
	! "${rt_cmd[@]}" state "$id" >/dev/null 2>&1 || fail "$rt still knows container $id"
	for ((i = 0; i < 50; i++)); do
		new=$(grep -Fvx -f "$dir/namespaces.before" "$ima/namespaces" || true)
		[ -n "$new" ] || return 0
		sleep 0.1
	done
	fail "policies left in ima/namespaces: $new"
}

# A rule the kernel refuses: the hook fails after registering.
case_hook_bad_rule_stops_container() {
	setup hook_bad_rule_stops_container
	hook_fails bad
	expect_eq "the hook's line" "ima-ns-oci-hook: container $id: $policies/bad.policy:3:\
 rule refused (Invalid argument): appraise func=NOPE_CHECK" "$hook_line"
	audit_records "type=1802 " "op=policy_update cause=failed comm=\"ima-ns-oci-hook\"" ||
		fail "no policy_update cause=failed record"
}

# No such policy: the hook fails before registering.
case_hook_missing_policy_stops_container() {
	setup hook_missing_policy_stops_container
	hook_fails nosuch
	expect_eq "the hook's line" "ima-ns-oci-hook: container $id:\
 cannot open policy $policies/nosuch.policy: No such file or directory" "$hook_line"
	no_audit_record "op=ns_register"
}

# weblog.mode puts the policy in log mode: a file the host tampered with is
# read, twice, and its failure is audited once, let through (permissive=1),
# under the container's namespace. The hook's write of the mode is audited.
case_log_mode_tampered_file_reads() {
	local recs name='name="/srv/data.txt"'
	setup log_mode_tampered_file_reads
	copy_file /srv/data.txt
	tamper /srv/data.txt
	bundle weblog 'cat /srv/data.txt; echo "rc=$?"; cat /srv/data.txt >/dev/null; echo "rc=$?"'
	run
	ran_ok weblog
	expect_out "$(cat "$image/srv/data.txt")" "tampered by the host" "rc=0" "rc=0"
	audit_records "type=1802 " "op=ns_mode cause=log" \
		"comm=\"ima-ns-oci-hook\" mnt_ns=$nsid mnt_ns_id=$mntid suppressed=0 res=1 " ||
		fail "no ns_mode cause=log record of the hook for mntns:$mntid"
	find_records "type=1800 " "op=appraise_data cause=invalid-hash" \
		"comm=\"cat\" $name mnt_ns=$nsid mnt_ns_id=$mntid dev=\"overlay\"" \
		" permissive=1 res=0 " >/dev/null ||
		fail "no permissive=1 record of cat, /srv/data.txt, mnt_ns=$nsid"
	# Once per content: the second read is only counted. Give kauditd time.
	sleep 0.5
	recs=$(find_records "type=1800 " "$name")
	printf '%s\n' "$recs" | sed 's/^/# /'
	expect_eq "type=1800 records of /srv/data.txt" 1 "$(wc -l <<<"$recs")"
	grep -qF " permissive=1 " <<<"$recs" || fail "the record is not permissive=1"
}

# ---- The runner: every case with each runtime, its cases skipped where
# it is not installed.

echo "TAP version 13"
echo "1..$((${#tests[@]} * ${#runtimes[@]}))"
n=0
failed=0
skipped=0
for rt in "${runtimes[@]}"; do
	if [[ " ${found[*]} " != *" $rt "* ]]; then
		for t in "${tests[@]}"; do
			n=$((n + 1))
			skipped=$((skipped + 1))
			echo "ok $n - $rt.$t # SKIP $rt is not installed"
		done
		continue
	fi
	use_runtime "$rt"
	for t in "${tests[@]}"; do
		n=$((n + 1))
		# Not in a condition: there set -e would be ignored in the case.
		set +e
		(
			set -eE
			trap 'echo "# line $LINENO: failed: $BASH_COMMAND"' ERR
			"case_$t"
		)
		case_rc=$?
		set -e
		if [ "$case_rc" = 0 ]; then
			echo "ok $n - $rt.$t"
		else
			failed=$((failed + 1))
			for f in out err; do
				[ ! -s "$work/$rt-$t/$f" ] ||
					sed "s/^/# $rt.$t: $f: /" "$work/$rt-$t/$f"
			done
			echo "not ok $n - $rt.$t"
		fi
	done
done
echo "# Totals: pass:$((n - failed - skipped)) fail:$failed xfail:0 xpass:0" \
     "skip:$skipped error:0"
[ "$failed" = 0 ] || exit "$KSFT_FAIL"
