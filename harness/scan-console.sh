#!/usr/bin/env bash
# Exit 1 and print the offending lines if the kernel console LOG shows a
# splat: a panic, oops, warning, sanitizer, lockdep, RCU or kmemleak
# report. SCAN_BEFORE/SCAN_AFTER add context lines (default 0). Else exit 0.
set -euo pipefail

log=${1:?usage: scan-console.sh LOG}
before=${SCAN_BEFORE:-0}
after=${SCAN_AFTER:-0}

# The one list of what counts as a splat (extended regular expressions).
patterns=(
	'Kernel panic'
	'Oops'
	'WARNING:'
	'BUG:'
	'kernel BUG at'
	'KASAN'
	'UBSAN'
	'possible circular locking'
	'possible recursive locking'
	'inconsistent lock state'
	'suspicious RCU usage'
	'bad unlock balance'
	'INFO: rcu_'
	'rcu: INFO:'
	'self-detected stall'
	'INFO: task .* blocked for more than'
	'general protection fault'
	'unreferenced object'
	'sleeping function called from invalid context'
	'Call Trace:'
)

[ -f "$log" ] || { echo "scan-console: $log missing" >&2; exit 2; }
regex=$(IFS='|'; echo "${patterns[*]}")
if hits=$(tr -d '\r' <"$log" | grep -n -a -E -B "$before" -A "$after" -e "$regex"); then
	echo "scan-console: splat in $log:"
	echo "$hits"
	exit 1
fi
exit 0
