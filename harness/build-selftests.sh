#!/usr/bin/env bash
# Build the kselftest targets (default: ima_ns) of TREE against the UAPI
# headers of OBJ, out of tree, and install them into DEST/<target>.
# Incremental: make rebuilds what changed; unchanged files keep mtimes.
# Fails on a compiler warning in what it rebuilds.
set -euo pipefail

tree=$(realpath "${1:?usage: build-selftests.sh TREE OBJ DEST}")
obj=$(realpath "${2:?}")
dest=${3:?}
targets=${SELFTEST_TARGETS:-ima_ns}
build=${SELFTEST_BUILD:-$(dirname "$obj")/kselftest-build}
mkdir -p "$dest" "$build"
dest=$(realpath "$dest")
build=$(realpath "$build")

make -s -C "$tree" O="$obj" HOSTCC=gcc headers >/dev/null

# Drop targets installed before but no longer asked for.
for d in "$dest"/*/; do
	t=$(basename "$d")
	[ -f "$d/kselftest-list.txt" ] && [[ " $targets " != *" $t "* ]] && rm -rf "$d"
done

for t in $targets; do
	src=$tree/tools/testing/selftests/$t
	if [ ! -f "$src/Makefile" ]; then
		echo "build-selftests: $src/Makefile missing; skipping $t" >&2
		rm -rf "${dest:?}/$t"
		continue
	fi
	mkdir -p "$build/$t"
	rm -rf "${build:?}/$t.install"
	# The target's own Makefile, not the top level's: that one reinstalls
	# the runner scripts on every run.
	# A compiler warning fails the build, as it would in series-check;
	# the objects go, so that the next run compiles and warns again.
	if ! make -s -C "$src" OUTPUT="$build/$t" \
		KHDR_INCLUDES="-isystem $obj/usr/include" \
		INSTALL_PATH="$build/$t.install" install >/dev/null 2>"$build/$t.err" ||
		grep -qE '^[^ :]+:[0-9]+(:[0-9]+)?: warning:|^cc1: warning:' \
			"$build/$t.err"; then
		cat "$build/$t.err" >&2
		echo "build-selftests: $t: the build failed or warned" >&2
		rm -rf "${build:?}/$t"
		exit 1
	fi
	# Which installed files are tests (not helpers), as the top level's
	# kselftest-list.txt has them: "<target>:<program>" lines.
	make -s -C "$src" OUTPUT="$build/$t" COLLECTION="$t" emit_tests \
		>"$build/$t.install/kselftest-list.txt"
	mkdir -p "$dest/$t"
	# By content and without -t: a file's mtime in DEST changes only
	# with its content, which keeps make-initramfs.sh incremental.
	rsync -rlp --checksum --delete "$build/$t.install/" "$dest/$t/"
	echo "build-selftests: $t: $(find "$dest/$t" -type f | wc -l) files in $dest/$t"
done
