#!/usr/bin/env bash
# Install the Debian packages that building, booting and testing need.
set -euo pipefail

pkgs=(
	linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev
	cpio xz-utils kmod ccache python3 perl git rsync
	qemu-system-x86 busybox-static swtpm
	attr ima-evm-utils keyutils util-linux openssl
	sparse python3-sphinx
	e2fsprogs crun runc pkg-config libjson-c-dev valgrind
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#pkgs[@]} packages present"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing ${missing[*]}; run 'make deps' as root" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
