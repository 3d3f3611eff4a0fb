#!/usr/bin/env bash
# Build the guest's base initramfs OUT (gzip'd newc cpio) without root:
# busybox, the real tools the tests use with their shared libraries, the
# installed kselftests at /kselftest, harness/guest/init as /init and the
# IMA test key of build/keys (IMA_TEST_KEYS=DIR) at /etc/keys.
# Rebuilds only when the file list or a listed file's mtime changed.
set -euo pipefail

kst=${1:?usage: make-initramfs.sh KSELFTEST_DIR OUT.cpio.gz}
out=${2:?}
here=$(dirname "$(realpath "$0")")
bins=(bash setfattr getfattr evmctl unshare nsenter mount umount setpriv
      keyctl openssl sha256sum timeout stat cmp od crun runc)
read -r -a extra <<<"${INITRAMFS_EXTRA_BINS:-}"   # more tools, space separated
bins+=("${extra[@]}")

gen=$("$here/build-gen-init-cpio.sh")
mkdir -p "$(dirname "$out")"
etc=$out.etc
mkdir -p "$etc"

# Write FILE only when its content changes, so its mtime stays put.
write_if_changed() {
	local tmp
	tmp=$(mktemp)
	cat >"$tmp"
	if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
	chmod 0644 "$1"
}
write_if_changed "$etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/bash
tester:x:1000:1000:tester:/home/tester:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
write_if_changed "$etc/group" <<'GROUP'
root:x:0:
tester:x:1000:
nogroup:x:65534:
GROUP

declare -A dirs=() taken=()
entries=()

add_parents() {
	local d
	d=$(dirname "$1")
	while [ "$d" != / ]; do
		dirs[$d]=1
		d=$(dirname "$d")
	done
}
add_dir() { add_parents "$1/x"; }
add_file() {   # NAME SOURCE MODE [UID GID]
	[ -z "${taken[$1]:-}" ] || return 0
	taken[$1]=1
	add_parents "$1"
	entries+=("file $1 $(realpath "$2") $3 ${4:-0} ${5:-0}")
}
add_link() {   # NAME TARGET
	[ -z "${taken[$1]:-}" ] || return 0
	taken[$1]=1
	add_parents "$1"
	entries+=("slink $1 $2 0777 0 0")
}
is_elf() { [ "$(head -c4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }
add_libs() {   # the shared libraries and loader an ELF file needs
	local lib
	is_elf "$1" || return 0
	if ldd "$1" 2>/dev/null | grep -q 'not found'; then
		echo "make-initramfs: $1 needs a library that is not installed:" >&2
		ldd "$1" | grep 'not found' >&2
		exit 1
	fi
	while IFS= read -r lib; do
		add_file "$lib" "$lib" 0755
	done < <(ldd "$1" 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }')
}

for b in "${bins[@]}"; do
	p=$(command -v "$b") || { echo "make-initramfs: $b not installed (make deps)" >&2; exit 1; }
	add_file "/usr/bin/$b" "$p" 0755
	add_libs "$p"
done
add_link /bin/bash /usr/bin/bash

bb=$(command -v busybox)
if ! is_elf "$bb" || ldd "$bb" >/dev/null 2>&1; then
	echo "make-initramfs: $bb is not static (install busybox-static)" >&2
	exit 1
fi
add_file /bin/busybox "$bb" 0755
while IFS= read -r applet; do
	add_link "/$applet" /bin/busybox
done < <("$bb" --list-full | grep -E '^(bin|sbin|usr/bin|usr/sbin)/')

add_file /init "$here/guest/init" 0755
# The second act of `make demo`, which guest/demo.sh sources.
add_file /usr/lib/imans/demo-containers.sh "$here/guest/demo-containers.sh" 0644
# The IMA test signing key (harness/make-test-keys.sh), when it was made:
# the guest's init loads the certificate, and tests sign with the key.
keys=${IMA_TEST_KEYS:-$here/../build/keys}
if [ -s "$keys/ima-test-x509.der" ] && [ -s "$keys/ima-test-priv.pem" ]; then
	for k in ima-test-x509.der ima-rogue-x509.der; do
		add_file "/etc/keys/$k" "$keys/$k" 0644
	done
	for k in ima-test-priv.pem ima-rogue-priv.pem; do
		add_file "/etc/keys/$k" "$keys/$k" 0600
	done
else
	echo "make-initramfs: no test keys in $keys (harness/make-test-keys.sh): the signature tests will skip" >&2
fi
# The ext4 image (harness/make-disk-image.sh) that init mounts on
# /mnt/disk: the image layer of the crun tests and the kselftests' ext4.
disk=${IMA_TEST_DISK:-$here/../build/disk/disk.ext4}
if [ -s "$disk" ]; then
	add_file /images/disk.ext4 "$disk" 0644
else
	echo "make-initramfs: no disk image at $disk (harness/make-disk-image.sh): the guest test job will refuse to run" >&2
fi
# The OCI hook (tools/ima_ns, make tools), where hooks.d says it is.
hook=${IMA_NS_HOOK:-$here/../build/tools/ima-ns-oci-hook}
if [ -x "$hook" ]; then
	add_file /usr/libexec/ima-ns/ima-ns-oci-hook "$hook" 0755
	add_libs "$hook"
else
	echo "make-initramfs: no OCI hook at $hook (make tools): the crun tests will fail" >&2
fi
add_file /etc/passwd "$etc/passwd" 0644
add_file /etc/group "$etc/group" 0644
for d in /proc /sys /dev /tmp /run /root /etc /mnt /mnt/disk /home/tester /kselftest /lib64; do
	add_dir "$d"
done

if [ -d "$kst" ]; then
	kst=$(realpath "$kst")
	while IFS= read -r -d '' f; do
		name=/kselftest/${f#"$kst"/}
		if [ -L "$f" ]; then
			add_link "$name" "$(readlink "$f")"
		elif [ -d "$f" ]; then
			add_dir "$name"
		elif [ -f "$f" ]; then
			add_file "$name" "$f" "$(stat -c %a "$f")"
			add_libs "$f"
		fi
	done < <(find "$kst" -mindepth 1 -print0 | sort -z)
else
	echo "make-initramfs: no kselftests at $kst; /kselftest stays empty" >&2
fi

list=$(mktemp)
trap 'rm -f "$list" "$out.tmp"' EXIT
{
	for d in "${!dirs[@]}"; do
		case $d in
		/tmp) echo "dir $d 1777 0 0" ;;
		/root) echo "dir $d 0700 0 0" ;;
		/home/tester) echo "dir $d 0755 1000 1000" ;;
		*) echo "dir $d 0755 0 0" ;;
		esac
	done | sort
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	printf '%s\n' "${entries[@]}"
} >"$list"

# The list names every input; add their mtimes and sizes for the stamp.
sum=$( { cat "$list"; stat -L -c '%Y %s' "$gen";
	 awk '$1 == "file" { print $3 }' "$list" | xargs -r stat -L -c '%Y %s %n'; } |
	sha256sum | cut -d' ' -f1)
if [ -f "$out" ] && [ "$(cat "$out.sum" 2>/dev/null)" = "$sum" ]; then
	echo "make-initramfs: $out is up to date ($(du -h "$out" | cut -f1))"
	exit 0
fi

"$gen" "$list" | gzip -6 -n >"$out.tmp"
mv "$out.tmp" "$out"
echo "$sum" >"$out.sum"
echo "make-initramfs: wrote $out ($(du -h "$out" | cut -f1), $(grep -c . "$list") entries)"
