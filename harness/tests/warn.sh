#!/usr/bin/env bash
# Harness self-test: a kernel WARNING on the console must fail the run
# although the job itself succeeds.
set -euo pipefail
echo '<4>WARNING: CPU: 0 PID: 1 at harness-selftest' >/dev/kmsg
echo "warn.sh: wrote a fake WARNING to the kernel log"
