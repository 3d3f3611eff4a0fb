#!/usr/bin/env bash
# Configure (tinyconfig plus fragments) and build a bzImage of TREE in OBJ.
set -euo pipefail

tree=$(realpath "${1:?usage: build-kernel.sh TREE OBJ FRAGMENT...}")
obj=${2:?}
shift 2
mkdir -p "$obj"
obj=$(realpath "$obj")
# One build per object directory at a time: make vm-run and friends all
# build the kernel first, and two makes in one O= corrupt each other.
exec 9>"$obj/.build.lock"
flock 9

jobs=${JOBS:-$(nproc)}
cc=gcc
if command -v ccache >/dev/null; then
	cc="ccache gcc"
	# Paths under the checkout are hashed relative, so a CI clone in
	# another folder reuses this machine's cache.
	export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$(dirname "$tree")")}
	export CCACHE_NOHASHDIR=1
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
fi
kmake() { make -s -C "$tree" O="$obj" CC="$cc" HOSTCC=gcc "$@"; }

# The CA that the fragments build into the system keyring.
"$(dirname "$(realpath "$0")")/install-test-ca.sh" "$obj"

# Reconfigure only when a fragment changed, so rebuilds stay incremental.
sum=$(cat "$@" | sha256sum | cut -c1-16)
if [ "$(cat "$obj/.fragments" 2>/dev/null)" != "$sum" ] || [ ! -f "$obj/.config" ]; then
	echo "build-kernel: configuring $obj from tinyconfig + $*"
	kmake tinyconfig >/dev/null
	KCONFIG_CONFIG="$obj/.config" "$tree/scripts/kconfig/merge_config.sh" \
		-m -O "$obj" "$obj/.config" "$@" >/dev/null
	kmake olddefconfig >/dev/null
	# Every option we ask for must survive Kconfig's dependency rules.
	missing=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			if ! grep -qxF "$line" "$obj/.config"; then
				echo "build-kernel: config did not take: $line" >&2
				missing=1
			fi ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }; opt=${opt%% *}
			if grep -q "^$opt=y" "$obj/.config"; then
				echo "build-kernel: config did not take: $line" >&2
				missing=1
			fi ;;
		esac
	done < <(cat "$@")
	[ "$missing" = 0 ] || exit 1
	echo "$sum" >"$obj/.fragments"
fi

start=$(date +%s)
kmake -j"$jobs" bzImage
echo "build-kernel: $(kmake kernelrelease) built in $(($(date +%s) - start)) s: $obj/arch/x86/boot/bzImage"
