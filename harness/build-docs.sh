#!/usr/bin/env bash
# Build Documentation/security of TREE with Sphinx into OBJ and fail if
# our page is missing or Sphinx warns about one of our files; then check
# the ABI files with scripts/get_abi.pl. Warnings about the base tree's
# own pages (links outside SPHINXDIRS) are listed.
set -euo pipefail

tree=$(realpath "${1:?usage: build-docs.sh TREE OBJ}")
obj=$(realpath -m "${2:?}")
page=$obj/Documentation/output/security/ima-namespaces.html
ours='ima-namespaces'

mkdir -p "$obj"
rm -f "$page"
# -E: read every page again, so that warnings come back on every run.
make -s -C "$tree" O="$obj" SPHINXDIRS=security SPHINXOPTS=-E htmldocs \
	>"$obj/docs.log" 2>&1 || {
	cat "$obj/docs.log" >&2
	echo "build-docs: Sphinx failed" >&2
	exit 1
}
warnings=$(grep -E 'WARNING|ERROR|CRITICAL' "$obj/docs.log" || true)
if [ -n "$warnings" ]; then
	echo "build-docs: warnings of the base tree and the build host:"
	echo "$warnings" | grep -vE "$ours" | sed 's/^/  /' || true
fi
if echo "$warnings" | grep -E "$ours"; then
	echo "build-docs: FAIL: Sphinx warns about our documentation" >&2
	exit 1
fi
[ -s "$page" ] || { echo "build-docs: FAIL: $page was not written" >&2; exit 1; }
abi=$(cd "$tree" && perl scripts/get_abi.pl validate --dir Documentation/ABI 2>&1) || {
	echo "$abi" >&2
	echo "build-docs: FAIL: get_abi.pl validate failed" >&2
	exit 1
}
if echo "$abi" | grep -E "$ours"; then
	echo "build-docs: FAIL: get_abi.pl finds fault with our ABI entries" >&2
	exit 1
fi
echo "build-docs: $(sphinx-build --version) built $page"
