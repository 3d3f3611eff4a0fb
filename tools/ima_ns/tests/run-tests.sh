#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host unit tests of ima-ns-oci-hook's input handling, against a fake IMA
# directory; prints TAP.  No IMA-namespaces kernel is needed.  The cases
# that need a process in a mount namespace of its own use unshare(1), and
# are skipped where it fails; the unreadable-policy and unreadable-mode-file
# cases are skipped as root; the cases of files owned by another user need
# root and setpriv(1).
#
# Usage: run-tests.sh HOOK MNTNS_ID [VALGRIND_HOOK]
#   HOOK           the ima-ns-oci-hook binary
#   MNTNS_ID       tests/mntns_id.c built: prints the mount namespace id of a pid
#   VALGRIND_HOOK  a dynamically linked build of the hook, for valgrind, which
#                  cannot check a static program (default: HOOK)
set -euo pipefail

usage="usage: run-tests.sh HOOK MNTNS_ID [VALGRIND_HOOK]"
hook=$(realpath "${1:?$usage}")
mntns_id=$(realpath "${2:?$usage}")
vg_hook=$(realpath "${3:-$1}")
here=$(dirname "$(realpath "$0")")
annotation=org.kernel.ima.namespace.policy
# The hook refuses policies that the group or others may write.
umask 022

