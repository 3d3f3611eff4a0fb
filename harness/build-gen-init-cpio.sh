#!/usr/bin/env bash
# Compile the kernel's usr/gen_init_cpio.c into the build directory (when
# missing or stale) and print the path of the binary.
set -euo pipefail

here=$(dirname "$(realpath "$0")")
build=${BUILD_DIR:-$here/../build}
src=${GEN_INIT_CPIO_SRC:-$build/linux/usr/gen_init_cpio.c}
bin=$build/gen_init_cpio

[ -f "$src" ] || { echo "gen_init_cpio: $src missing; run 'make tree'" >&2; exit 1; }
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
	mkdir -p "$build"
	gcc -O2 -o "$bin.tmp" "$src"
	mv "$bin.tmp" "$bin"
fi
realpath "$bin"
