#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host unit tests of ima-ns-oci-hook's input handling, against a fake IMA
# directory; prints TAP.  No IMA-namespaces kernel is needed.  The cases
# that need a process in a mount namespace of its own use unshare(1), and
# are skipped where it fails; the unreadable-policy case is skipped as root.
#
# Usage: run-tests.sh HOOK MNTNS_ID
#   HOOK      the ima-ns-oci-hook binary
#   MNTNS_ID  tests/mntns_id.c built: prints the mount namespace id of a pid
set -euo pipefail

hook=$(realpath "${1:?usage: run-tests.sh HOOK MNTNS_ID}")
mntns_id=$(realpath "${2:?usage: run-tests.sh HOOK MNTNS_ID}")
here=$(dirname "$(realpath "$0")")
annotation=org.kernel.ima.namespace.policy

tmp=$(mktemp -d)
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

# state PID [ANNOTATIONS]: write an OCI state to $tmp/state.json.
state() {
	local annotations=${2-}

	[ -n "$annotations" ] || annotations="{\"$annotation\":\"web\"}"
	printf '{"ociVersion":"1.0.2","id":"ctr1","status":"creating","pid":%s,%s}\n' \
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
			if [ "$(readlink "/proc/$nspid/ns/mnt")" != "$(readlink /proc/$$/ns/mnt)" ]; then
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
	if [ "$rc" -eq 0 ] && [ ! -s "$tmp/stderr" ] && grep -q '^usage: ima-ns-oci-hook ' "$tmp/stdout"; then
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

t_pid() {
	printf '{"id":"ctr1","annotations":{"%s":"web"}}' "$annotation" >"$tmp/in"
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

	printf '{"id":"ctr1","pid":%d}' $$ >"$tmp/in"
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
	with_state "policy with a NUL byte" $$ "{$a:\"nul\"}" "$pdir/nul.policy:3: NUL byte in rule$"
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
	"registration refused"
	"rule refused: names file, line and rule"
	"namespace directory missing"
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
	want="^ima-ns-oci-hook: container ctr1: registered mntns:$id \\(pid $nspid\\), loaded 4 rules"
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

	# /dev/full fails every write with ENOSPC.
	state "$nspid" ""
	mv "$ima/namespaces" "$ima/namespaces.file"
	ln -s /dev/full "$ima/namespaces"
	expect "${ns_tests[5]}" "container ctr1: cannot register mntns:$id: No space left on device$" \
		<"$tmp/state.json"
	rm "$ima/namespaces"
	mv "$ima/namespaces.file" "$ima/namespaces"
	rm "$ima/mntns:$id/policy"
	ln -s /dev/full "$ima/mntns:$id/policy"
	want="$pdir/web.policy:4: rule refused \\(No space left on device\\): "
	want+="appraise func=BPRM_CHECK appraise_type=imasig$"
	expect "${ns_tests[6]}" "container ctr1: $want" <"$tmp/state.json"
	rm -r "$ima/mntns:$id"
	want="cannot open $ima/mntns:$id/policy: mount namespace is gone$"
	expect "${ns_tests[7]}" "container ctr1: $want" <"$tmp/state.json"
}

# Leak checks of two error paths, when valgrind is there.  (Valgrind 3.19
# does not know pidfd_open(2), so the paths past it cannot be checked so.)
valgrind_tests=("valgrind: no leak on a refused policy name"
		"valgrind: no leak on a policy without rules")

# vg_expect NAME ANNOTATIONS REGEX: under valgrind, the hook fails as it should.
vg_expect() {
	local vg=(valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=99)

	state $$ "$2"
	rc=0
	"${vg[@]}" "$hook" --policy-dir="$pdir" --ima-dir="$ima" <"$tmp/state.json" \
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
	vg_expect "${valgrind_tests[0]}" "{\"$annotation\":\"../x\"}" "annotation .*: bad policy name"
	vg_expect "${valgrind_tests[1]}" "{\"$annotation\":\"comments-only\"}" "policy .* has no rules$"
}

# Keep in step with the ok, not_ok and skip calls of each t_ function.
plan=$((1 + 3 + 7 + 7 + 1 + 11 + 7 + 2 + ${#ns_tests[@]} + ${#valgrind_tests[@]}))
echo "TAP version 13"
echo "1..$plan"
t_help
t_usage
t_json
t_pid
t_pid_gone
t_annotation
t_policy_file
t_kernel
t_namespace
t_valgrind

if [ "$n" -ne "$plan" ]; then
	echo "# ran $n tests, planned $plan"
	exit 1
fi
if [ "$failed" -ne 0 ]; then
	echo "# $failed of $n tests failed"
	exit 1
fi
