#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print the config.json of an OCI bundle whose createRuntime hook is
# ima-ns-oci-hook (tools/ima_ns), for ima_ns_oci_test.sh (crun and runc),
# `make demo` (crun) and scenario 8 of ima_ns_bench (crun); without -p, of
# the same bundle without the hook, the bench's baseline.
#
# usage: ima_ns_oci_config.sh [-p POLICY [-a HOOK_ARG]...] [-b SRC:DST]...
#                             [-n HOSTNAME] -- ARG... >config.json
#
#   -p POLICY    the hook, and the annotation
#                org.kernel.ima.namespace.policy=POLICY
#   -a HOOK_ARG  one more argument for the hook (-v, --policy-dir=DIR)
#   -b SRC:DST   bind mount the host's SRC on DST in the container
#   -n HOSTNAME  the container's host name (default imans-ctr)
#   ARG...       the container's process, run as root with CAP_SYS_ADMIN
#
# The root is "rootfs" beside config.json; the hook is $IMA_NS_OCI_HOOK,
# default /usr/libexec/ima-ns/ima-ns-oci-hook, and what it prints goes to
# crun's stderr (annotation run.oci.hooks.stderr); runc ignores the
# annotation, and shows what the hook printed only when it fails.
set -euo pipefail

hook=${IMA_NS_OCI_HOOK:-/usr/libexec/ima-ns/ima-ns-oci-hook}
policy=
hostname=imans-ctr
hook_args=(ima-ns-oci-hook)
binds=()

usage() {
	echo "usage: ima_ns_oci_config.sh [-p POLICY [-a HOOK_ARG]...]" \
	     "[-b SRC:DST]... [-n HOSTNAME] -- ARG..." >&2
	exit 2
}

while getopts p:a:b:n: opt; do
	case $opt in
	p) policy=$OPTARG ;;
	a) hook_args+=("$OPTARG") ;;
	b) [[ $OPTARG == /*:/* ]] || usage; binds+=("$OPTARG") ;;
	n) hostname=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || usage
# Arguments for a hook that is not there.
[ -n "$policy" ] || [ ${#hook_args[@]} = 1 ] || usage

# A JSON string: quotes, backslashes and control characters escaped.
json_str() {
	local s=$1 out='' c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		'"') out+='\"' ;;
		"\\") out+="\\\\" ;;
		$'\n') out+='\n' ;;
		$'\t') out+='\t' ;;
		[[:cntrl:]]) out+=$(printf '\\u%04x' "'$c") ;;
		*) out+=$c ;;
		esac
	done
	printf '"%s"' "$out"
}

# A JSON array of strings: [ "a", "b" ].
json_list() {
	local sep='' s
	printf '['
	for s in "$@"; do
		printf '%s %s' "$sep" "$(json_str "$s")"
		sep=,
	done
	printf ' ]'
}

caps=$(json_list CAP_SYS_ADMIN)
cat <<EOF
{
	"ociVersion": "1.0.2",
	"process": {
		"terminal": false,
		"user": { "uid": 0, "gid": 0 },
		"args": $(json_list "$@"),
		"env": [ "PATH=/usr/bin:/bin" ],
		"cwd": "/",
		"capabilities": {
			"bounding": $caps,
			"effective": $caps,
			"permitted": $caps
		}
	},
	"root": { "path": "rootfs" },
	"hostname": $(json_str "$hostname"),
	"mounts": [
		{ "destination": "/proc", "type": "proc", "source": "proc" },
		{ "destination": "/dev", "type": "tmpfs", "source": "tmpfs" },
EOF
for b in "${binds[@]}"; do
	printf '\t\t{ "destination": %s, "type": "bind", "source": %s,\n' \
		"$(json_str "${b#*:}")" "$(json_str "${b%%:*}")"
	printf '\t\t  "options": [ "rbind", "rw" ] },\n'
done
cat <<EOF
		{ "destination": "/tmp", "type": "tmpfs", "source": "tmpfs" }
	],
EOF
# crun discards what hooks print unless an annotation names a file for it;
# runc does not know the annotation. It stays without the hook, so that a
# config with the hook and one without differ in the hook alone.
printf '\t"annotations": {\n'
if [ -n "$policy" ]; then
	printf '\t\t"org.kernel.ima.namespace.policy": %s,\n' "$(json_str "$policy")"
fi
printf '\t\t"run.oci.hooks.stderr": "/proc/self/fd/2"\n'
printf '\t},\n'
if [ -n "$policy" ]; then
	cat <<EOF
	"hooks": {
		"createRuntime": [
			{ "path": $(json_str "$hook"), "args": $(json_list "${hook_args[@]}") }
		]
	},
EOF
fi
cat <<EOF
	"linux": {
		"namespaces": [
			{ "type": "pid" }, { "type": "mount" }, { "type": "uts" }, { "type": "ipc" }
		]
	}
}
EOF
