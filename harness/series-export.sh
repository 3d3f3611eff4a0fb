#!/usr/bin/env bash
# Write branch "series" of TREE (see series-commit.sh) to OUT as git
# format-patch files against the tag "base", with a cover letter whose
# subject and blurb come from MANIFEST. OUT is emptied first.
set -euo pipefail

tree=$(realpath "${1:?usage: series-export.sh TREE MANIFEST OUT}")
manifest=${2:?}
out=${3:?}
here=$(dirname "$(realpath "$0")")

git_tree() { git -C "$tree" -c core.quotepath=off "$@"; }

mkdir -p "$out"
out=$(realpath "$out")
rm -f "$out"/*.patch
blurb=$(mktemp)
trap 'rm -f "$blurb"' EXIT

{
	"$here/series-manifest.sh" "$manifest" body 0
	echo
	echo "Based on Linux $(make -s -C "$tree" kernelversion)."
} >"$blurb"
# The cover letter is written and dated as the commits are.
export GIT_COMMITTER_NAME="IMA NS team" GIT_COMMITTER_EMAIL=ima-ns@localhost
GIT_COMMITTER_DATE=$(git_tree log -1 --format=%cI series)
export GIT_COMMITTER_DATE
git_tree format-patch -q --cover-letter --no-thread --no-signature \
	--subject-prefix=PATCH -o "$out" base..series

cover=("$out"/0000-cover-letter.patch)
subject=$("$here/series-manifest.sh" "$manifest" subject 0)
awk -v subject="$subject" -v blurb="$blurb" '
BEGIN { gsub(/&/, "\\\\&", subject) }
/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subject) }
/^\*\*\* BLURB HERE \*\*\*$/ {
	while ((getline line < blurb) > 0)
		print line
	next
}
{ print }' "${cover[0]}" >"${cover[0]}.new"
mv "${cover[0]}.new" "${cover[0]}"
echo "series: wrote $(ls "$out" | wc -l) files to $out:"
ls "$out" | sed 's/^/  /'