tmp=$(mktemp -d)
# Other uids, which the hook runs as under setpriv, must reach files here.
chmod 0711 "$tmp"
nspid=
cleanup() {
	# Subshells inherit the trap: only the script itself cleans up.
	[ "$BASHPID" = "$$" ] || return 0
	if [ -n "$nspid" ]; then
		kill "$nspid" 2>/dev/null || true
		wait "$nspid" 2>/dev/null || true
	fi
	chmod -R u+rwX "$tmp" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

pdir=$tmp/policies	# --policy-dir
ima=$tmp/ima		# --ima-dir: "namespaces" is a regular file here
mkdir -p "$pdir" "$ima"
cp "$here"/policies/*.policy "$pdir/"
chmod 0755 "$pdir"
chmod 0644 "$pdir"/*.policy
: >"$ima/namespaces"

n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {	# NAME WHY
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	printf '%s\n' "$2" | sed 's/^/# /'
}

skip() {	# NAME WHY
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# The "status" member of the states that state() writes, with its comma.
status_member='"status":"creating",'

# state PID [ANNOTATIONS]: write an OCI state to $tmp/state.json.
state() {
	local annotations=${2-}

	[ -n "$annotations" ] || annotations="{\"$annotation\":\"web\"}"
	printf '{"ociVersion":"1.0.2","id":"ctr1",%s"pid":%s,%s}\n' "$status_member" \
		"$1" "\"bundle\":\"/nonexistent\",\"annotations\":$annotations" >"$tmp/state.json"
}

# run_hook ARGS... <INPUT: run the hook on the default directories; sets rc.
run_hook() {
	rc=0
	"$hook" --policy-dir="$pdir" --ima-dir="$ima" "$@" \
		>"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
}

# judge NAME RC REGEX: the last run exited RC with one stderr line matching REGEX.
judge() {
	local lines

	lines=$(wc -l <"$tmp/stderr")
	if [ "$rc" -eq "$2" ] && [ "$lines" -eq 1 ] && grep -Eq -- "$3" "$tmp/stderr"; then
		ok "$1"
	else
		not_ok "$1" "exit $rc (want $2), $lines stderr lines (want 1), want /$3/:
$(cat "$tmp/stderr")"
	fi
}

# expect NAME REGEX [ARGS...] <INPUT: the hook fails with one line matching REGEX.
expect() {
	local name=$1 re=$2

	shift 2
	run_hook "$@"
	judge "$name" 1 "^ima-ns-oci-hook: $re"
}

# with_state NAME PID ANNOTATIONS REGEX: the hook fails on this state, naming
# its container.
with_state() {
	state "$2" "$3"
	expect "$1" "container ctr1: $4" <"$tmp/state.json"
}

# start_ns_proc: start a process in a mount namespace of its own in $nspid.
start_ns_proc() {
	local how

	for how in "-m --propagation private" "-U -r -m"; do
		# exec: $! must be the process in the namespace, not a subshell.
		# shellcheck disable=SC2086 # $how holds options.
		(exec unshare $how sleep 300 </dev/null >/dev/null 2>&1) &
		nspid=$!
		for _ in $(seq 50); do
			kill -0 "$nspid" 2>/dev/null || break
			if [ "$(readlink "/proc/$nspid/ns/mnt")" != \
			     "$(readlink /proc/$$/ns/mnt)" ]; then
				return 0
			fi
			sleep 0.1
		done
		kill "$nspid" 2>/dev/null || true
		wait "$nspid" 2>/dev/null || true
		nspid=
	done
	return 1
}

t_help() {
	local name="--help prints usage on stdout and exits 0"

	rc=0
	"$hook" --help >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$tmp/stderr" ] &&
	   grep -q '^usage: ima-ns-oci-hook ' "$tmp/stdout"; then
		ok "$name"
	else
		not_ok "$name" "exit $rc: $(cat "$tmp/stderr")"
	fi
}

t_usage() {
	run_hook --frobnicate </dev/null
	judge "unknown option exits 2 with a usage line" 2 \
		"^ima-ns-oci-hook: unknown argument '--frobnicate'; usage: ima-ns-oci-hook "
	run_hook --policy-dir= </dev/null
	judge "empty --policy-dir= exits 2" 2 "empty directory in argument '--policy-dir='"
	run_hook extra </dev/null
	judge "a positional argument exits 2" 2 "unknown argument 'extra'; usage: "
}

t_json() {
	printf '{"pid": 1, "annotations": {' >"$tmp/in"
	expect "truncated JSON" "OCI state on stdin is not valid JSON: " <"$tmp/in"
	printf '{"pid": 1,, }' >"$tmp/in"
	expect "malformed JSON" "OCI state on stdin is not valid JSON: " <"$tmp/in"
	printf '{"pid": 1} trailing' >"$tmp/in"
	expect "text after the JSON object" "OCI state on stdin is not valid JSON: " <"$tmp/in"
	expect "empty stdin" "OCI state on stdin is not valid JSON: " </dev/null
	printf '[1, 2]\n' >"$tmp/in"
	expect "JSON array instead of an object" "OCI state on stdin is not a JSON object$" \
		<"$tmp/in"
	printf '42' >"$tmp/in"
	expect "JSON number instead of an object" "OCI state on stdin is not a JSON object$" \
		<"$tmp/in"
	head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$tmp/in"
	expect "stdin larger than 1 MiB" "OCI state on stdin is too large" <"$tmp/in"
}

t_status() {
	local save=$status_member want="hook run at status"

	status_member=
	with_state "status missing" $$ "" \
		"OCI state has no \"status\"; the hook must run at createRuntime$"
	status_member='"status":"running",'
	with_state "status running (a poststart hook)" $$ "" \
		"$want 'running', not at createRuntime \\('creating', or 'created' from crun\\)$"
	status_member='"status":"stopped",'
	with_state "status stopped (a poststop hook)" $$ "" "$want 'stopped', not at createRuntime"
	status_member='"status":"creating\u0000x",'
	with_state "status creating with a NUL" $$ "" "$want 'creating', not at createRuntime"
	status_member='"status":1,'
	with_state "status not a string" $$ "" "\"status\" in the OCI state is not a string$"
	# Past the status, the hook finds the container in its own namespace.
	status_member='"status":"created",'
	with_state "status created, from crun at createRuntime, is taken" $$ "" \
		"the container has no mount namespace of its own"
	status_member=$save
}

t_pid() {
	printf '{"id":"ctr1","status":"creating","annotations":{"%s":"web"}}' "$annotation" \
		>"$tmp/in"
	expect "missing pid" "container ctr1: OCI state has no \"pid\"$" <"$tmp/in"
	with_state "pid is a string" '"1234"' "" "\"pid\" .*not a positive integer"
	with_state "pid is a float" 12.5 "" "\"pid\" in the OCI state is not a positive integer"
	with_state "pid is null" null "" "\"pid\" in the OCI state is not a positive integer"
	local bad='"pid" in the OCI state is not a positive integer'

	with_state "pid is zero" 0 "" "$bad: 0$"
	with_state "pid is negative" -5 "" "$bad: -5$"
	with_state "pid out of range" 4294967297 "" "$bad: 4294967297$"
}

t_pid_gone() {
	local gone

	sleep 300 &
	gone=$!
	# Kill sleep, not the shell that forks it, lest that run the EXIT trap.
	for _ in $(seq 100); do
		[ "$(cat "/proc/$gone/comm" 2>/dev/null)" != sleep ] || break
		sleep 0.05
	done
	kill "$gone"
	wait "$gone" 2>/dev/null || true
	with_state "pid of a process that is gone" "$gone" "" \
		"container process $gone is gone$"
}

t_annotation() {
	local a="\"$annotation\"" bad="annotation $annotation: bad policy name"

	printf '{"id":"ctr1","status":"creating","pid":%d}' $$ >"$tmp/in"
	expect "annotations object missing" "container ctr1: OCI state has no \"annotations\"" \
		<"$tmp/in"
	with_state "annotations not an object" $$ '"web"' "\"annotations\" .* is not an object$"
	with_state "annotation missing" $$ '{"other":"web"}' \
		"annotation $annotation is not set$"
	with_state "annotation empty" $$ "{$a:\"\"}" "annotation $annotation is empty$"
	with_state "annotation not a string" $$ "{$a:7}" "annotation $annotation is not a string$"
	with_state "policy name with a slash" $$ "{$a:\"../../etc/passwd\"}" "$bad"
	with_state "policy name with a slash inside" $$ "{$a:\"web/x\"}" "$bad"
	with_state "policy name .." $$ "{$a:\"..\"}" "$bad '\\.\\.'"
	with_state "policy name with a leading dot" $$ "{$a:\".web\"}" "$bad"
	with_state "policy name with a NUL" $$ "{$a:\"web\\u0000x\"}" "$bad"
	with_state "policy name of 65 characters" $$ "{$a:\"$(printf 'a%.0s' $(seq 65))\"}" "$bad"
}

t_policy_file() {
	local a="\"$annotation\"" big

	with_state "policy file missing" $$ "{$a:\"nosuch\"}" \
		"cannot open policy $pdir/nosuch.policy: No such file or directory$"
	cp "$pdir/web.policy" "$pdir/locked.policy"
	chmod 000 "$pdir/locked.policy"
	if [ "$(id -u)" -eq 0 ]; then
		skip "policy file unreadable" "running as root, which reads it anyway"
	else
		with_state "policy file unreadable" $$ "{$a:\"locked\"}" \
			"cannot open policy $pdir/locked.policy: Permission denied$"
	fi
	mkdir "$pdir/dir.policy"
	with_state "policy file is a directory" $$ "{$a:\"dir\"}" \
		"policy $pdir/dir.policy is not a regular file$"
	ln -s web.policy "$pdir/link.policy"
	with_state "policy file is a symbolic link" $$ "{$a:\"link\"}" \
		"policy $pdir/link.policy is a symbolic link"
	big=$pdir/big.policy
	for _ in $(seq 1100); do
		echo "appraise func=FILE_CHECK fowner=0 appraise_type=imasig"
	done >"$big"
	truncate -s $((65 * 1024)) "$big"
	with_state "policy file of 65 KiB" $$ "{$a:\"big\"}" "policy $big is too large"
	with_state "policy with only comments" $$ "{$a:\"comments-only\"}" \
		"policy $pdir/comments-only.policy has no rules$"
	printf 'appraise func=FILE_CHECK\n\nappraise \0fowner=0\n' >"$pdir/nul.policy"
	with_state "policy with a NUL byte" $$ "{$a:\"nul\"}" \
		"$pdir/nul.policy:3: NUL byte in rule$"
	# The process of the state would be refused next: the file is refused first.
	printf '# CRLF\r\nappraise func=BPRM_CHECK\r\n' >"$pdir/crlf.policy"
	with_state "CRLF policy" $$ "{$a:\"crlf\"}" \
		"$pdir/crlf.policy: line 1 ends with a carriage return \\(CRLF file\\?\\)$"
	printf 'appraise func=BPRM_CHECK\n\nappraise func=MMAP_CHECK\r' >"$pdir/cr.policy"
	with_state "carriage return ending the last line, without newline" $$ "{$a:\"cr\"}" \
		"$pdir/cr.policy: line 3 ends with a carriage return \\(CRLF file\\?\\)$"
}

# A policy's NAME.mode, read and checked before anything is registered: the
# states name the hook's own process, which would be refused next.
t_mode_file() {
	local a="\"$annotation\"" m=$pdir/trial.mode want="\\(want enforce or log\\)$"

	cp "$pdir/web.policy" "$pdir/trial.policy"
	printf 'permissive\n' >"$m"
	with_state "mode file with another word" $$ "{$a:\"trial\"}" \
		"$m: bad mode 'permissive' $want"
	printf 'Log\n' >"$m"
	with_state "mode file in another case" $$ "{$a:\"trial\"}" "$m: bad mode 'Log' $want"
	printf 'log\n\n' >"$m"
	with_state "mode file with a second newline" $$ "{$a:\"trial\"}" \
		"$m: bad mode 'log\\?' $want"
	: >"$m"
	with_state "empty mode file" $$ "{$a:\"trial\"}" "$m: bad mode '' $want"
	printf 'log\0' >"$m"
	with_state "mode file with a NUL byte" $$ "{$a:\"trial\"}" "$m: NUL byte in mode$"
	printf 'log%.0s' $(seq 11) >"$m"
	with_state "mode file of 33 bytes" $$ "{$a:\"trial\"}" \
		"mode file $m is too large \\(more than 32 bytes\\)$"
	rm "$m"
	ln -s web.mode "$m"
	with_state "mode file is a symbolic link" $$ "{$a:\"trial\"}" \
		"mode file $m is a symbolic link, which is not followed$"
	rm "$m"
	mkdir "$m"
	with_state "mode file is a directory" $$ "{$a:\"trial\"}" \
		"mode file $m is not a regular file$"
	rmdir "$m"
	printf 'log\n' >"$m"
	chmod 000 "$m"
	if [ "$(id -u)" -eq 0 ]; then
		skip "mode file unreadable" "running as root, which reads it anyway"
	else
		with_state "mode file unreadable" $$ "{$a:\"trial\"}" \
			"cannot open mode file $m: Permission denied$"
	fi
	rm -f "$m"
}

# as_uid UID ARGS...: run the hook as UID (and its gid) on the state; sets rc.
as_uid() {
	local uid=$1

	shift
	rc=0
	setpriv --reuid="$uid" --regid="$uid" --clear-groups "$hook" "$@" <"$tmp/state.json" \
		>"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
}

# Who may own and write the policy directory and file.  The states name the
# hook's own process: a policy that is taken leads to the next error,
# nothing to register in $ima_none.
owner_tests=(
	"policy file owned by another user (hook run as root)"
	"mode file owned by another user (hook run as root)"
	"policy directory owned by another user (hook run as root)"
	"policy directory owned by another user (hook not root)"
	"policy and mode file of the hook's own uid are taken (hook not root)"
	"root's policy is taken (hook not root)"
)

t_owner() {
	local a="\"$annotation\"" save=$pdir t ours ima_none=$tmp/no-such-ima
	local taken="no $ima_none/namespaces: kernel has no IMA namespaces"

	pdir=$tmp/no-such-dir
	with_state "policy directory missing" $$ "" \
		"cannot open policy directory $pdir: No such file or directory$"
	pdir=$save
	chmod 0775 "$pdir"
	with_state "policy directory writable by its group" $$ "" \
		"policy directory $pdir is writable by group or others \\(mode 0775\\)$"
	chmod 1777 "$pdir"
	with_state "policy directory writable by all, sticky" $$ "" \
		"policy directory $pdir is writable by group or others \\(mode 1777\\)$"
	chmod 0755 "$pdir"
	cp "$pdir/web.policy" "$pdir/gw.policy"
	chmod 0664 "$pdir/gw.policy"
	with_state "policy file writable by its group" $$ "{$a:\"gw\"}" \
		"policy $pdir/gw.policy is writable by group or others \\(mode 0664\\)$"
	chmod 0646 "$pdir/gw.policy"
	with_state "policy file writable by others" $$ "{$a:\"gw\"}" \
		"policy $pdir/gw.policy is writable by group or others \\(mode 0646\\)$"
	chmod 0644 "$pdir/gw.policy"
	printf 'log\n' >"$pdir/gw.mode"
	chmod 0664 "$pdir/gw.mode"
	with_state "mode file writable by its group" $$ "{$a:\"gw\"}" \
		"mode file $pdir/gw.mode is writable by group or others \\(mode 0664\\)$"
	chmod 0646 "$pdir/gw.mode"
	with_state "mode file writable by others" $$ "{$a:\"gw\"}" \
		"mode file $pdir/gw.mode is writable by group or others \\(mode 0646\\)$"

	# The policy "web" gets a mode file: the hook takes it and goes on.
	printf 'log\n' >"$pdir/web.mode"
	state $$ ""
	if [ "$(id -u)" -ne 0 ]; then
		for t in "${owner_tests[@]:0:4}"; do
			skip "$t" "needs root"
		done
		run_hook --ima-dir="$ima_none" <"$tmp/state.json"
		judge "${owner_tests[4]}" 1 "$taken"
		rm "$pdir/web.mode"
		# The tests' own policies, where root owns them.
		t=$(find "$here/policies" "$here/policies/web.policy" -maxdepth 0 -user 0 \
			! -perm /022 | wc -l)
		if [ "$t" -eq 2 ]; then
			rc=0
			"$hook" --policy-dir="$here/policies" --ima-dir="$ima_none" \
				<"$tmp/state.json" \
				>"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
			judge "${owner_tests[5]}" 1 "$taken"
		else
			skip "${owner_tests[5]}" "root does not own $here/policies"
		fi
		return
	fi
	cp "$pdir/web.policy" "$pdir/other.policy"
	chown 65534:65534 "$pdir/other.policy"
	with_state "${owner_tests[0]}" $$ "{$a:\"other\"}" \
		"policy $pdir/other.policy is owned by uid 65534, not by root$"
	cp "$pdir/web.policy" "$pdir/othermode.policy"
	printf 'log\n' >"$pdir/othermode.mode"
	chown 65534:65534 "$pdir/othermode.mode"
	with_state "${owner_tests[1]}" $$ "{$a:\"othermode\"}" \
		"mode file $pdir/othermode.mode is owned by uid 65534, not by root$"
	ours=$tmp/policies-65534
	mkdir -m 0755 "$ours"
	cp "$pdir/web.policy" "$pdir/web.mode" "$ours/"
	chown -R 65534:65534 "$ours"
	pdir=$ours
	with_state "${owner_tests[2]}" $$ "" \
		"policy directory $ours is owned by uid 65534, not by root$"
	pdir=$save
	if ! command -v setpriv >/dev/null; then
		for t in "${owner_tests[@]:3}"; do
			skip "$t" "no setpriv"
		done
		rm "$pdir/web.mode"
		return
	fi
	state $$ ""
	as_uid 65533 --policy-dir="$ours" --ima-dir="$ima_none"
	want="policy directory $ours is owned by uid 65534,"
	want+=" not by root nor by uid 65533, the hook's$"
	judge "${owner_tests[3]}" 1 "$want"
	as_uid 65534 --policy-dir="$ours" --ima-dir="$ima_none"
	judge "${owner_tests[4]}" 1 "$taken"
	as_uid 65534 --policy-dir="$pdir" --ima-dir="$ima_none"
	judge "${owner_tests[5]}" 1 "$taken"
	rm "$pdir/web.mode"
}

t_kernel() {
	local a="\"$annotation\"" save=$ima

	ima=$tmp/no-ima
	mkdir -p "$ima"
	with_state "IMA directory without namespaces file" $$ "" \
		"no $ima/namespaces: kernel has no IMA namespaces \\(CONFIG_IMA_NS\\)"
	ima=$save
	with_state "process in the hook's own mount namespace" $$ "" \
		"the container has no mount namespace of its own"
}

# The cases that need a process in a mount namespace of its own.
ns_tests=(
	"loads the policy; -v names the namespace"
	"namespaces file got mntns:<id>"
	"policy file got the rule lines only"
	"silent on success without -v"
	"a last line without newline gets one"
	"a short write of a rule fails"
	"rules not in force: none read back"
	"rules not in force: more read back"
	"no check where the rules cannot be read back"
	"registration refused"
	"rule refused: names file, line and rule"
	"namespace directory missing"
	"mode log: -v names the mode file"
	"mode log: the mode file got log"
	"mode enforce: the mode file got enforce"
	"without NAME.mode the mode file is left alone"
	"kernel without a mode file: log refused"
	"kernel without a mode file: enforce taken"
	"mode write refused"
	"mode not in force: enforce read back after log"
)

t_namespace() {
	local id want t

	if ! start_ns_proc; then
		for t in "${ns_tests[@]}"; do
			skip "$t" "unshare -m fails here"
		done
		return
	fi
	id=$("$mntns_id" "$nspid")
	mkdir "$ima/mntns:$id"
	: >"$ima/mntns:$id/policy"

	state "$nspid" ""
	run_hook -v <"$tmp/state.json"
	want="^ima-ns-oci-hook: container ctr1: registered mntns:$id"
	want+=" \\(pid $nspid\\), loaded 4 rules"
	judge "${ns_tests[0]}" 0 "$want from $pdir/web.policy$"
	if printf 'mntns:%s\n' "$id" | cmp -s - "$ima/namespaces"; then
		ok "${ns_tests[1]}"
	else
		not_ok "${ns_tests[1]}" "namespaces holds: $(cat "$ima/namespaces")"
	fi
	if cmp -s "$here/web.rules" "$ima/mntns:$id/policy"; then
		ok "${ns_tests[2]}"
	else
		not_ok "${ns_tests[2]}" "$(diff "$here/web.rules" "$ima/mntns:$id/policy" || true)"
	fi

	: >"$ima/namespaces"
	: >"$ima/mntns:$id/policy"
	run_hook <"$tmp/state.json"
	if [ "$rc" -eq 0 ] && [ ! -s "$tmp/stderr" ] && [ ! -s "$tmp/stdout" ] &&
	   cmp -s "$here/web.rules" "$ima/mntns:$id/policy"; then
		ok "${ns_tests[3]}"
	else
		not_ok "${ns_tests[3]}" "exit $rc: $(cat "$tmp/stderr" "$tmp/stdout")"
	fi

	printf '# one rule\nappraise func=BPRM_CHECK' >"$pdir/nonl.policy"
	: >"$ima/mntns:$id/policy"
	state "$nspid" "{\"$annotation\":\"nonl\"}"
	run_hook <"$tmp/state.json"
	if [ "$rc" -eq 0 ] &&
	   printf 'appraise func=BPRM_CHECK\n' | cmp -s - "$ima/mntns:$id/policy"; then
		ok "${ns_tests[4]}"
	else
		not_ok "${ns_tests[4]}" "exit $rc: $(cat "$tmp/stderr")"
	fi

	t_short_write "$id"
	t_in_force "$id"
	t_mode "$id"

	# /dev/full fails every write with ENOSPC.
	state "$nspid" ""
	mv "$ima/namespaces" "$ima/namespaces.file"
	ln -s /dev/full "$ima/namespaces"
	expect "${ns_tests[9]}" \
		"container ctr1: cannot register mntns:$id: No space left on device$" \
		<"$tmp/state.json"
	rm "$ima/namespaces"
	mv "$ima/namespaces.file" "$ima/namespaces"
	rm "$ima/mntns:$id/policy"
	ln -s /dev/full "$ima/mntns:$id/policy"
	want="$pdir/web.policy:4: rule refused \\(No space left on device\\): "
	want+="appraise func=BPRM_CHECK appraise_type=imasig$"
	expect "${ns_tests[10]}" "container ctr1: $want" <"$tmp/state.json"
	rm -r "$ima/mntns:$id"
	want="cannot open $ima/mntns:$id/policy: mount namespace is gone$"
	expect "${ns_tests[11]}" "container ctr1: $want" <"$tmp/state.json"
}

# t_short_write ID: a file size limit cuts a write of a rule short, which
# the kernel would parse as a rule of its own.
t_short_write() {
	local policy=$ima/mntns:$1/policy rule limit=1024 len lines want

	rule="appraise func=FILE_CHECK fowner=0 appraise_type=imasig"
	len=$((${#rule} + 1))
	lines=$((limit / len))
	for _ in $(seq $((lines + 2))); do
		echo "$rule"
	done >"$pdir/long.policy"
	: >"$policy"
	state "$nspid" "{\"$annotation\":\"long\"}"
	rc=0
	# ulimit -f counts 1024 bytes; a write that starts below the limit is
	# cut short there, without SIGXFSZ.
	(ulimit -f $((limit / 1024)) && exec "$hook" --policy-dir="$pdir" --ima-dir="$ima") \
		<"$tmp/state.json" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
	want="$pdir/long.policy:$((lines + 1)): short write"
	want+=" \\($((limit - lines * len)) of $len bytes\\): "
	judge "${ns_tests[5]}" 1 "^ima-ns-oci-hook: container ctr1: $want$rule$"
}

# t_in_force ID: the rules read back from the fake policy file are counted.
t_in_force() {
	local policy=$ima/mntns:$1/policy want t=${ns_tests[8]}
	local nocap=(setpriv "--bounding-set=-dac_override,-dac_read_search")

	state "$nspid" ""
	rm "$policy"
	ln -s /dev/null "$policy"
	want="policy not in force: $policy shows 0 rules, 4 were loaded$"
	expect "${ns_tests[6]}" "container ctr1: $want" <"$tmp/state.json"
	rm "$policy"
	for _ in $(seq 200); do
		echo "# another rule"
	done >"$policy"
	# The hook writes its 4 rules over the start of the file: many are left.
	want="policy not in force: $policy shows [1-9][0-9]+ rules, 4 were loaded$"
	expect "${ns_tests[7]}" "container ctr1: $want" <"$tmp/state.json"

	# Write-only, as without CONFIG_IMA_READ_POLICY; root must not override it.
	: >"$policy"
	chmod 0200 "$policy"
	if [ "$(id -u)" -eq 0 ] && ! command -v setpriv >/dev/null; then
		skip "$t" "no setpriv to drop CAP_DAC_OVERRIDE"
	else
		[ "$(id -u)" -eq 0 ] || nocap=()
		rc=0
		"${nocap[@]}" "$hook" --policy-dir="$pdir" --ima-dir="$ima" <"$tmp/state.json" \
			>"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
		chmod 0600 "$policy"
		if [ "$rc" -eq 0 ] && [ ! -s "$tmp/stderr" ] &&
		   cmp -s "$here/web.rules" "$policy"; then
			ok "$t"
		else
			not_ok "$t" "exit $rc: $(cat "$tmp/stderr")"
		fi
	fi
	chmod 0600 "$policy"
}

# run_trial MODE ARGS...: run the hook on the policy "trial" with trial.mode
# holding MODE ("" for none), on empty fake policy and mode files; sets rc.
run_trial() {
	local dir=$ima/mntns:$id

	rm -f "$pdir/trial.mode"
	[ -z "$1" ] || printf '%s' "$1" >"$pdir/trial.mode"
	shift
	: >"$dir/policy"
	[ ! -f "$dir/mode" ] || : >"$dir/mode"
	run_hook "$@" <"$tmp/state.json"
}

# t_mode ID: NAME.mode written to the fake mode file, and read back from it.
t_mode() {
	local id=$1 dir=$ima/mntns:$1 want feeder

	state "$nspid" "{\"$annotation\":\"trial\"}"
	: >"$dir/mode"
	run_trial $'log\n' -v
	want="^ima-ns-oci-hook: container ctr1: registered mntns:$id \\(pid $nspid\\),"
	want+=" loaded 4 rules from $pdir/trial.policy, mode log from $pdir/trial.mode$"
	judge "${ns_tests[12]}" 0 "$want"
	if printf 'log\n' | cmp -s - "$dir/mode"; then
		ok "${ns_tests[13]}"
	else
		not_ok "${ns_tests[13]}" "mode holds: $(od -c "$dir/mode")"
	fi
	run_trial enforce
	if [ "$rc" -eq 0 ] && [ ! -s "$tmp/stderr" ] &&
	   printf 'enforce\n' | cmp -s - "$dir/mode"; then
		ok "${ns_tests[14]}"
	else
		not_ok "${ns_tests[14]}" \
			"exit $rc: $(cat "$tmp/stderr"), mode: $(od -c "$dir/mode")"
	fi
	run_trial ""
	if [ "$rc" -eq 0 ] && [ ! -s "$tmp/stderr" ] && [ ! -s "$dir/mode" ]; then
		ok "${ns_tests[15]}"
	else
		not_ok "${ns_tests[15]}" \
			"exit $rc: $(cat "$tmp/stderr"), mode: $(od -c "$dir/mode")"
	fi

	rm "$dir/mode"
	run_trial $'log\n'
	want="$pdir/trial.mode asks for log mode, but there is no $dir/mode:"
	judge "${ns_tests[16]}" 1 "^ima-ns-oci-hook: container ctr1: $want"
	run_trial $'enforce\n' -v
	want="loaded 4 rules from $pdir/trial.policy, mode enforce from $pdir/trial.mode"
	judge "${ns_tests[17]}" 0 "$want \\(the kernel's only mode: it has no $dir/mode\\)$"

	# /dev/full fails every write with ENOSPC.
	ln -s /dev/full "$dir/mode"
	run_trial log
	judge "${ns_tests[18]}" 1 \
		"container ctr1: cannot write mode log to $dir/mode: No space left on device$"
	rm "$dir/mode"

	# A FIFO stands in for a kernel that took the write and shows enforce:
	# it reads what the hook writes, then gives the hook's read-back enforce.
	mkfifo "$dir/mode"
	# shellcheck disable=SC2016 # The inner shell expands $1.
	(exec timeout 20 sh -c 'cat "$1" >/dev/null && echo enforce >"$1"' sh "$dir/mode") &
	feeder=$!
	run_trial log
	kill "$feeder" 2>/dev/null || true
	wait "$feeder" 2>/dev/null || true
	want="mode not in force: $dir/mode shows enforce, log was written$"
	judge "${ns_tests[19]}" 1 "container ctr1: $want"
	rm -f "$dir/mode" "$pdir/trial.mode"
}

# Leak checks of two error paths, when valgrind is there.  (Valgrind 3.19
# does not know pidfd_open(2), so the paths past it cannot be checked so.)
valgrind_tests=("valgrind: no leak on a refused policy name"
		"valgrind: no leak on a policy without rules"
		"valgrind: no leak on a bad mode file")

# vg_expect NAME ANNOTATIONS REGEX: under valgrind, the hook fails as it should.
vg_expect() {
	local vg=(valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=99)

	state $$ "$2"
	rc=0
	"${vg[@]}" "$vg_hook" --policy-dir="$pdir" --ima-dir="$ima" <"$tmp/state.json" \
		>"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
	judge "$1" 1 "^ima-ns-oci-hook: container ctr1: $3"
}

t_valgrind() {
	local t

	if ! command -v valgrind >/dev/null; then
		for t in "${valgrind_tests[@]}"; do
			skip "$t" "no valgrind"
		done
		return
	fi
	vg_expect "${valgrind_tests[0]}" "{\"$annotation\":\"../x\"}" \
		"annotation .*: bad policy name"
	vg_expect "${valgrind_tests[1]}" "{\"$annotation\":\"comments-only\"}" \
		"policy .* has no rules$"
	cp "$pdir/web.policy" "$pdir/vg.policy"
	printf 'permissive\n' >"$pdir/vg.mode"
	vg_expect "${valgrind_tests[2]}" "{\"$annotation\":\"vg\"}" "$pdir/vg.mode: bad mode "
}

# t_hooks_d: hooks.d/ima-ns.json, read as podman and CRI-O read it
# (oci-hooks(5)): the hook at createRuntime, run for every container that
# has the annotation, an empty value included, which the hook refuses.
t_hooks_d() {
	local t1="hooks.d: the installed hook at createRuntime"
	local t2="hooks.d: runs for the annotation with any value, empty too"
	local out

	if ! command -v python3 >/dev/null; then
		skip "$t1" "no python3"
		skip "$t2" "no python3"
		return
	fi
	out=$(python3 - "$here/../hooks.d/ima-ns.json" "$annotation" <<'PY' 2>&1
import json, re, sys
h = json.load(open(sys.argv[1]))
ok = (h["version"] == "1.0.0" and h["stages"] == ["createRuntime"] and
      h["hook"]["path"] == "/usr/libexec/ima-ns/ima-ns-oci-hook")
print("stage" if ok else "bad hook or stages: %s" % h)
(key, value), = h["when"]["annotations"].items()
runs = all(re.search(key, sys.argv[2]) and re.search(value, v)
           for v in ("", "web"))
print("values" if runs else "not run for %r=%r" % (key, value))
PY
	) || true
	if grep -qx stage <<<"$out"; then ok "$t1"; else not_ok "$t1" "$out"; fi
	if grep -qx values <<<"$out"; then ok "$t2"; else not_ok "$t2" "$out"; fi
}

# Keep in step with the ok, not_ok and skip calls of each t_ function.
plan=$((1 + 3 + 7 + 6 + 7 + 1 + 11 + 9 + 9 + 13 + 2 + ${#ns_tests[@]} +
	${#valgrind_tests[@]} + 2))
echo "TAP version 13"
echo "1..$plan"
t_help
t_usage
t_json
t_status
t_pid
t_pid_gone
t_annotation
t_policy_file
t_mode_file
t_owner
t_kernel
t_namespace
t_valgrind
t_hooks_d

if [ "$n" -ne "$plan" ]; then
	echo "# ran $n tests, planned $plan"
	exit 1
fi
if [ "$failed" -ne 0 ]; then
	echo "# $failed of $n tests failed"
	exit 1
fi
