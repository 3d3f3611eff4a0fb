#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Attestation of namespace measurements against a TPM 2.0.
#
# Two "containers", mount namespaces that `unshare -m` made and a sleeper
# keeps alive, are registered, each with the policy
# "measure func=FILE_CHECK mask=MAY_READ fowner=<owner>", and read files of
# that owner from inside (nsenter -m): two of their own and one they share.
# The cases then check that the global list holds one `ima-ns` entry per
# file and namespace, tagged <nsid>:<id> of the namespace; that a verifier
# (evmctl ima_measurement) replaying the binary list reaches the TPM's
# SHA-1 and SHA-256 PCR 10, past those entries, and fails with a wrong
# PCR; that the boot_aggregate matches the TPM's PCRs 0-9; and that each
# namespace's view holds exactly its own lines of the global list, in
# binary form too. Prints KTAP; exits 4 (skip) without a TPM (no
# /sys/class/tpm/tpm0), evmctl or an ima_appraise=enforce_ns kernel.
set -euo pipefail
shopt -s inherit_errexit

KSFT_FAIL=1
KSFT_SKIP=4

ima=/sys/kernel/security/ima
tpm=/sys/class/tpm/tpm0
work=/tmp/ima_ns_attest.$$
# Owner of the measured files: no other test uses it.
owner=71470

tests=(entries_tagged_per_namespace boot_aggregate_matches_tpm
       replay_matches_tpm_pcrs replay_wrong_sha256_pcr_fails
       replay_wrong_sha1_pcr_fails view_is_own_global_lines
       binary_view_matches_ascii)

skip_all() {
	echo "TAP version 13"
	echo "1..0 # SKIP $*"
	exit "$KSFT_SKIP"
}

[ "$(id -u)" = 0 ] || skip_all "must run as root"
[ -d "$tpm" ] || skip_all "no TPM ($tpm)"
for t in evmctl unshare nsenter sha256sum od; do
	command -v "$t" >/dev/null || skip_all "$t is not installed"
done
[ -e "$ima/namespaces" ] || skip_all "kernel without IMA namespaces (CONFIG_IMA_NS)"
# The last ima_appraise= on the command line is the one in force.
[ "$(tr ' ' '\n' </proc/cmdline | sed -n 's/^ima_appraise=//p' | tail -n 1)" = enforce_ns ] ||
	skip_all "kernel not booted with ima_appraise=enforce_ns"

