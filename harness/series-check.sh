#!/usr/bin/env bash
# Check a series written by `make series` the way a maintainer would: git
# am its patches onto the tag "base" of TREE, one at a time, and after each
# one: checkpatch --strict on the patch (series-lint.sh), kernel-doc -Wall
# on its changed C files and headers, a vmlinux build of tinyconfig plus
# FRAGMENTs in OBJ, and W=1 and sparse (C=2) on the objects the series has
# touched so far. Every finding is compared with the base, so only new ones
# count. OBJ starts empty: the base build is the reference. Exit 1 if a
# patch does not apply or build, or on any new finding.
set -euo pipefail
shopt -s inherit_errexit   # a failing helper inside $(...) stops the check

tree=$(realpath "${1:?usage: series-check.sh TREE OBJ MANIFEST SERIES_DIR FRAGMENT...}")
obj=${2:?}
manifest=$(realpath "${3:?}")
series=$(realpath "${4:?}")
shift 4
fragments=()
for f in "$@"; do
	fragments+=("$(realpath "$f")")
done
here=$(dirname "$(realpath "$0")")

patches=()
for p in "$series"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ -f "$p" ] && [ "${p##*/}" != 0000-cover-letter.patch ] && patches+=("$p")
done
[ ${#patches[@]} -gt 0 ] || {
	echo "series-check: no series in $series; run make series" >&2
	exit 1
}

git_tree() { git -C "$tree" -c core.quotepath=off "$@"; }
git_tree rev-parse -q --verify base >/dev/null || {
	echo "series-check: $tree has no base tag; run make series" >&2
	exit 1
}

jobs=${JOBS:-$(nproc)}
cc=gcc
if command -v ccache >/dev/null; then
	cc="ccache gcc"
	export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$tree}
	export CCACHE_NOHASHDIR=1
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
fi
rm -rf "$obj"
mkdir -p "$obj"
obj=$(realpath "$obj")
log=$obj/series-check
mkdir -p "$log"
kmake() { make -s -C "$tree" O="$obj" CC="$cc" HOSTCC=gcc "$@"; }

t0=$(date +%s)
elapsed() { echo "$(($(date +%s) - $1))s"; }

# Warnings of a build log, one a line, without line and column numbers, so
# that they survive code moving around.
warnings() {
	sed -nE 's#^(\.\./)*([^: ]+):[0-9]+(:[0-9]+)?: (warning|error): #\2: \4: #p' "$@" |
		sed "s#$tree/##g"
}

# Print the lines of NEW that OLD lacks, counting repeats.
added() {   # OLD NEW
	awk 'FILENAME == ARGV[1] { seen[$0]++; next }
	seen[$0] > 0 { seen[$0]--; next }
	{ print }' "$1" "$2"
}

# tinyconfig plus the fragments. An option the fragments ask for must
# take, unless no Kconfig file of this patch declares it yet.
configure() {
	local line opt missing=0
	"$here/install-test-ca.sh" "$obj"
	kmake tinyconfig >/dev/null
	KCONFIG_CONFIG="$obj/.config" "$tree/scripts/kconfig/merge_config.sh" \
		-m -O "$obj" "$obj/.config" "${fragments[@]}" >/dev/null
	kmake olddefconfig >/dev/null
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) opt=${line%%=*} ;;
		*) continue ;;
		esac
		grep -qxF "$line" "$obj/.config" && continue
		if git_tree grep -qE "^[[:space:]]*(menu)?config[[:space:]]+${opt#CONFIG_}\$" \
			-- '*Kconfig*'; then
			echo "series-check: config did not take: $line" >&2
			missing=1
		fi
	done < <(cat "${fragments[@]}")
	return $missing
}

# Build vmlinux; write its warnings to FILE.
build() {   # FILE
	local rc=0
	kmake -j"$jobs" vmlinux >"$log/build.out" 2>&1 || rc=$?
	warnings "$log/build.out" >"$1"
	[ $rc = 0 ] || tail -40 "$log/build.out" >&2
	return $rc
}

