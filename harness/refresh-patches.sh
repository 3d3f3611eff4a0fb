#!/usr/bin/env bash
# Write the edits made in the assembled TREE back into the repository:
# one <path>.patch per changed upstream file, and new files moved into
# the repository and replaced by symlinks.
set -euo pipefail

tree=${1:?usage: refresh-patches.sh TREE REPO}
repo=$(realpath "${2:?}")
here=$(dirname "$(realpath "$0")")

git_tree() { git -C "$tree" -c core.quotepath=off "$@"; }
git_tree rev-parse -q --verify base >/dev/null || {
	echo "refresh: $tree has no base commit; run 'make tree' first" >&2
	exit 1
}

changed=0
while IFS= read -r f; do
	p=$repo/$f.patch
	mkdir -p "$(dirname "$p")"
	tmp=$(mktemp)
	git_tree diff --no-color --no-ext-diff base -- "$f" >"$tmp"
	if cmp -s "$tmp" "$p"; then
		# Up to date: mark it refreshed, for tools that compare mtimes.
		rm -f "$tmp"
		touch "$p"
	else
		mv "$tmp" "$p"
		echo "refresh: wrote $f.patch"
		changed=$((changed + 1))
	fi
done < <(git_tree diff --name-only base --)

# Files created in the tree: untracked and not ignored.  Debian's
# top-level .gitignore ignores every path ("/*"), so a path that only
# that rule ignores counts too, but for the rst files that the docs build
# writes beside the netlink specs.
created_files() {
	git_tree ls-files --others --exclude-standard
	git_tree ls-files --others --ignored --exclude-standard |
		git_tree check-ignore --verbose --stdin |
		awk -F '\t' '$1 ~ /^\.gitignore:[0-9]+:\/\*$/ &&
			$2 !~ /^Documentation\/networking\/netlink_spec\// { print $2 }'
}

# Files created in the tree become new files of the repository.
while IFS= read -r f; do
	[ -L "$tree/$f" ] && continue
	mkdir -p "$repo/$(dirname "$f")"
	mv "$tree/$f" "$repo/$f"
	ln -s "$repo/$f" "$tree/$f"
	echo "refresh: moved new file $f into the repository"
	changed=$((changed + 1))
done < <(created_files)

# A patch whose file is back to pristine is dropped.
while read -r kind f; do
	[ "$kind" = patch ] || continue
	if git_tree diff --quiet base -- "$f"; then
		rm -f "$repo/$f.patch"
		echo "refresh: removed $f.patch (file is pristine again)"
		changed=$((changed + 1))
	fi
done < <("$here/list-kernel-files.sh" "$repo")

echo "refresh: $changed file(s) changed in the repository"
