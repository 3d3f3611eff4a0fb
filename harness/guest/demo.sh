#!/usr/bin/env bash
# Guest job of `make demo`: the 2017 README's scenario, replayed with a
# correct hash and a mutation made outside the policy, printed as a
# transcript, then the same with OCI containers (demo-containers.sh).
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

say "The host gives that namespace a policy of its own"
expect ok "echo $nsid > $ima/namespaces"
expect ok "cat $ima/namespaces"
expect ok "printf 'appraise fsmagic=0x01021994 fowner=$user\nappraise func=MODULE_CHECK\n' > $ima/$nsid/policy"
expect ok "cat $ima/$nsid/policy"

say "Hash the file correctly: type 0x04, algorithm 0x04 (sha256), digest"
expect ok "evmctl ima_hash -a sha256 $sensitive"
expect ok "getfattr -n security.ima -e hex $sensitive"

say "Inside the container the file opens"
expect ok "$in_ns cat $sensitive"

say "The host, which no namespace policy governs, changes the content"
expect ok "echo foo >> $sensitive"

say "Inside the container it no longer opens..."
expect fail "$in_ns cat $sensitive"
say "...not even from a namespace unshared from the container's..."
expect fail "$in_ns unshare -m cat $sensitive"
say "...while the host can still read it"
expect ok "cat $sensitive"

say "The audit record of the denial"
show "dmesg | grep 'type=1800' | grep 'mnt_ns=$nsid'"
sleep 0.5
records=$(dmesg | grep 'type=1800' | grep "mnt_ns=$nsid " || true)
[ -n "$records" ] || fail "no type=1800 record with mnt_ns=$nsid"
echo "$records"
grep -q 'op=appraise_data cause=invalid-hash' <<<"$records" ||
	fail "the record does not say op=appraise_data cause=invalid-hash"

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
