#!/usr/bin/env bash
# Make the IMA test signing key in OUTDIR, once: an RSA-2048 private key
# (ima-test-priv.pem) and a self-signed X.509 certificate for it in DER
# (ima-test-x509.der) whose subjectKeyIdentifier is the SHA-1 of the public
# key, the key id that `evmctl ima_sign` puts in its signatures. The guest
# loads the certificate into root's `_ima` keyring (harness/guest/init).
# The key is generated on the build host and never committed: build/ is
# ignored by git.
set -euo pipefail

out=${1:?usage: make-test-keys.sh OUTDIR}
priv=$out/ima-test-priv.pem
cert=$out/ima-test-x509.der

if [ -s "$priv" ] && [ -s "$cert" ]; then
	exit 0
fi
mkdir -p "$out"
tmp=$(mktemp -d "$out/.keys.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/x509.cnf" <<'CNF'
[ req ]
distinguished_name = dn
prompt = no
x509_extensions = ext

[ dn ]
O = IMA namespaces selftests
CN = IMA namespaces test signing key

[ ext ]
basicConstraints = critical,CA:FALSE
keyUsage = digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
(umask 077 && openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 \
	-days 36500 -config "$tmp/x509.cnf" -keyout "$tmp/priv.pem" \
	-outform DER -out "$tmp/x509.der" 2>/dev/null)
chmod 0644 "$tmp/x509.der"
mv "$tmp/x509.der" "$cert"
mv "$tmp/priv.pem" "$priv"
echo "make-test-keys: wrote $priv and $cert"
