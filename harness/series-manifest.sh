#!/usr/bin/env bash
# Read the series manifest (harness/series.manifest) and print one field:
#   count          the number of patches
#   subject N      the subject of patch N; N=0 is the cover letter
#   body N         its body, one line per "|" line
#   files N        the paths of its files: lines, one a line
#   takes N        its take: lines as "PATH<TAB>START<TAB>UNTIL"
#   allows N       its allow: lines as "TYPE<TAB>REASON"
# Exit 1, naming the line, on a line the format does not know.
set -euo pipefail

manifest=${1:?usage: series-manifest.sh MANIFEST FIELD [N]}
field=${2:?}
n=${3:-0}

awk -v field="$field" -v n="$n" -v file="$manifest" '
function die(msg) {
	printf "%s:%d: %s\n", file, NR, msg > "/dev/stderr"
	bad = 1
	exit 1
}
function rest(line) {
	sub(/^[a-z]+:[ \t]*/, "", line)
	return line
}
function reason(line) {
	sub(/^allow:[ \t]*[^ \t]+[ \t]+/, "", line)
	return line
}
/^\|/ {
	if (cur < 0)
		die("text outside a cover: or patch: section")
	line = substr($0, 2)
	sub(/^ /, "", line)
	if (field == "body" && cur == n)
		print line
	next
}
/^[ \t]*(#|$)/ { next }
/^cover:/ { cur = 0; if (field == "subject" && n == 0) print rest($0); next }
/^patch:/ {
	cur = ++count
	if (field == "subject" && cur == n)
		print rest($0)
	next
}
cur < 1 && /^(files|take|allow):/ { die("a files:, take: or allow: line before the first patch:") }
/^files:/ {
	if (field == "files" && cur == n)
		for (i = 2; i <= NF; i++)
			print $i
	next
}
/^take:/ {
	if (NF < 3 || NF > 4)
		die("take: wants PATH START [UNTIL]")
	if (field == "takes" && cur == n)
		print $2 "\t" $3 "\t" (NF == 4 ? $4 : "")
	next
}
/^allow:/ {
	if (NF < 3)
		die("allow: wants TYPE REASON")
	if (field == "allows" && cur == n)
		print $2 "\t" reason($0)
	next
}
{ die("unknown line: " $0) }
BEGIN { cur = -1 }
END {
	if (!bad && field == "count")
		print count
}
' "$manifest"
