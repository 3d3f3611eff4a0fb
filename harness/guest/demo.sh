#!/usr/bin/env bash
# Guest job of `make demo`: the 2017 README's scenario, replayed with a
# correct hash and a mutation made outside the policy, the policy tried in
# log mode before it is enforced, printed as a transcript, then the same
# with OCI containers (demo-containers.sh).
# Exits non-zero when the kernel does not behave as shown.
set -euo pipefail

ima=/sys/kernel/security/ima
sensitive=/tmp/foo
user=71452

say() { printf '\n# %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; }
fail() { printf '\nDEMO FAILED: %s\n' "$*"; exit 1; }

# Run a command as shown and print its output, kept in $out; fail unless it
# exits as WANT says (ok or fail) and its output matches every PATTERN.
expect() {   # WANT COMMAND [PATTERN...]
	local want=$1 cmd=$2 rc p
	shift 2
	show "$cmd"
	set +e
	out=$(bash -c "$cmd" 2>&1)
	rc=$?
	set -e
	[ -z "$out" ] || printf '%s\n' "$out"
	if [ "$want" = ok ] && [ "$rc" != 0 ]; then
		fail "'$cmd' exited $rc"
	elif [ "$want" = fail ] && [ "$rc" = 0 ]; then
		fail "'$cmd' succeeded"
	fi
	for p in "$@"; do
		grep -qE -- "$p" <<<"$out" || fail "'$cmd' did not print '$p'"
	done
}

echo 0 >/proc/sys/kernel/printk_ratelimit
[ -e "$ima/namespaces" ] || fail "no $ima/namespaces: kernel built without CONFIG_IMA_NS"
grep -qw 'ima_appraise=enforce_ns' /proc/cmdline || fail "not booted with ima_appraise=enforce_ns"

say "Kernel $(uname -r), booted with: $(cat /proc/cmdline)"

say "Some sensitive file, owned by uid $user"
expect ok "mkdir -p $(dirname $sensitive) && echo hello > $sensitive && chown $user $sensitive"

say "A container: a process in a new mount namespace"
show "unshare -m --propagation private sleep infinity &"
unshare -m --propagation private sleep infinity &
container=$!
sleep 0.2
nsid=$(readlink /proc/$container/ns/mnt | cut -c 6-15)
show "nsid=\$(readlink /proc/$container/ns/mnt | cut -c 6-15)   # $nsid"
in_ns="nsenter -t $container -m"

say "The host gives that namespace a policy of its own: appraise the file, audit and measure it"
expect ok "echo $nsid > $ima/namespaces"
expect ok "cat $ima/namespaces"
rules="appraise fsmagic=0x01021994 fowner=$user\nappraise func=MODULE_CHECK"
rules+="\naudit fsmagic=0x01021994 fowner=$user"
rules+="\nmeasure fsmagic=0x01021994 fowner=$user"
expect ok "printf '$rules\n' > $ima/$nsid/policy"
expect ok "cat $ima/$nsid/policy" "^audit fsmagic=0x1021994 fowner=$user"

say "The host tries the policy in log mode first: failures are audited, not denied"
expect ok "echo log > $ima/$nsid/mode"
expect ok "cat $ima/$nsid/mode" '^log$'

say "Hash the file correctly: type 0x04, algorithm 0x04 (sha256), digest"
expect ok "evmctl ima_hash -a sha256 $sensitive"
expect ok "getfattr -n security.ima -e hex $sensitive"

say "Inside the container the file opens"
expect ok "$in_ns cat $sensitive" '^hello$'

# kauditd prints records to the kernel log a moment later.
say "The audit rule logged the digest of the content it read, the one sha256sum prints"
expect ok "sha256sum $sensitive" '^[0-9a-f]{64}  '
sum=${out%% *}
sleep 0.5
expect ok "dmesg | grep 'type=1805'" \
	"file=\"$sensitive\" hash=\"sha256:$sum\" mnt_ns=$nsid mnt_ns_id=[0-9]+ "

say "The measure rule added an entry to the global list (and PCR 10), named <nsid>:<id>"
entry="^10 [0-9a-f]{40} ima-ns sha256:$sum $sensitive $nsid:[0-9]+\$"
expect ok "cat $ima/$nsid/ascii_runtime_measurements" "$entry"
say "The namespace's view gives the entry's index in the global list, where it is the same"
expect ok "cat $ima/$nsid/runtime_measurements_index" '^[0-9]+$'
expect ok "sed -n '$((out + 1))p' $ima/ascii_runtime_measurements" "$entry"

say "The host, which no namespace policy governs, changes the content"
expect ok "echo foo >> $sensitive"

say "In log mode the container still reads it..."
expect ok "$in_ns cat $sensitive" '^hello$' '^foo$'
say "...and the failure is audited, marked permissive=1"
sleep 0.5
expect ok "dmesg | grep 'permissive=1'" \
	"op=appraise_data cause=invalid-hash comm=\"cat\" name=\"$sensitive\" \
mnt_ns=$nsid mnt_ns_id=[0-9]+ dev=\"tmpfs\" ino=[0-9]+ permissive=1 res=0 errno=0\$"
say "Read again, the same content adds no record: each failing content is reported once"
expect ok "$in_ns cat $sensitive" '^foo$'
say "Each content was measured once: the view holds the first and the changed one"
expect ok "cut -d' ' -f4,6 $ima/$nsid/ascii_runtime_measurements" \
	"^sha256:$sum $nsid:" "^sha256:[0-9a-f]{64} $nsid:"
expect ok "wc -l < $ima/$nsid/ascii_runtime_measurements" '^2$'
sleep 0.5
expect ok "dmesg | grep -c 'permissive=1'" '^1$'

say "The host has seen what the policy would deny, and enforces it"
expect ok "echo enforce > $ima/$nsid/mode"
expect ok "cat $ima/$nsid/mode" '^enforce$'
say "Each change of mode is audited; suppressed= counts the repeat not reported"
sleep 0.5
expect ok "dmesg | grep 'op=ns_mode'" \
	"op=ns_mode cause=log comm=\"[^\"]+\" mnt_ns=$nsid mnt_ns_id=[0-9]+ suppressed=0 res=1" \
	"op=ns_mode cause=enforce comm=\"[^\"]+\" mnt_ns=$nsid mnt_ns_id=[0-9]+ suppressed=1 res=1"

denied='Permission denied$'
say "Inside the container the file no longer opens..."
expect fail "$in_ns cat $sensitive" "$denied"
say "...not even from a namespace unshared from the container's..."
expect fail "$in_ns unshare -m cat $sensitive" "$denied"
say "...while the host can still read it"
expect ok "cat $sensitive" '^foo$'

say "The audit records: the one of log mode, then the denials, ordinary ones without permissive=1"
sleep 0.5
expect ok "dmesg | grep 'type=1800' | grep 'mnt_ns=$nsid '" \
	"op=appraise_data cause=invalid-hash comm=\"cat\" name=\"$sensitive\" \
mnt_ns=$nsid dev=\"tmpfs\" ino=[0-9]+ res=0 errno=0\$"

say "The container ends; its policy directory goes with it"
kill "$container"
wait "$container" 2>/dev/null || true
sleep 0.2
expect fail "ls $ima/$nsid"
expect ok "cat $ima/namespaces; echo '(empty)'"

# The second act, with OCI containers (make-initramfs.sh puts it there).
act2=/usr/lib/imans/demo-containers.sh
[ -f "$act2" ] || fail "no $act2 in the initramfs (make initramfs)"
# shellcheck source=demo-containers.sh
. "$act2"

say "Demo complete"
