#!/usr/bin/env bash
# Commit the repository's change to TREE as the patch series MANIFEST
# describes: branch "series" in TREE, one commit per patch on top of the
# tag "base". Checks that every kernel file is in exactly one patch, that
# every take: rule matches, and that the last commit reproduces each
# <path>.patch and new file of REPO exactly.
set -euo pipefail

tree=$(realpath "${1:?usage: series-commit.sh TREE REPO MANIFEST}")
repo=$(realpath "${2:?}")
manifest=$(realpath "${3:?}")
here=$(dirname "$(realpath "$0")")

git_tree() { git -C "$tree" -c core.quotepath=off "$@"; }
field() { "$here/series-manifest.sh" "$manifest" "$@"; }
die() { echo "series: $*" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

declare -A kind owner dirs
while read -r k f; do
	kind[$f]=$k
done < <("$here/list-kernel-files.sh" "$repo")

count=$(field count)
[ "$count" -gt 0 ] || die "$manifest holds no patch"
: >"$tmp/takes"
for i in $(seq 0 "$count"); do
	subject=$(field subject "$i")
	[ -n "$subject" ] || die "patch $i has no subject"
	[ ${#subject} -le 75 ] || die "patch $i: subject longer than 75: $subject"
	[[ $subject =~ ^[a-z][a-z0-9_/.-]*:\ [^\ ] ]] ||
		die "patch $i: subject wants a 'subsystem: ' prefix: $subject"
	[ -n "$(field body "$i")" ] || die "patch $i has no body"
	[ "$i" = 0 ] && continue
	while read -r f; do
		case $f in
		*/) dirs[$f]=$i; continue ;;
		esac
		[ -n "${kind[$f]:-}" ] || die "patch $i: $f is not a kernel file of $repo"
		[ -z "${owner[$f]:-}" ] || die "$f is in patch ${owner[$f]} and patch $i"
		owner[$f]=$i
	done < <(field files "$i")
	field takes "$i" | sed "s/^/$i\t/" >>"$tmp/takes"
done
# A directory (PATH/) takes the files under it that no path names; the
# deepest directory wins.
for d in $(printf '%s\n' "${!dirs[@]}" | awk '{ print length, $0 }' | sort -rn |
	   cut -d' ' -f2); do
	used=
	for f in "${!kind[@]}"; do
		[[ $f == "$d"* ]] || continue
		used=1
		[ -n "${owner[$f]:-}" ] || owner[$f]=${dirs[$d]}
	done
	[ -n "$used" ] || die "patch ${dirs[$d]}: no kernel file is under $d"
done
for f in "${!kind[@]}"; do
	[ -n "${owner[$f]:-}" ] ||
		die "$f is in no patch: add it to a files: line of $manifest"
done
while IFS=$'\t' read -r i f _; do
	[ "${kind[$f]:-}" = patch ] || die "patch $i: take: $f is not a <path>.patch"
	[ "${owner[$f]}" != "$i" ] ||
		die "patch $i: take: $f is in this patch's files: already"
done <"$tmp/takes"

# Print PATCH without the changes the rules in RULES withhold: added lines
# are dropped and removed lines kept as context, for git apply --recount.
# With KEEP=1, withhold every change except those. RULES holds
# "START<TAB>UNTIL" lines. A changed "/**" line, indented or not, goes
# with the changed line after it, so that a kernel-doc comment moves with
# the name line a rule matches. Exit 3 if a rule matched nothing.
withhold() {   # RULES PATCH [KEEP]
	awk -F '\t' -v rules="$1" -v keep="${3:-0}" '
	function emit(l, h) {
		if (keep)
			h = !h
		if (!h)
			print l
		else if (l ~ /^-/)
			print " " substr(l, 2)
	}
	function flush() {
		if (pending != "")
			emit(pending, pending_held)
		pending = ""
	}
	BEGIN {
		while ((getline rule < rules) > 0) {
			split(rule, part, "\t")
			start[++n] = part[1]
			until[n] = part[2]
		}
	}
	/^@@ / { hunk = 1 }
	!hunk || !/^[-+]/ {
		flush()
		for (r = 1; r <= n; r++)
			active[r] = 0
		print
		next
	}
	{
		line = substr($0, 2)
		held = 0
		for (r = 1; r <= n; r++) {
			if (active[r] && until[r] != "" && line ~ until[r])
				active[r] = 0
			if (!fired[r] && line ~ start[r])
				fired[r] = active[r] = 1
			if (active[r])
				held = 1
		}
		if (pending != "")
			emit(pending, held)
		pending = ""
		if (line ~ /^[ \t]*\/\*\*$/) {
			pending = $0
			pending_held = held
		} else {
			emit($0, held)
		}
	}
	END {
		flush()
		for (r = 1; r <= n; r++)
			if (!fired[r]) {
				print "no changed line matches " start[r] > "/dev/stderr"
				bad = 1
			}
		exit bad ? 3 : 0
	}' "$2"
}

# Write PATH as it stands after patch I: before its files: patch, with only
# the lines that take: rules of patches up to I give it; from then on, with
# all but the lines of take: rules of later patches.
write_state() {   # PATH I
	local f=$1 i=$2 rules=$tmp/rules keep=0
	mkdir -p "$tree/$(dirname "$f")"
	if [ "${kind[$f]}" = new ]; then
		cp "$repo/$f" "$tree/$f"
		return
	fi
	[ "$i" -lt "${owner[$f]}" ] && keep=1
	awk -F '\t' -v f="$f" -v i="$i" -v keep="$keep" \
		'$2 == f && (keep ? $1 <= i : $1 > i) { print $3 "\t" $4 }' \
		"$tmp/takes" >"$rules"
	withhold "$rules" "$repo/$f.patch" "$keep" >"$tmp/part.patch" ||
		die "$f: a take: rule of $manifest does not match $f.patch"
	git_tree show "base:$f" >"$tree/$f"
	if awk '/^@@ /{ h = 1 } h && /^[-+]/{ c = 1 } END { exit !c }' \
		"$tmp/part.patch"; then
		git_tree apply --recount "$tmp/part.patch" ||
			die "$f: the part of $f.patch for patch $i does not apply"
	fi
}

export GIT_AUTHOR_NAME="IMA NS team" GIT_AUTHOR_EMAIL=ima-ns@localhost
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
# The date of the repository's last commit: the same input, the same series.
GIT_AUTHOR_DATE=$(git -C "$repo" log -1 --format=%cI 2>/dev/null || date -R)
export GIT_AUTHOR_DATE GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE

git_tree checkout -q -f -B series base
git_tree clean -fdxq
for i in $(seq 1 "$count"); do
	paths=()
	for f in "${!owner[@]}"; do
		[ "${owner[$f]}" = "$i" ] && paths+=("$f")
	done
	while IFS=$'\t' read -r j f _; do
		[ "$j" = "$i" ] && paths+=("$f")
	done <"$tmp/takes"
	for f in "${paths[@]}"; do
		write_state "$f" "$i"
	done
	git_tree add -A -f -- "${paths[@]}"
	git_tree diff --cached --quiet && die "patch $i changes nothing"
	{
		field subject "$i"
		echo
		field body "$i"
		echo
		echo "Signed-off-by: $GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>"
	} >"$tmp/msg"
	git_tree commit -q --no-verify --cleanup=verbatim -F "$tmp/msg"
	echo "series: $i/$count $(field subject "$i")"
done

# The series must add up to the repository's change, byte for byte.
for f in "${!kind[@]}"; do
	if [ "${kind[$f]}" = new ]; then
		git_tree show "series:$f" | cmp -s - "$repo/$f" ||
			die "$f: the series does not reproduce it"
	else
		git_tree diff --no-color --no-ext-diff base series -- "$f" |
			cmp -s - "$repo/$f.patch" ||
			die "$f.patch: the series does not reproduce it"
	fi
done
extra=$(git_tree diff --name-only base series | while read -r f; do
	[ -n "${kind[$f]:-}" ] || echo "$f"
done)
[ -z "$extra" ] || die "the series changes files the repository does not: $extra"
echo "series: $count commits on branch series of $tree reproduce $repo"
