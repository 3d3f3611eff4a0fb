# shellcheck shell=bash disable=SC2154 # $out: set by demo.sh's expect
# Second act of `make demo`, sourced by demo.sh, whose say, show, expect
# (its output in $out) and fail it uses: the same protection for OCI
# containers. crun starts them from the image layer of the ext4 disk
# (harness/make-disk-image.sh), and the createRuntime hook ima-ns-oci-hook
# (tools/ima_ns) loads the policy that the container's annotation names.
# The demo fails when the kernel does not behave as shown. demo.sh sets
# -euo pipefail.

ima=/sys/kernel/security/ima
layer=/mnt/disk/layer/rootfs
policies=/etc/ima-ns/policies
config=/kselftest/ima_ns/ima_ns_oci_config.sh
bundles=/tmp/containers
# --no-pivot: the guest's / is the initramfs, where pivot_root(2) is
# impossible. crun needs no cgroup manager for the demo.
crun="crun --cgroup-manager=disabled"

for f in /usr/bin/crun /usr/libexec/ima-ns/ima-ns-oci-hook "$config" "$layer/bin/busybox"; do
	[ -e "$f" ] || fail "no $f in the guest (make initramfs)"
done

# A bundle: a fresh overlay over the image layer as its rootfs, and a
# config.json asking for POLICY, with the process `sh -c SCRIPT`.
bundle() {   # NAME POLICY SCRIPT
	local b=$bundles/$1
	mkdir -p "$b/rootfs" "$b/up" "$b/wk"
	expect ok "mount -t overlay overlay \
-o lowerdir=$layer,upperdir=$b/up,workdir=$b/wk $b/rootfs"
	expect ok "$config -p $2 -a -v -n $1 -- sh -c '$3' >$b/config.json"
}

say "Act 2: containers. crun starts them from an image layer on ext4, each file hashed"
expect ok "ls $layer $layer/srv"
expect ok "getfattr -n security.ima -e hex $layer/srv/data.txt"

say "The operator's policy for web containers: what they read, run or map from overlayfs"
mkdir -p "$policies"
cat >"$policies/web.policy" <<EOF
# Containers' overlayfs roots (0x794c7630): reads, programs, mappings.
appraise func=FILE_CHECK mask=MAY_READ fsmagic=0x794c7630
appraise func=BPRM_CHECK fsmagic=0x794c7630
appraise func=MMAP_CHECK mask=MAY_EXEC fsmagic=0x794c7630
EOF
expect ok "cat $policies/web.policy"

say "A container asks for it with an annotation; the createRuntime hook loads it"
bundle web1 web 'cat /srv/data.txt; /usr/bin/app'
expect ok "grep -A 2 -e '\"annotations\"' -e '\"createRuntime\"' $bundles/web1/config.json"

say "It starts, reads an intact file of the image and runs its /usr/bin/app"
expect ok "$crun run --no-pivot -b $bundles/web1 web1" \
	'^ima-ns-oci-hook: container web1: registered mntns:[0-9]+ \(pid [0-9]+\), loaded 3 rules' \
	'^records of the image layer$' '^app: started$'

say "The host, which no namespace policy governs, tampers with the image layer"
expect ok "echo tampered >> $layer/srv/data.txt"

say "A new container of the image, a service that runs until stopped"
bundle web2 web 'exec sleep 3600 >/dev/null 2>&1'
expect ok "$crun run --no-pivot --detach -b $bundles/web2 web2"
expect ok "$crun exec web2 stat -L -c %i /proc/self/ns/mnt" '^[0-9]+$'
nsid=$out
expect ok "cat $ima/namespaces" "^$nsid mntns:[0-9]+\$"
mntid=$(sed -n "s/^$nsid mntns://p" <<<"$out")
expect ok "ls $ima/mntns:$mntid"

denied="^cat: can't open '/srv/data.txt': Permission denied\$"
say "In it, the tampered file no longer opens..."
expect fail "$crun exec web2 cat /srv/data.txt" "$denied"
say "...not even from a mount namespace unshared inside it..."
expect fail "$crun exec web2 unshare -m cat /srv/data.txt" "$denied"
say "...while intact programs still run"
expect ok "$crun exec web2 /usr/bin/app" '^app: started$'

say "The audit records of the denials name the container's mount namespace"
show "dmesg | grep 'type=1800' | grep 'name=\"/srv/data.txt\"'"
sleep 0.5
records=$(dmesg | grep 'type=1800' | grep 'name="/srv/data.txt"' || true)
[ -n "$records" ] && echo "$records"
want="op=appraise_data cause=invalid-hash comm=\"cat\" name=\"/srv/data.txt\" mnt_ns=$nsid "
[ "$(grep -cF "$want" <<<"$records")" = 2 ] || fail "want two records with $want"

say "The container is stopped; its policy goes with it"
expect ok "$crun delete --force web2"
for _ in $(seq 50); do
	[ -e "$ima/mntns:$mntid" ] || break
	sleep 0.1
done
expect fail "ls $ima/mntns:$mntid"
expect ok "cat $ima/namespaces; echo '(empty)'" '^\(empty\)$'
[ "$out" = "(empty)" ] || fail "ima/namespaces is not empty"

say "A policy with a rule the kernel refuses..."
printf 'appraise func=BPRM_CHECK fsmagic=0x794c7630\nappraise func=NOPE_CHECK\n' \
	>"$policies/bad.policy"
expect ok "cat $policies/bad.policy"
say "...makes the hook fail, and crun refuses to start the container"
bundle web3 bad 'echo ran > /ran'
expect fail "$crun run --no-pivot -b $bundles/web3 web3" \
	"^ima-ns-oci-hook: container web3: $policies/bad.policy:2: rule refused" \
	'^error executing hook'
say "Its program never ran: it would have written /ran"
expect fail "ls $bundles/web3/up/ran"