sleepers=()
cleanup() {
	local p
	set +e
	for p in "${sleepers[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work"
host_nsid=$(stat -L -c %i /proc/self/ns/mnt)

# ---- Setup, once for all cases: two containers and their reads. A
# failure is reported by every case.

declare -A pid nsid mntid files
setup_error=

# A mount namespace kept alive by a sleeper, registered, with the measure
# rule: sets pid, nsid and mntid of container C.
start_container() {   # C
	local p i n l
	unshare -m --propagation private sleep infinity &
	p=$!
	sleepers+=("$p")
	for ((i = 0; i < 100; i++)); do
		n=$(stat -L -c %i "/proc/$p/ns/mnt" 2>/dev/null) || n=
		[ -z "$n" ] || [ "$n" = "$host_nsid" ] || break
		sleep 0.05
	done
	if [ -z "$n" ] || [ "$n" = "$host_nsid" ]; then
		echo "$1: unshare -m did not start"
		return 1
	fi
	echo "$n" >"$ima/namespaces" || { echo "$1: cannot register $n"; return 1; }
	l=$(readlink "$ima/$n") || { echo "$1: no link $ima/$n"; return 1; }
	[[ $l =~ ^mntns:([0-9]+)$ ]] || { echo "$1: $ima/$n links to '$l'"; return 1; }
	echo "measure func=FILE_CHECK mask=MAY_READ fowner=$owner" >"$ima/$n/policy" ||
		{ echo "$1: the measure rule was refused"; return 1; }
	pid[$1]=$p
	nsid[$1]=$n
	mntid[$1]=${BASH_REMATCH[1]}
}

# A file of the owner, with content of its own: a namespace measures a
# content once.
make_file() {   # NAME
	printf 'ima_ns_attest_test %s %s %s\n' "$1" "$$" "$RANDOM" >"$work/$1"
	chown "$owner:$owner" "$work/$1"
}

setup() {
	local c f bank
	make_file shared
	for c in c1 c2; do
		start_container "$c" || return 1
		make_file "$c-a"
		make_file "$c-b"
		files[$c]="$c-a $c-b shared"
		# Twice: the second reads add no entry.
		for f in ${files[$c]} ${files[$c]}; do
			nsenter -m -t "${pid[$c]}" cat "$work/$f" >/dev/null ||
				{ echo "$c: cannot read $work/$f in the namespace"; return 1; }
		done
	done
	# The list as the cases see it, and the TPM's PCRs after it.
	cp "$ima/ascii_runtime_measurements" "$work/global.ascii"
	for bank in sha1 sha256; do
		pcr_file "$bank" >"$work/pcrs.$bank" ||
			{ echo "cannot read the $bank PCRs of $tpm"; return 1; }
	done
}

# The PCRs of a bank in the format of evmctl's --pcrs files: a line
# "PCR-NN: <hex>" for each of PCR 0 to 23. evmctl 1.4 takes the PCRs in
# order from PCR-00, and each digest from the line's eighth character on.
pcr_file() {   # BANK
	local i v
	for ((i = 0; i < 24; i++)); do
		v=$(cat "$tpm/pcr-$1/$i") || return 1
		printf 'PCR-%02d: %s\n' "$i" "$v"
	done
}

# ---- Helpers of the cases, which run in subshells under set -e.

fail() {
	printf '%s\n' "$*" | sed 's/^/# /'
	exit "$KSFT_FAIL"
}

expect_eq() {   # WHAT WANT GOT
	[ "$2" = "$3" ] || fail "$1: want '$2', got '$3'"
}

# The lines of the global list that container C's policy asked for.
ns_lines() {   # C
	awk -v k="${nsid[$1]}:${mntid[$1]}" '$3 == "ima-ns" && $NF == k' "$work/global.ascii"
}

# Run evmctl -v ima_measurement on the binary list with the PCR files
# SHA1 and SHA256, judging BANK (sha1 or sha256) alone, or with "both" the
# two; its output in $work/evmctl.out, its status in $rc. Judging both,
# evmctl 1.4 reports a match and exits 0 when the bank it compares last,
# SHA-256, matches, even if SHA-1 does not: --verify-bank judges one. The
# kernel extends a violation (an all-zero entry) as all ones, which evmctl
# replays only with --ignore-violations. evmctl knows no ima-ns template:
# it hashes the template data whole, as for any, and with -v says that
# the 16 bytes after the path (the mntns field) were not shown.
replay() {   # BANK|both SHA1 SHA256
	local args=()
	[ "$1" = both ] || args+=("--verify-bank=$1")
	if awk '$2 ~ /^0+$/ { found = 1 } END { exit !found }' "$work/global.ascii"; then
		echo "# the list holds violations: --ignore-violations"
		args+=(--ignore-violations)
	fi
	rc=0
	evmctl -v ima_measurement "${args[@]}" --pcrs "sha1,$2" --pcrs "sha256,$3" \
		"$ima/binary_runtime_measurements" >"$work/evmctl.out" 2>&1 || rc=$?
}

# A copy of PCR file FILE whose PCR 10 differs in its first digit.
wrong_pcr10() {   # FILE
	awk '/^PCR-10: / { d = substr($2, 1, 1); $2 = (d == "0" ? "1" : "0") substr($2, 2) } 1' "$1"
}

# The records of a binary measurement list as lines of the ascii list, for
# the templates of this test (ima-ng and ima-ns): the PCR, the template
# hash, the name, then each field: "<algo>:<hex digest>", the path, and
# for mntns "<nsid>:<id>", the little-endian u32 and u64 of the record.
binary_to_ascii() {   # FILE
	od -An -v -tx1 "$1" | awk '
	function val(p, n,    v, k) {   # little-endian number of n bytes at p
		v = 0
		for (k = n - 1; k >= 0; k--)
			v = v * 256 + index("0123456789abcdef", substr(b[p + k], 1, 1)) * 16 - 16 +
				index("0123456789abcdef", substr(b[p + k], 2, 1)) - 1
		return v
	}
	function hex(p, n,    s, k) { s = ""; for (k = 0; k < n; k++) s = s b[p + k]; return s }
	function str(p, n,    s, k) {   # chars up to a NUL or n bytes
		s = ""
		for (k = 0; k < n && b[p + k] != "00"; k++) s = s sprintf("%c", val(p + k, 1))
		return s
	}
	{ for (i = 1; i <= NF; i++) b[nb++] = $i }
	END {
		p = 0
		while (p < nb) {
			line = val(p, 4) " " hex(p + 4, 20)
			len = val(p + 24, 4)
			name = str(p + 28, len)
			p += 28 + len
			end = p + 4 + val(p, 4)
			p += 4
			line = line " " name
			for (f = 0; p < end; f++) {
				len = val(p, 4)
				p += 4
				if (f == 0) {   # d-ng: "<algo>:" NUL digest
					a = str(p, len)
					n = len - length(a) - 1
					line = line " " a hex(p + length(a) + 1, n)
				} else if (f == 1) {
					line = line " " str(p, len)
				} else if (len == 12) {
					line = line " " val(p, 4) ":" val(p + 4, 8)
				} else {
					line = line " " hex(p, len)
				}
				p += len
			}
			print line
		}
	}'
}

# ---- The cases.

# Each container's files have one ima-ns entry each, in PCR 10, with their
# SHA-256 and the container's <nsid>:<id>; nothing else is tagged so. The
# shared file has one entry per container: the tag tells them apart.
case_entries_tagged_per_namespace() {
	local c f want got
	[ "${nsid[c1]}:${mntid[c1]}" != "${nsid[c2]}:${mntid[c2]}" ] ||
		fail "both containers are ${nsid[c1]}:${mntid[c1]}"
	for c in c1 c2; do
		want=$(for f in ${files[$c]}; do
			echo "10 ima-ns sha256:$(sha256sum "$work/$f" | cut -d' ' -f1) $work/$f"
		done | sort)
		got=$(ns_lines "$c" | awk '{ print $1, $3, $4, $5 }' | sort)
		ns_lines "$c" | sed "s/^/# $c: /"
		expect_eq "the entries of $c (${nsid[$c]}:${mntid[$c]})" "$want" "$got"
	done
}

# The first entry, boot_aggregate, is what evmctl computes from the TPM's
# PCRs 0-9 in the bank of its algorithm, and not the zero digest that IMA
# records without a TPM.
case_boot_aggregate_matches_tpm() {
	local first algo want
	first=$(head -n 1 "$work/global.ascii")
	echo "# $first"
	[ "$(awk '{ print $5 }' <<<"$first")" = boot_aggregate ] ||
		fail "the first entry is not boot_aggregate"
	algo=$(awk '{ split($4, a, ":"); print a[1] }' <<<"$first")
	[[ ! $(awk '{ print $4 }' <<<"$first") =~ :0+$ ]] ||
		fail "boot_aggregate is zero: IMA did not use the TPM"
	want=$(evmctl ima_boot_aggregate --pcrs "sha1,$work/pcrs.sha1" \
		--pcrs "sha256,$work/pcrs.sha256" | grep "^$algo:") ||
		fail "evmctl ima_boot_aggregate gave no $algo value"
	expect_eq "boot_aggregate" "$want" "$(awk '{ print $4 }' <<<"$first")"
}

# evmctl replays the binary list to the TPM's PCR 10, in both banks
# together and in each alone, reaching it at an entry past the containers'
# last one: their entries are covered by the TPM.
case_replay_matches_tpm_pcrs() {
	local last judge bank at
	last=$(awk -v k1="${nsid[c1]}:${mntid[c1]}" -v k2="${nsid[c2]}:${mntid[c2]}" \
		'$3 == "ima-ns" && ($NF == k1 || $NF == k2) { n = NR } END { print n + 0 }' \
		"$work/global.ascii")
	[ "$last" -gt 0 ] || fail "no entry of the containers"
	for judge in both sha1 sha256; do
		replay "$judge" "$work/pcrs.sha1" "$work/pcrs.sha256"
		grep -E 'PCR-10: succeed|Matched|Failed' "$work/evmctl.out" |
			sed "s/^/# evmctl ($judge): /" || true
		expect_eq "evmctl's status ($judge)" 0 "$rc"
		grep -qx "Matched per TPM bank calculated digest(s)." "$work/evmctl.out" ||
			fail "evmctl did not report a match ($judge)"
		for bank in sha1 sha256; do
			[ "$judge" = both ] || [ "$judge" = "$bank" ] || continue
			at=$(sed -n "s/^$bank PCR-10: succeed at entry \([0-9]*\)$/\1/p" \
				"$work/evmctl.out" | head -n 1)
			[ -n "$at" ] || fail "evmctl did not match the $bank PCR 10 ($judge)"
			[ "$at" -ge "$last" ] ||
				fail "$bank PCR 10 matched at entry $at," \
					"before the containers' last, $last"
		done
	done
}

# A PCR 10 that the list does not lead to fails the replay of its bank.
replay_wrong() {   # BANK
	local sha1=$work/pcrs.sha1 sha256=$work/pcrs.sha256
	wrong_pcr10 "$work/pcrs.$1" >"$work/wrong.$1"
	! cmp -s "$work/wrong.$1" "$work/pcrs.$1" || fail "the wrong PCR file is right"
	if [ "$1" = sha1 ]; then sha1=$work/wrong.sha1; else sha256=$work/wrong.sha256; fi
	replay "$1" "$sha1" "$sha256"
	grep -E 'Matched|Failed' "$work/evmctl.out" | sed 's/^/# evmctl: /' || true
	[ "$rc" != 0 ] || fail "evmctl exited 0 with a wrong $1 PCR 10"
	grep -qx "Failed to match per TPM bank or SHA1 padded TPM digest(s)." \
		"$work/evmctl.out" || fail "evmctl did not report the mismatch"
}
case_replay_wrong_sha256_pcr_fails() { replay_wrong sha256; }
case_replay_wrong_sha1_pcr_fails() { replay_wrong sha1; }

# ima/<nsid>/ascii_runtime_measurements holds the global lines tagged with
# the namespace, and no other, in order; runtime_measurements_index gives
# their 0-based places in the global list.
case_view_is_own_global_lines() {
	local c i
	for c in c1 c2; do
		awk -v k="${nsid[$c]}:${mntid[$c]}" '$3 == "ima-ns" && $NF == k { print NR - 1 }' \
			"$work/global.ascii" >"$work/want.$c.index"
		cat "$ima/${nsid[$c]}/runtime_measurements_index" >"$work/$c.index"
		expect_eq "the index of $c" "$(cat "$work/want.$c.index")" "$(cat "$work/$c.index")"
		while read -r i; do
			sed -n "$((i + 1))p" "$work/global.ascii"
		done <"$work/$c.index" >"$work/want.$c.ascii"
		cat "$ima/${nsid[$c]}/ascii_runtime_measurements" >"$work/$c.ascii"
		cmp -s "$work/want.$c.ascii" "$work/$c.ascii" ||
			fail "the view of $c differs from its global lines:" \
				"$(diff "$work/want.$c.ascii" "$work/$c.ascii")"
		echo "# $c: $(wc -l <"$work/$c.index") entries at global" \
			"$(tr '\n' ' ' <"$work/$c.index")"
	done
}

# Decoded, the records of each binary view are its ascii lines: the
# template hash, digest, path and the mntns field's u32 nsid and u64 id.
case_binary_view_matches_ascii() {
	local c
	for c in c1 c2; do
		binary_to_ascii "$ima/${nsid[$c]}/binary_runtime_measurements" >"$work/$c.decoded"
		cat "$ima/${nsid[$c]}/ascii_runtime_measurements" >"$work/$c.ascii"
		[ -s "$work/$c.decoded" ] || fail "the binary view of $c is empty"
		cmp -s "$work/$c.decoded" "$work/$c.ascii" ||
			fail "the binary view of $c decodes to other lines:" \
				"$(diff "$work/$c.ascii" "$work/$c.decoded")"
	done
}

# ---- The runner.

echo "TAP version 13"
echo "1..${#tests[@]}"
set +e
setup >"$work/setup.err" 2>&1
setup_rc=$?
set -e
[ "$setup_rc" = 0 ] || setup_error="setup failed: $(tr '\n' ' ' <"$work/setup.err")"
for c in c1 c2; do
	[ -z "${nsid[$c]:-}" ] || echo "# $c: pid ${pid[$c]}, ${nsid[$c]} -> mntns:${mntid[$c]}"
done
n=0
failed=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	set +e
	(
		set -eE
		trap 'echo "# line $LINENO: failed: $BASH_COMMAND"' ERR
		[ -z "$setup_error" ] || fail "$setup_error"
		"case_$t"
	)
	case_rc=$?
	set -e
	if [ "$case_rc" = 0 ]; then
		echo "ok $n - $t"
	else
		failed=$((failed + 1))
		echo "not ok $n - $t"
	fi
done
echo "# Totals: pass:$((n - failed)) fail:$failed xfail:0 xpass:0 skip:0 error:0"
[ "$failed" = 0 ] || exit "$KSFT_FAIL"
