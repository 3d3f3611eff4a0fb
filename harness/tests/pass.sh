#!/usr/bin/env bash
# Guest smoke test: securityfs is mounted, IMA's policy file exists, the
# users exist and the copied tools find their shared libraries.
set -euo pipefail

grep -q '^securityfs /sys/kernel/security securityfs ' /proc/mounts
test -e /sys/kernel/security/ima/policy
test "$(id -u tester)" = 1000
test "$(id -u nobody)" = 65534
evmctl --version >/dev/null
openssl version >/dev/null
keyctl show @s >/dev/null
echo hi | sha256sum >/dev/null
setpriv --reuid=1000 --regid=1000 --clear-groups true
echo "pass.sh: securityfs mounted, IMA policy present, tools run"
