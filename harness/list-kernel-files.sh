#!/usr/bin/env bash
# List the repository's kernel files, relative to the repository root:
# "new PATH" for files that stand at their in-tree path and "patch PATH"
# for unified diffs against the upstream file PATH.
set -euo pipefail

repo=${1:?usage: list-kernel-files.sh REPO}
cd "$repo"

# Tooling, CI and top-level project files are not kernel files; a
# top-level *.patch (MAINTAINERS.patch) is.
{ git ls-files; git ls-files --others --exclude-standard; } | sort -u |
while IFS= read -r f; do
	[ -e "$f" ] || continue
	case "$f" in
	harness/*|.ci/*) continue ;;
	*.patch) echo "patch ${f%.patch}" ;;
	*/*) echo "new $f" ;;
	esac
done
