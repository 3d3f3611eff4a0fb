#!/usr/bin/env bash
# Harness self-test: a failing job's status must reach the host.
set -euo pipefail
echo "fail.sh: exiting 3 on purpose"
exit 3
