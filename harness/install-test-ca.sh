#!/usr/bin/env bash
# Put the IMA test CA (harness/make-test-keys.sh) where a kernel build in
# OBJ finds it: CONFIG_SYSTEM_TRUSTED_KEYS="certs/ima-test-ca.pem" is
# relative to the object directory, so the configuration, and with it
# every object ccache keeps, is the same in every clone. The file is only
# rewritten when the CA changes.
set -euo pipefail

obj=${1:?usage: install-test-ca.sh OBJ}
here=$(dirname "$(realpath "$0")")
keys=${IMA_TEST_KEYS:-$here/../build/keys}

"$here/make-test-keys.sh" "$keys"
mkdir -p "$obj/certs"
if ! cmp -s "$keys/ima-test-ca.pem" "$obj/certs/ima-test-ca.pem"; then
	cp "$keys/ima-test-ca.pem" "$obj/certs/ima-test-ca.pem"
fi
