#!/usr/bin/env bash
# Print the files of the assembled TREE whose edits differ from the
# repository's .patch files or new files, one per line.
set -euo pipefail

tree=${1:?usage: find-unrefreshed.sh TREE REPO}
repo=${2:?}

git_tree() { git -C "$tree" -c core.quotepath=off "$@"; }

git_tree diff --name-only base -- | while IFS= read -r f; do
	if [ ! -f "$repo/$f.patch" ] ||
	   ! cmp -s <(git_tree diff --no-color --no-ext-diff base -- "$f") "$repo/$f.patch"; then
		echo "$f"
	fi
done
git_tree ls-files --others --exclude-standard | while IFS= read -r f; do
	[ -L "$tree/$f" ] || echo "$f"
done
