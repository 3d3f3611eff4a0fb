#!/usr/bin/env bash
# Harness self-test: a job that ends right after much output must reach the
# host whole, last line and status included.
set -euo pipefail
line=$(printf '%096d' 0)
for i in $(seq 1 2000); do
	echo "drain.sh: $i $line"
done
echo "drain.sh: last line"
exit 5
