#!/usr/bin/env bash
# Count the results of a check run and print per-source counts, the failed
# tests, and last the line "N passed, N failed, N skipped".
#   --tap LABEL FILE   plain TAP (top-level "ok N"/"not ok N" lines, plan)
#   --kselftest FILE   run-tests.sh output: kselftest TAP framed per program
#   --kunit FILE       kernel console log holding KUnit's boot-time KTAP
# Exit 1 if a test failed or no kselftest/KUnit test ran at all.
set -euo pipefail

# Each parser prints one "pass|fail|skip NAME" record per test.
parse_tap() {
	awk '
	{ sub(/\r$/, "") }
	/^1\.\.[0-9]+/ { plan = substr($0, 4) + 0 }
	/^(not )?ok( |$)/ {
		n++
		name = $0
		sub(/^(not )?ok *[0-9]* *-? */, "", name)
		sub(/ *#.*$/, "", name)
		if ($0 ~ /# *(SKIP|skip)/) print "skip", name
		else if ($0 ~ /^not ok/) print "fail", name
		else print "pass", name
	}
	END { if (plan > n) print "fail", plan - n " planned test(s) never reported" }
	' "$1"
}

parse_kselftest() {
	awk '
	function result(line,    name) {
		name = line
		sub(/^(not )?ok [0-9]+ */, "", name)
		sub(/ *#.*$/, "", name)
		name = prog ": " name
		if (line ~ /# *(SKIP|skip)/) print "skip", name
		else if (line ~ /^not ok/) { print "fail", name; nots++ }
		else print "pass", name
		results++
	}
	{ sub(/\r$/, "") }
	/^# imans-run: / { prog = $3; results = 0; nots = 0; next }
	/^# imans-result: / {
		rc = $4
		sub(/^rc=/, "", rc)
		if (results == 0) {
			if (rc == 0) print "pass", prog
			else if (rc == 4) print "skip", prog
			else print "fail", prog " (exit " rc ", no TAP results)"
		} else if (rc != 0 && rc != 4 && nots == 0) {
			print "fail", prog " (exit " rc ")"
		}
		prog = ""
		next
	}
	prog != "" && /^(not )?ok [0-9]+/ { result($0) }
	END { if (prog != "") print "fail", prog " (never finished)" }
	' "$1"
}

# KUnit prints nested KTAP: "# Subtest: X" at indent I opens a level whose
# own result line comes at indent I-4. Leaves are the result lines that do
# not close a level; a level that closes without leaves counts as one.
parse_kunit() {
	awk '
	{ sub(/\r$/, ""); sub(/^(\[[^]]*\] ?)+/, "") }
	!started && /^KTAP version/ { started = 1 }
	!started { next }
	{
		indent = match($0, /[^ ]/) - 1
		line = substr($0, indent + 1)
	}
	line ~ /^# Subtest: / {
		sp++
		close_at[sp] = indent - 4
		title[sp] = substr(line, 12)
		leaves[sp] = 0
		next
	}
	line ~ /^(not )?ok [0-9]+/ {
		name = line
		sub(/^(not )?ok [0-9]+ */, "", name)
		sub(/ *#.*$/, "", name)
		if (sp > 0 && close_at[sp] == indent) {
			had = leaves[sp]
			sp--
			if (sp > 0) leaves[sp] += had > 0 ? had : 1
			if (had > 0) next
		} else if (sp > 0) {
			leaves[sp]++
		}
		path = ""
		for (i = 1; i <= sp; i++) path = path title[i] "."
		if (line ~ /# *(SKIP|skip)/) print "skip", path name
		else if (line ~ /^not ok/) print "fail", path name
		else print "pass", path name
	}
	' "$1"
}

records=$(mktemp)
trap 'rm -f "$records"' EXIT
sources=()
while [ $# -gt 0 ]; do
	case $1 in
	--tap) label=$2 file=$3; shift 3; parser=parse_tap ;;
	--kselftest) label=kselftest file=$2; shift 2; parser=parse_kselftest ;;
	--kunit) label=kunit file=$2; shift 2; parser=parse_kunit ;;
	*) echo "summarize-tap: unknown argument $1" >&2; exit 2 ;;
	esac
	case " ${sources[*]} " in *" $label "*) ;; *) sources+=("$label") ;; esac
	[ -f "$file" ] || continue
	$parser "$file" | sed "s/^\([a-z]*\) /\1 $label /" >>"$records"
done

count() { awk -v k="$1" -v l="${2:-}" '$1 == k && (l == "" || $2 == l)' "$records" | wc -l; }
for label in "${sources[@]}"; do
	printf 'summary: %-10s %3d passed, %3d failed, %3d skipped\n' "$label" \
		"$(count pass "$label")" "$(count fail "$label")" "$(count skip "$label")"
done
awk '$1 == "fail" { $1 = "FAILED:"; print }' "$records"
awk '$1 == "skip" { $1 = "skipped:"; print }' "$records"

feature=$(awk '$2 == "kselftest" || $2 == "kunit"' "$records" | wc -l)
failed=$(count fail)
if [ "$feature" = 0 ]; then
	echo "FAILED: no kselftest or KUnit test ran"
	failed=$((failed + 1))
fi
echo "$(count pass) passed, $failed failed, $(count skip) skipped"
[ "$failed" = 0 ]
