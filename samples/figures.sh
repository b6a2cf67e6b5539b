#!/bin/sh
# figures.sh BUILD_DIR SAMPLE.zst - the measured figures a sample's
# description quotes: peaks over the capture (from `analyze timeline --csv`)
# and the top cause with its culprit (from `analyze --json`).
set -eu
b=$1 f=$2
"$b/analyze" timeline "$f" --csv | awk -F, '
NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
{
	for (k in want) if ($c[k] != "" && $c[k] + 0 > max[k]) { max[k] = $c[k] + 0; at[k] = $c["t_s"] + 0 }
	if ($c["cpu_idle_pct"] != "" && 100 - $c["cpu_idle_pct"] > busy) busy = 100 - $c["cpu_idle_pct"]
}
BEGIN { split("cpu_iowait_pct majflt_ps refault_ps tasks_d disk_read_mbps psi_io_some psi_mem_some kswapd_cpu_pct", w, " "); for (i in w) want[w[i]] = 1 }
END {
	printf "peak iowait %.0f%%%s, CPU not idle %.0f%%, majflt %.0f/s, refaults %.0f/s, D-state tasks %d, disk reads %.1f MB/s, PSI io %.0f%%, PSI mem %.0f%%, kswapd %.0f%%\n",
		max["cpu_iowait_pct"], ("cpu_iowait_pct" in at) ? sprintf(" (at %d s)", at["cpu_iowait_pct"]) : "", busy,
		max["majflt_ps"], max["refault_ps"], max["tasks_d"],
		max["disk_read_mbps"], max["psi_io_some"], max["psi_mem_some"], max["kswapd_cpu_pct"]
}'
# the windows, the verdict and the ranked causes, as the report states them
"$b/analyze" "$f" | sed -n '/^Windows/,/^Blocked tasks/p' | grep -E '^  (healthy|faulty)|^  [0-9]+\. '
# the mount the top cause names (shmem growth), when the capture recorded mounts
"$b/analyze" --json "$f" | python3 -c '
import json, sys
c = (json.load(sys.stdin).get("causes") or [{}])[0]
m = c.get("mount")
if m:
    print("%s: %s %s, %.0f MB used of %s, %s" % (c["id"], "grows" if m["grows"] else "fullest", m["path"], m["used_kb"] / 1024,
          "%.0f MB" % (m["total_kb"] / 1024) if m["total_kb"] else "no set size",
          "%.1f MB/s while it grew" % (m["growth_kb_ps"] / 1024) if m["growth_kb_ps"] else "no growth rate"))'
