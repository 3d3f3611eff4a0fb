#!/usr/bin/env bash
# Print the path of the pristine base kernel tree, unpacking Debian's
# linux-source package the first time. KSRC=<dir> overrides the base.
set -euo pipefail

build=${1:?usage: get-base.sh BUILD_DIR}
pkg=${BASE_PKG:-linux-source-6.12}

if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] && [ -d "$KSRC/security/integrity/ima" ] || {
		echo "get-base: KSRC=$KSRC is not a kernel tree" >&2
		exit 1
	}
	realpath "$KSRC"
	exit 0
fi

tarball=/usr/src/$pkg.tar.xz
if [ ! -f "$tarball" ]; then
	echo "get-base: installing $pkg with apt" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >&2
fi

dest=$build/base
stamp=$dest/.$pkg.unpacked
if [ ! -f "$stamp" ] || [ "$stamp" -ot "$tarball" ]; then
	echo "get-base: unpacking $tarball" >&2
	rm -rf "${dest:?}/$pkg"
	mkdir -p "$dest"
	tar -C "$dest" -xf "$tarball"
	touch "$stamp"
fi
realpath "$dest/$pkg"
