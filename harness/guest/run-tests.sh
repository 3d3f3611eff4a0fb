#!/usr/bin/env bash
# Guest job of `make check`: run every kselftest program of
# /kselftest/ima_ns (those in its kselftest-list.txt, else every
# executable), each with its TAP on stdout, under the timeout of the
# directory's `settings` (default 45 s). Every program is framed by
# "# imans-run: NAME" and "# imans-result: NAME rc=N" lines for
# summarize-tap.sh. KUnit's results are read from the console by the host.
set -euo pipefail

dir=${1:-/kselftest/ima_ns}
limit=45
if [ -f "$dir/settings" ]; then
	t=$(sed -n 's/^timeout=\([0-9]*\).*/\1/p' "$dir/settings")
	limit=${t:-$limit}
fi
[ "$limit" != 0 ] || limit=3600

# Stress counts come from the kernel command line: imans.cycles=N etc.
for arg in $(cat /proc/cmdline); do
	case $arg in
	imans.cycles=*) export IMA_NS_CYCLES=${arg#*=} ;;
	imans.peak=*) export IMA_NS_PEAK=${arg#*=} ;;
	imans.fuzz=*) export IMA_NS_FUZZ_WRITES=${arg#*=} ;;
	imans.seed=*) export IMA_NS_FUZZ_SEED=${arg#*=} ;;
	esac
done

# The ext4 and overlayfs variants skip without the disk that init mounts
# on /mnt/disk; in a make check boot that must fail, not pass as skips.
if ! grep -q '^[^ ]* /mnt/disk ext4 ' /proc/mounts; then
	echo "run-tests: no ext4 file system on /mnt/disk (harness/make-disk-image.sh, guest init)" >&2
	exit 1
fi

progs=()
if [ -f "$dir/kselftest-list.txt" ]; then
	while IFS=: read -r _ prog; do
		progs+=("$prog")
	done <"$dir/kselftest-list.txt"
elif [ -d "$dir" ]; then
	for f in "$dir"/*; do
		if [ -f "$f" ] && [ -x "$f" ]; then progs+=("$(basename "$f")"); fi
	done
fi
echo "# imans: ${#progs[@]} kselftest programs in $dir, timeout ${limit}s each"

for prog in "${progs[@]}"; do
	echo "# imans-run: $prog"
	rc=0
	(cd "$dir" && timeout -k 5 "$limit" "./$prog") || rc=$?
	echo "# imans-result: $prog rc=$rc"
done
echo "# imans: kselftests done"
