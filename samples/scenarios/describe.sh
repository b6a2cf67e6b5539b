#!/bin/sh
# describe.sh NAME - write samples/NAME.md from what the scenario says it does,
# when each phase began (samples/NAME.phases, written by the run) and what
# the capture shows (samples/figures.sh).  Run right after the scenario.
set -eu
NAME=$1
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
B=${BUILD:-$TOP/build}
S=$TOP/samples
{
	echo "# $NAME.zst"
	echo
	echo "Recorded by \`capture\` on a real kernel, by \`samples/scenarios/$NAME.sh\`:"
	echo
	sed -n '2,/^NAME=/p' "$HERE/$NAME.sh" | grep '^#' | sed 's/^# \{0,1\}//' | sed "1s/^$NAME\.sh - //"
	echo
	echo "## The run"
	echo
	"$B/analyze" info "$S/$NAME.zst" | grep -E '^(writer|kernel|cpus|options|started|span|samples|tasks seen|kernel log)' | sed 's/^/    /'
	echo
	echo "Phases (seconds from the capture's start):"
	echo
	sed 's/^\([0-9]*\) \(.*\)/- \1 s: \2/' "$S/$NAME.phases"
	echo
	echo "The machine: a 2-vCPU x86_64 VM with 24 GB RAM and a virtio disk, no"
	echo "swap; the scenario ran inside its own memory cgroup (v1 here), with the"
	echo "disk throttled for the cgroup where the script says so.  This kernel has"
	echo "no /proc/sysrq-trigger, so \`--sysrq auto\` warned once and went on."
	echo
	echo "## What the kernel did, and the verdict"
	echo
	echo "Measured by \`sh samples/figures.sh build samples/$NAME.zst\`:"
	echo
	sh "$S/figures.sh" "$B" "$S/$NAME.zst" | sed 's/^/    /'
	echo
	echo "The verdict \`make check\` holds it to: \`samples/$NAME.expect.json\`."
} > "$S/$NAME.md"
echo "wrote $S/$NAME.md"
