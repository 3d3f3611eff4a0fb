#!/usr/bin/env bash
# Sort the findings on stdin, one a line, for patch N of MANIFEST: print
# "new<TAB>FINDING" or, when the KEY of one of the patch's allow: lines
# occurs in it, "allowed<TAB>FINDING (REASON)". A KEY in capitals and
# underscores is a checkpatch type and must stand whole, as ":TYPE:", so
# that BRACES does not allow UNNECESSARY_BRACES; any other KEY is text.
set -euo pipefail

manifest=${1:?usage: series-allow.sh MANIFEST N <FINDINGS}
n=${2:?}
here=$(dirname "$(realpath "$0")")

allows=$(mktemp)
trap 'rm -f "$allows"' EXIT
"$here/series-manifest.sh" "$manifest" allows "$n" >"$allows"

awk -F '\t' -v allows="$allows" '
BEGIN {
	while ((getline line < allows) > 0) {
		split(line, part, "\t")
		key[++n] = part[1]
		reason[n] = part[2]
	}
}
NF {
	for (i = 1; i <= n; i++)
		if (key[i] ~ /^[A-Z_]+$/ ? index($0, ":" key[i] ":") : index($0, key[i])) {
			print "allowed\t" $0 " (" reason[i] ")"
			next
		}
	print "new\t" $0
}'
