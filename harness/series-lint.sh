#!/usr/bin/env bash
# checkpatch --strict on each PATCH of a series written by `make series`
# (NNNN-*.patch; the cover letter is skipped), run from TREE. Prints TAP,
# one test per patch, each finding after its test as a "# " line. A
# finding whose type an allow: line of MANIFEST accepts for that patch is
# shown with its reason and does not fail. Exit 1 on any other finding.
set -euo pipefail

tree=$(realpath "${1:?usage: series-lint.sh TREE MANIFEST PATCH...}")
manifest=${2:?}
shift 2
here=$(dirname "$(realpath "$0")")

patches=()
for p in "$@"; do
	case ${p##*/} in
	0000-cover-letter.patch) ;;
	[0-9][0-9][0-9][0-9]-*.patch) patches+=("$(realpath "$p")") ;;
	*) echo "series-lint: $p is not a format-patch file" >&2; exit 2 ;;
	esac
done

echo "TAP version 13"
echo "1..${#patches[@]}"
n=0
failed=0
for p in "${patches[@]}"; do
	n=$((n + 1))
	name=${p##*/}
	allows=$("$here/series-manifest.sh" "$manifest" allows "$((10#${name%%-*}))")
	# GIT_DIR: checkpatch must read the file as a patch, not look it up.
	out=$(cd "$tree" && GIT_DIR=/nonexistent ./scripts/checkpatch.pl --strict \
		--terse --show-types --no-summary --color=never "$p" 2>&1) || true
	bad=() ok=()
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		type=$(sed -nE 's/.*(ERROR|WARNING|CHECK):([A-Z0-9_]+):.*/\2/p' <<<"$line")
		reason=$(awk -F '\t' -v t="$type" '$1 == t { print $2; exit }' <<<"$allows")
		if [ -n "$type" ] && [ -n "$reason" ]; then
			ok+=("allowed: ${line#"$p":} ($reason)")
		else
			bad+=("${line#"$p":}")
		fi
	done <<<"$out"
	summary="${#bad[@]} findings, ${#ok[@]} allowed"
	if [ ${#bad[@]} = 0 ]; then
		echo "ok $n - checkpatch $name: $summary"
	else
		echo "not ok $n - checkpatch $name: $summary"
		failed=$((failed + 1))
	fi
	for line in ${bad[@]+"${bad[@]}"} ${ok[@]+"${ok[@]}"}; do
		echo "# $line"
	done
done
echo "# series-lint: $failed of $n patches have findings"
[ $failed = 0 ]
