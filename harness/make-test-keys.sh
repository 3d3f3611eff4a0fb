#!/usr/bin/env bash
# Make the IMA test keys in OUTDIR, once. Generated on the build host and
# never committed (build/ is ignored by git); none of them guards anything.
#
#   ima-test-ca.pem        a CA certificate, built into the test kernels'
#                          system keyring (CONFIG_SYSTEM_TRUSTED_KEYS)
#   ima-test-priv.pem      the signing key, and its certificate signed by
#   ima-test-x509.der      the CA; the guest adds it to the trusted .ima
#                          keyring
#   ima-rogue-priv.pem     a key no trusted key vouches for, as a container
#   ima-rogue-x509.der     would bring its own; self-signed
#
# Each certificate's subjectKeyIdentifier is the SHA-1 of its public key,
# the key id that `evmctl ima_sign` puts in its signatures.
set -euo pipefail

out=${1:?usage: make-test-keys.sh OUTDIR}
names=(ima-test-ca.pem ima-test-priv.pem ima-test-x509.der
       ima-rogue-priv.pem ima-rogue-x509.der)
done=1
for n in "${names[@]}"; do
	[ -s "$out/$n" ] || done=0
done
[ "$done" = 0 ] || exit 0

mkdir -p "$out"
tmp=$(mktemp -d "$out/.keys.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
umask 077

cnf() {   # CN EXTENSIONS...: an openssl config for one certificate
	printf '[ req ]\ndistinguished_name = dn\nprompt = no\n'
	printf '[ dn ]\nO = IMA namespaces selftests\nCN = %s\n' "$1"
	printf '[ ext ]\nsubjectKeyIdentifier = hash\n'
	shift
	printf '%s\n' "$@"
}
ossl() { openssl "$@" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }; }

cnf "IMA namespaces test CA" "basicConstraints = critical,CA:TRUE" \
	"keyUsage = critical,keyCertSign" >"$tmp/ca.cnf"
ossl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 36500 \
	-config "$tmp/ca.cnf" -extensions ext -keyout "$tmp/ca-priv.pem" \
	-out "$tmp/ima-test-ca.pem"

cnf "IMA namespaces test signing key" "basicConstraints = critical,CA:FALSE" \
	"keyUsage = digitalSignature" "authorityKeyIdentifier = keyid" \
	>"$tmp/leaf.cnf"
ossl req -new -newkey rsa:2048 -nodes -sha256 -config "$tmp/leaf.cnf" \
	-keyout "$tmp/ima-test-priv.pem" -out "$tmp/leaf.csr"
ossl x509 -req -in "$tmp/leaf.csr" -sha256 -days 36500 \
	-CA "$tmp/ima-test-ca.pem" -CAkey "$tmp/ca-priv.pem" -CAcreateserial \
	-extfile "$tmp/leaf.cnf" -extensions ext -outform DER \
	-out "$tmp/ima-test-x509.der"

cnf "IMA namespaces rogue key" "basicConstraints = critical,CA:FALSE" \
	"keyUsage = digitalSignature" >"$tmp/rogue.cnf"
ossl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 36500 \
	-config "$tmp/rogue.cnf" -extensions ext \
	-keyout "$tmp/ima-rogue-priv.pem" -outform DER \
	-out "$tmp/ima-rogue-x509.der"

chmod 0644 "$tmp/ima-test-ca.pem" "$tmp/ima-test-x509.der" \
	"$tmp/ima-rogue-x509.der"
for n in "${names[@]}"; do
	mv "$tmp/$n" "$out/$n"
done
echo "make-test-keys: wrote ${names[*]} to $out"
