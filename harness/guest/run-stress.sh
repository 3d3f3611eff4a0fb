#!/usr/bin/env bash
# Guest job of `make stress`: the kselftests (stress and fuzz counts from
# the kernel command line), then a kmemleak scan that must find nothing.
set -uo pipefail

here=$(dirname "$0")
rc=0
"$here/run-tests.sh" "$@" || rc=$?

echo "# imans-run: kmemleak"
echo "TAP version 13"
echo "1..1"
leaks=/sys/kernel/debug/kmemleak
if [ ! -w "$leaks" ]; then
	echo "ok 1 kmemleak # SKIP no $leaks (kernel without DEBUG_KMEMLEAK)"
	echo "# imans-result: kmemleak rc=0"
	exit "$rc"
fi
krc=0
# Objects freed through RCU need a grace period or two before a scan.
sleep 5
echo scan >"$leaks"
sleep 5
echo scan >"$leaks"
n=$(grep -c '^unreferenced object' "$leaks" || true)
echo "# STAT kmemleak_objects $n"
if [ "$n" = 0 ]; then
	echo "ok 1 kmemleak reports no leaked object"
else
	head -60 "$leaks" | sed 's/^/# /'
	echo "not ok 1 kmemleak reports $n leaked objects"
	krc=1
fi
echo "# imans-result: kmemleak rc=$krc"
[ "$krc" = 0 ] || rc=1
exit "$rc"
