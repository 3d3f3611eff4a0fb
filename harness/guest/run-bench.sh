#!/usr/bin/env bash
# Guest job of `make bench` and of the bench smoke step of `make check`:
# run ima_ns_bench, the full pass, or with imans.bench=smoke on the kernel
# command line the seconds-long smoke pass. Its output ends with the
# Markdown table and the JSON that harness/bench.sh keeps.
set -euo pipefail

bench=${1:-/kselftest/ima_ns/ima_ns_bench}
mode=full
# shellcheck disable=SC2013 # words, not lines
for arg in $(cat /proc/cmdline); do
	case $arg in
	imans.bench=*) mode=${arg#imans.bench=} ;;
	esac
done

# Console log level 5: warnings and worse still reach the console, the
# audit records of thousands of registrations (KERN_NOTICE) do not; writing
# them to the serial port would slow the run and run beside the timings.
echo 5 >/proc/sys/kernel/printk
# Rate-limit printk_ratelimit() users again (init turns that off): without
# auditd, every audit record past the backlog logs two lines of loss.
echo 5 >/proc/sys/kernel/printk_ratelimit

# The kernel moves from the tsc-early clocksource to tsc about a second
# after boot, with stop_machine(). Wait for it: if that lands during the
# run, one CPU spins until the other joins, and under -icount its spinning
# counts in the other's timings. No wait where the TSC is not used.
cs=/sys/devices/system/clocksource/clocksource0/current_clocksource
for _ in $(seq 300); do
	[ "$(cat $cs)" = tsc-early ] || break
	sleep 0.1
done

# Scenario 5 counts the kernel's signature verifications with a kprobe
# event, through tracefs; scenarios 5 and 6 sign with the test key, which
# init loaded into the _ima keyring. Without either they report why.
tracing=/sys/kernel/tracing
[ -e $tracing/kprobe_events ] ||
	mount -t tracefs nodev $tracing 2>/dev/null || true
kprobes=no
[ -e $tracing/kprobe_events ] && kprobes=yes
key=no
[ -r /etc/keys/ima-test-priv.pem ] && key=yes
# Scenario 8 runs crun with the OCI hook on the ext4 disk's image layer,
# scenario 9 opens a file of that disk; without them they report why.
crun=$(crun --version 2>/dev/null | sed -n '1s/^crun version //p' || true)
[ -n "$crun" ] || crun=none
disk=no
grep -q '^[^ ]* /mnt/disk ext4 ' /proc/mounts && disk=yes

args=()
[ "$mode" = smoke ] && args=(-s)
echo "# run-bench: $mode pass, kernel $(uname -r)," \
	"clocksource $(cat $cs), kprobe events $kprobes, signing key $key," \
	"crun $crun, disk $disk"
"$bench" "${args[@]}"
