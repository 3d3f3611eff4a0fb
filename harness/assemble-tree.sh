#!/usr/bin/env bash
# Assemble TREE from BASE: a git repository whose "base" commit is the
# pristine tree, with our new files symlinked in and every .patch applied.
set -euo pipefail

base=${1:?usage: assemble-tree.sh BASE TREE REPO}
tree=${2:?}
repo=$(realpath "${3:?}")
here=$(dirname "$(realpath "$0")")

git_tree() { git -C "$tree" -c core.quotepath=off "$@"; }

if [ -d "$tree/.git" ] && git_tree rev-parse -q --verify base >/dev/null &&
   [ "$(cat "$tree/.git/ima-ns-base" 2>/dev/null)" = "$base" ]; then
	# Refuse to throw away edits that were never refreshed.
	if [ -z "${FORCE:-}" ]; then
		stale=$("$here/find-unrefreshed.sh" "$tree" "$repo")
		if [ -n "$stale" ]; then
			echo "assemble-tree: edits in $tree are not in the repository:" >&2
			echo "$stale" | sed 's/^/  /' >&2
			echo "assemble-tree: run 'make refresh', or FORCE=1 to drop them" >&2
			exit 1
		fi
	fi
	git_tree reset -q --hard base
	git_tree clean -fdxq
else
	echo "assemble-tree: importing $base into $tree (once)"
	rm -rf "$tree"
	mkdir -p "$tree"
	tar -C "$base" --exclude=.git -cf - . | tar -C "$tree" -xf -
	git_tree init -q
	git_tree config user.name ima-ns-harness
	git_tree config user.email ima-ns-harness@localhost
	git_tree config core.autocrlf false
	git_tree config gc.auto 0
	# Ignore rules of the base must not hide base files from the commit.
	git_tree add -A -f .
	git_tree commit -q -m "base: $(make -s -C "$tree" kernelversion)"
	git_tree tag base
	echo "$base" >"$tree/.git/ima-ns-base"
fi

echo "assemble-tree: base is Linux $(make -s -C "$tree" kernelversion) from $base"

nnew=0
npatch=0
while read -r kind f; do
	case "$kind" in
	new)
		if git_tree cat-file -e "base:$f" 2>/dev/null; then
			echo "assemble-tree: $f exists upstream; store $f.patch instead" >&2
			exit 1
		fi
		mkdir -p "$tree/$(dirname "$f")"
		ln -sfn "$repo/$f" "$tree/$f"
		nnew=$((nnew + 1))
		;;
	patch)
		p=$repo/$f.patch
		touched=$(git_tree apply --numstat "$p" | cut -f3 | sort -u)
		if [ "$touched" != "$f" ]; then
			echo "assemble-tree: $f.patch must touch only $f (touches: $touched)" >&2
			exit 1
		fi
		if ! out=$(git_tree apply --verbose "$p" 2>&1); then
			echo "$out" | grep -E 'error|fail' >&2 || true
			echo "assemble-tree: $f.patch does not apply to this base" >&2
			exit 1
		fi
		npatch=$((npatch + 1))
		;;
	esac
done < <("$here/list-kernel-files.sh" "$repo")

echo "assemble-tree: $tree ready: $nnew new files linked, $npatch patches applied"
