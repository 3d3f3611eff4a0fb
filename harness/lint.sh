#!/usr/bin/env bash
# Lint the repository's kernel files and print TAP, one test per file and
# tool: checkpatch --strict on every new C/H/Makefile/Kconfig file and
# every .patch (checkpatch checks a diff's added lines), and kernel-doc
# -Wall on every new kernel .c/.h and every patched .c/.h, where only the
# warnings the patch adds count. Findings follow their test as "# " lines.
# Lints the repository, not TREE: TREE supplies the tools and the base.
# Exit 1 on any finding.
set -euo pipefail

tree=$(realpath "${1:?usage: lint.sh TREE REPO}")
repo=$(realpath "${2:?}")
here=$(dirname "$(realpath "$0")")
cd "$repo"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# GIT_DIR: checkpatch reads a lone git-tracked argument as a source file
# even without -f, so a .patch would be checked as text, not as a diff.
# --showfile names the patched file and line rather than the .patch's.
checkpatch() {
	GIT_DIR=/nonexistent "$tree/scripts/checkpatch.pl" --strict --no-tree \
		--terse --show-types --showfile --no-summary --color=never "$@"
}

# The --ignore option for the checkpatch types that are wrong for a file.
ignores() {
	case $1 in
	# Userspace tests. QUOTED_WHITESPACE_BEFORE_NEWLINE: expected strings
	# mirror the kernel's policy output, which ends each rule with " \n".
	# COMPLEX_MACRO: kselftest_harness.h's FIXTURE_VARIANT_ADD() makes a
	# declaration, which a wrapping macro cannot parenthesize.
	# STATIC_CONST_CHAR_ARRAY: the log matchers are built on the stack
	# from per-test buffers and edited per variant; they cannot be static.
	# BRACES: an ASSERT_*() or EXPECT_*() expands to two statements (its
	# check and an optional-handler for loop), so an if arm needs braces.
	tools/testing/selftests/*)
		echo --ignore=QUOTED_WHITESPACE_BEFORE_NEWLINE,COMPLEX_MACRO \
			--ignore=STATIC_CONST_CHAR_ARRAY,BRACES ;;
	esac
}

kdoc() {   # FILE: kernel-doc's warnings for FILE, one a line
	"$tree/scripts/kernel-doc" -Wall -none "$1" 2>&1
}

# Print the warnings of kernel-doc on the patched FILE that its base copy
# lacks, matching warnings by their text without the line number.
kdoc_added() {
	local f=$1
	mkdir -p "$tmp/base/${f%/*}" "$tmp/new/${f%/*}"
	# Called with set +e: stop at the first failing step.
	git -C "$tree" show "base:$f" >"$tmp/base/$f" &&
		cp "$tmp/base/$f" "$tmp/new/$f" &&
		GIT_CEILING_DIRECTORIES=$tmp git -C "$tmp/new" apply "$repo/$f.patch" ||
		return
	awk '{ key = $0; sub(/^[^:]*:[0-9]+: /, "", key) }
	FILENAME == ARGV[1] { seen[key]++; next }
	seen[key] > 0 { seen[key]--; next }
	{ print }' <(cd "$tmp/base" && kdoc "$f") <(cd "$tmp/new" && kdoc "$f")
}

tests=()
while read -r kind f; do
	case $kind:$f in
	new:*.[ch] | new:*/Makefile | new:*/Kconfig* | new:*/Kbuild)
		tests+=("checkpatch $f") ;;
	patch:*) tests+=("checkpatch $f.patch") ;;
	esac
	case $kind:$f in
	new:tools/*) ;;
	new:*.[ch]) tests+=("kernel-doc $f") ;;
	patch:*.[ch]) tests+=("kernel-doc $f.patch") ;;
	esac
done < <("$here/list-kernel-files.sh" "$repo")

echo "TAP version 13"
echo "1..${#tests[@]}"
stale=$("$here/find-unrefreshed.sh" "$tree" "$repo" | paste -sd ' ')
[ -z "$stale" ] || echo "# lint: $tree has edits not linted (make refresh): $stale"

n=0
failed=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	tool=${t%% *} f=${t#* }
	set +e
	case $tool:$f in
	checkpatch:*.patch) out=$(checkpatch $(ignores "${f%.patch}") "$f" 2>&1) ;;
	checkpatch:*) out=$(checkpatch $(ignores "$f") -f "$f" 2>&1) ;;
	kernel-doc:*.patch) out=$(kdoc_added "${f%.patch}" 2>&1) ;;
	kernel-doc:*) out=$(kdoc "$f") ;;
	esac
	rc=$?
	set -e
	if [ $rc = 0 ] && [ -z "$out" ]; then
		echo "ok $n - $t"
	else
		echo "not ok $n - $t"
		printf '%s\n' "${out:-$tool exited $rc and printed nothing}" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
done
echo "# lint: $failed of $n failed"
[ $failed = 0 ]
