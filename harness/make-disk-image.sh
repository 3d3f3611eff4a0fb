#!/usr/bin/env bash
# Make the guest's ext4 image OUT without root: mkfs.ext4 -d copies a
# staging tree in, and debugfs writes each regular file's security.ima
# (type 0x04, algorithm 0x04 = sha256, digest) and owner into the image.
#
# The image holds /layer, a container image layer: a busybox root with a
# few hashed files (the lower layer of the crun tests' overlayfs), and the
# free space the kselftests' ext4 variants use. The guest's init mounts
# it on /mnt/disk through a loop device. Rebuilt only when an input
# changed.
set -euo pipefail

out=${1:?usage: make-disk-image.sh OUT.ext4}
size_mib=${DISK_IMAGE_MIB:-48}
here=$(dirname "$(realpath "$0")")
export PATH=$PATH:/usr/sbin:/sbin
for t in mkfs.ext4 debugfs e2fsck busybox openssl; do
	command -v "$t" >/dev/null ||
		{ echo "make-disk-image: $t not installed (make deps)" >&2; exit 1; }
done
bb=$(command -v busybox)

sum=$( { cat "$0"; stat -L -c '%Y %s' "$bb"; echo "$size_mib"; } |
	sha256sum | cut -c1-16)
if [ -s "$out" ] && [ "$(cat "$out.sum" 2>/dev/null)" = "$sum" ]; then
	echo "make-disk-image: $out is up to date"
	exit 0
fi

mkdir -p "$(dirname "$out")"
stage=$(mktemp -d "$out.stage.XXXXXX")
vals=$(mktemp -d "$out.values.XXXXXX")
cmds=$(mktemp "$out.debugfs.XXXXXX")
trap 'rm -rf "$stage" "$vals" "$cmds" "$out.tmp"' EXIT

# The layer: what `crun run` finds in its rootfs before the overlay.
root=$stage/layer/rootfs
mkdir -p "$root"/{bin,etc,usr/bin,srv,proc,sys,dev,tmp,run,root}
cp "$bb" "$root/bin/busybox"
for a in sh cat echo ls head sleep true false unshare mount id \
	 wc grep stat cp mv rm dd sync; do
	ln -s busybox "$root/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'listen=0.0.0.0:8080\nworkers=4\n' >"$root/etc/app.conf"
printf 'records of the image layer\n' >"$root/srv/data.txt"
printf 'reports of the image layer\n' >"$root/srv/report.txt"
printf '#!/bin/sh\necho "app: started"\n' >"$root/usr/bin/app"
chmod 0755 "$root/usr/bin/app"
# Room for the kselftests' ext4 variants, which make their files here.
mkdir -p "$stage/tests"

rm -f "$out.tmp"
truncate -s "${size_mib}M" "$out.tmp"
mkfs.ext4 -q -F -L imans-disk -b 4096 -I 256 -E root_owner=0:0 \
	-d "$stage" "$out.tmp"

# Every file of the image belongs to root, whoever built it, and every
# regular file of the layer carries its sha256 in security.ima.
while IFS= read -r -d '' f; do
	rel=/${f#"$stage"/}
	printf 'set_inode_field %s uid 0\nset_inode_field %s gid 0\n' "$rel" "$rel"
done < <(find "$stage" -mindepth 1 -print0) >"$cmds"
n=0
while IFS= read -r -d '' f; do
	n=$((n + 1))
	{ printf '\x04\x04'; openssl dgst -sha256 -binary "$f"; } >"$vals/$n"
	printf 'ea_set -f %s %s security.ima\n' "$vals/$n" "/${f#"$stage"/}"
done < <(find "$root" -type f -print0) >>"$cmds"
# debugfs exits 0 whatever a command did: any message is a failure.
errs=$(debugfs -w -f "$cmds" "$out.tmp" 2>&1 >/dev/null | grep -v '^debugfs [0-9]' || true)
if [ -n "$errs" ]; then
	echo "make-disk-image: debugfs failed:" >&2
	echo "$errs" >&2
	exit 1
fi
e2fsck -fn "$out.tmp" >/dev/null
mv "$out.tmp" "$out"
echo "$sum" >"$out.sum"
echo "make-disk-image: wrote $out (${size_mib} MiB, $n hashed files)"
