#!/usr/bin/env python3
"""ring_fixture.py PROC STATE - keeps a --proc-root fixture (a copy of
tests/data/sick/proc) alive for capture --ring tests: /proc/stat's CPU
counters advance at 100 ticks per second per CPU, and the box is healthy or
sick as the file STATE says ("healthy", "sick"; "stop" or a missing file
ends it).

healthy: 94% idle, no iowait, PSI io 0, thread 8785 in S.
sick:    80% iowait (the seed's thrash, ../shared/scenarios/README.md),
         PSI io some 61, thread 8785 in D.
STATE.ready appears once the fixture shows its first state.  It also ends
when the shell that started it is gone.
Files are replaced by rename, except the task's stat, which capture keeps
open: its state letter is rewritten in place.
"""
import os
import sys
import time

proc, state_file = sys.argv[1], sys.argv[2]
SHARE = {"healthy": (4, 2, 94, 0), "sick": (3, 7, 10, 80)}  # user system idle iowait, % per CPU
NCPU = 2
task = os.path.join(proc, "8741/task/8785/stat")
state_at = open(task, "rb").read().index(b") ") + 2
cpu = [[0.0] * 4 for _ in range(NCPU)]
base = [[1000.0, 500.0, 100000.0, 50.0] for _ in range(NCPU)]


def put(rel, text):
    p = os.path.join(proc, rel)
    with open(p + ".new", "w") as f:
        f.write(text)
    os.rename(p + ".new", p)


last = time.monotonic()
prev_state = None
parent = os.getppid()
while True:
    if os.getppid() != parent:
        break  # the test is gone, killed past its traps: go with it
    try:
        state = open(state_file).read().strip()
    except FileNotFoundError:
        break
    if state not in SHARE:
        break
    now = time.monotonic()
    dt, last = now - last, now
    for c in range(NCPU):
        for k in range(4):
            cpu[c][k] += SHARE[state][k] * dt
    rows = [[base[c][k] + cpu[c][k] for k in range(4)] for c in range(NCPU)]
    total = [sum(r[k] for r in rows) for k in range(4)]

    def line(name, v):
        u, s, i, w = (int(x) for x in v)
        return f"{name} {u} 0 {s} {i} {w} 0 0 0 0 0\n"

    text = line("cpu ", total) + "".join(line(f"cpu{c}", rows[c]) for c in range(NCPU))
    text += ("intr 1000 0\nctxt 130465866\nbtime 1555568347\nprocesses 46972\n"
             f"procs_running 1\nprocs_blocked {1 if state == 'sick' else 0}\nsoftirq 0 0\n")
    put("stat", text)
    if state != prev_state:
        some = "61.00" if state == "sick" else "0.00"
        put("pressure/io", f"some avg10={some} avg60=0.00 avg300=0.00 total=1000\n"
                           f"full avg10={some} avg60=0.00 avg300=0.00 total=1000\n")
        with open(task, "r+b") as f:
            f.seek(state_at)
            f.write(b"D" if state == "sick" else b"S")
        prev_state = state
        open(state_file + ".ready", "w").close()
    time.sleep(0.1)