# W=1 and sparse on those of the series' objects that exist and that this
# config builds; write the compiler's warnings to FILE.w1 and sparse's to
# FILE.sparse.
# GCC names the option of each warning ("[-Wfoo]"); sparse does not.
extra_checks() {   # FILE SOURCE...
	local out=$1 objs=() src
	shift
	for src in "$@"; do
		[ -f "$obj/${src%.c}.o" ] && objs+=("${src%.c}.o")
	done
	: >"$out.w1"
	: >"$out.sparse"
	[ ${#objs[@]} -gt 0 ] || return 0
	kmake -j"$jobs" W=1 C=2 "${objs[@]}" >"$log/extra.out" 2>&1 ||
		{ tail -40 "$log/extra.out" >&2; return 1; }
	warnings "$log/extra.out" | grep -E '\[-W[^]]+\]$' >"$out.w1" || true
	warnings "$log/extra.out" | grep -vE '\[-W[^]]+\]$' >"$out.sparse" || true
}

# kernel-doc -Wall's warnings for FILE at REV, without line numbers.
kdoc() {   # REV FILE
	local d
	d=$(mktemp -d)
	mkdir -p "$d/$(dirname "$2")"
	if git_tree show "$1:$2" >"$d/$2" 2>/dev/null; then
		(cd "$d" && "$tree/scripts/kernel-doc" -Wall -none "$2" 2>&1) |
			sed -E 's/^([^:]+):[0-9]+: /\1: /' || true
	fi
	rm -rf "$d"
}

# Show the findings in FILE under LABEL, each as new or as allowed by
# patch I's allow: lines; print how many are new.
judge() {   # LABEL FILE I
	"$here/series-allow.sh" "$manifest" "$3" <"$2" >"$log/judged"
	sed -E "s/^new\t/  $1: /; s/^allowed\t/  $1: allowed: /" "$log/judged" >&2
	grep '^allowed' "$log/judged" >>"$log/allowed" || true
	grep -c '^new' "$log/judged" || true
}

# Compile the kselftest target DIR against OBJ's UAPI headers; print the
# compiler's warnings.
selftest_build() {   # DIR
	local d
	d=$(mktemp -d)
	kmake headers >/dev/null
	make -s -C "$tree/$1" OUTPUT="$d" CC=gcc \
		KHDR_INCLUDES="-isystem $obj/usr/include" >"$log/selftest.out" 2>&1 ||
		{ tail -40 "$log/selftest.out" >&2; rm -rf "$d"; return 1; }
	rm -rf "$d"
	warnings "$log/selftest.out"
}

# Sources of the kernel objects the whole series touches.
mapfile -t sources < <(sed -n 's#^diff --git a/\(.*\.c\) b/.*#\1#p' "${patches[@]}" |
	grep -v '^tools/' | sort -u)

echo "series-check: ${#patches[@]} patches from $series onto base $(make -s -C "$tree" kernelversion)"
git_tree checkout -q -f --detach base
git_tree clean -fdxq
git_tree branch -q -f series-check base
git_tree checkout -q series-check

start=$(date +%s)
configure
build "$log/base.build"
extra_checks "$log/base" "${sources[@]}"
: >"$log/allowed"
cp "$log/base.build" "$log/seen.build"
cp "$log/base.w1" "$log/prev.w1"
cp "$log/base.sparse" "$log/prev.sparse"
echo "series-check: base: built in $(elapsed "$start"); $(wc -l <"$log/base.build") build," \
	"$(wc -l <"$log/base.w1") W=1 and $(wc -l <"$log/base.sparse") sparse warnings before the series"

fail=0
total_cp=0 total_kdoc=0 total_build=0 total_w1=0 total_sparse=0 total_st=0
i=0
for p in "${patches[@]}"; do
	i=$((i + 1))
	start=$(date +%s)
	name=${p##*/}
	echo
	echo "== $i/${#patches[@]} $name"
	if ! git_tree am -q --whitespace=error "$p"; then
		echo "series-check: $name does not apply" >&2
		git_tree am --abort || true
		exit 1
	fi
	mapfile -t changed < <(git_tree diff --name-only HEAD~1 HEAD)

	rc=0
	"$here/series-lint.sh" "$tree" "$manifest" "$p" >"$log/lint.tap" || rc=$?
	grep -v '^TAP\|^1\.\.\|^# series-lint' "$log/lint.tap" | sed 's/^/  /'
	n_cp=$(sed -nE 's/^(not )?ok .*: ([0-9]+) findings.*/\2/p' "$log/lint.tap")
	# Exit 1 means findings; anything else, or no count, a broken lint.
	[ "$rc" -le 1 ] && [ -n "$n_cp" ] ||
		{ echo "series-check: series-lint.sh failed ($rc)" >&2; exit 1; }
	grep '^# allowed' "$log/lint.tap" >>"$log/allowed" || true

	: >"$log/kdoc.new"
	for f in "${changed[@]}"; do
		case $f in
		tools/*) continue ;;
		*.[ch]) ;;
		*) continue ;;
		esac
		added <(kdoc HEAD~1 "$f") <(kdoc HEAD "$f") >>"$log/kdoc.new"
	done

	if printf '%s\n' "${changed[@]}" | grep -q 'Kconfig'; then
		configure || { fail=1; echo "  config: FAILED"; }
	fi
	if ! build "$log/$i.build"; then
		echo "series-check: $name does not build" >&2
		exit 1
	fi
	# Incremental: a warning counts when no earlier build printed it.
	sort -u "$log/seen.build" >"$log/seen.sorted"
	sort -u "$log/$i.build" | comm -13 "$log/seen.sorted" - >"$log/build.new"
	cat "$log/$i.build" >>"$log/seen.build"
	# The same objects each time: a warning counts when the previous
	# patch did not have it.
	extra_checks "$log/$i" "${sources[@]}" ||
		{ echo "series-check: W=1/sparse build of $name failed" >&2; exit 1; }
	added "$log/prev.w1" "$log/$i.w1" >"$log/w1.new"
	added "$log/prev.sparse" "$log/$i.sparse" >"$log/sparse.new"
	cp "$log/$i.w1" "$log/prev.w1"
	cp "$log/$i.sparse" "$log/prev.sparse"

	: >"$log/st.new"
	for d in $(printf '%s\n' "${changed[@]}" |
		   sed -n 's#^\(tools/testing/selftests/[^/]*\)/.*#\1#p' | sort -u); do
		[ -f "$tree/$d/Makefile" ] || continue
		selftest_build "$d" >>"$log/st.new" || { echo "series-check: $d does not build" >&2; exit 1; }
	done

	n_kdoc=$(judge kernel-doc "$log/kdoc.new" "$i")
	n_build=$(judge build "$log/build.new" "$i")
	n_w1=$(judge W=1 "$log/w1.new" "$i")
	n_sparse=$(judge sparse "$log/sparse.new" "$i")
	n_st=$(judge selftests "$log/st.new" "$i")
	sum=$((n_cp + n_kdoc + n_build + n_w1 + n_sparse + n_st))
	[ $sum = 0 ] || fail=1
	total_cp=$((total_cp + n_cp)) total_kdoc=$((total_kdoc + n_kdoc))
	total_build=$((total_build + n_build)) total_w1=$((total_w1 + n_w1))
	total_sparse=$((total_sparse + n_sparse)) total_st=$((total_st + n_st))
	echo "$i/${#patches[@]}: $([ $sum = 0 ] && echo ok || echo "$sum new findings"):" \
		"checkpatch $n_cp, kernel-doc $n_kdoc, build $n_build, W=1 $n_w1," \
		"sparse $n_sparse, selftests $n_st;" \
		"$(elapsed "$start")"
done

# The feature's stubs: the whole series with CONFIG_IMA_NS off.
echo
echo "== the series with CONFIG_IMA_NS=n"
start=$(date +%s)
"$tree/scripts/config" --file "$obj/.config" --disable IMA_NS
kmake olddefconfig >/dev/null
build "$log/off.build" || { echo "series-check: no build with CONFIG_IMA_NS=n" >&2; exit 1; }
sort -u "$log/seen.build" >"$log/seen.sorted"
sort -u "$log/off.build" | comm -13 "$log/seen.sorted" - >"$log/build.new"
n_build=$(judge build "$log/build.new" "$i")
total_build=$((total_build + n_build))
[ "$n_build" = 0 ] || fail=1
echo "CONFIG_IMA_NS=n: build $n_build; $(elapsed "$start")"

echo
echo "series-check: ${#patches[@]} patches applied and built;" \
	"new findings: checkpatch $total_cp, kernel-doc $total_kdoc, build $total_build," \
	"W=1 $total_w1, sparse $total_sparse, selftests $total_st;" \
	"$(grep -c . "$log/allowed" || true) allowed by $manifest (listed above);" \
	"total time $(elapsed "$t0")"
[ $fail = 0 ]
