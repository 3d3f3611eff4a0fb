#!/usr/bin/env bash
# Harness self-test: a kernel panic must fail the run (no exit marker).
set -euo pipefail
echo "panic.sh: crashing the kernel on purpose"
echo c >/proc/sysrq-trigger
sleep 30
