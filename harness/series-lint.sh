#!/usr/bin/env bash
# checkpatch --strict on each PATCH of a series written by `make series`
# (NNNN-*.patch; the cover letter is skipped), run from TREE. Prints TAP,
# one test per patch, each finding after its test as a "# " line. A
# finding whose type an allow: line of MANIFEST accepts for that patch is
# shown with its reason and does not fail (series-allow.sh). Exit 1 on
# any other finding.
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
	# GIT_DIR: checkpatch must read the file as a patch, not look it up.
	out=$(cd "$tree" && GIT_DIR=/nonexistent ./scripts/checkpatch.pl --strict \
		--terse --show-types --no-summary --color=never "$p" 2>&1) || true
	sorted=$("$here/series-allow.sh" "$manifest" "$((10#${name%%-*}))" \
		<<<"${out//"$p":/}")
	bad=() ok=()
	while IFS=$'\t' read -r verdict line; do
		case $verdict in
		new) bad+=("$line") ;;
		allowed) ok+=("allowed: $line") ;;
		esac
	done <<<"$sorted"
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
