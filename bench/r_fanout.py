"""R fan-out benchmark: an R flow with a foreach over N trivial R tasks (forked R processes).

Prints wall time and per-task overhead (the extra time per extra task between two widths).
Target: under 50 ms per R task with the fork launcher.

    python bench/r_fanout.py [--sizes 10 200] [--repeat 3] [--spawn]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

FLOW_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "flows", "r_fanout_flow.R")


def timed(cmd, cwd, env) -> float:
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit("run failed:\n" + result.stderr[-3000:])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 200])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--spawn", action="store_true", help="also measure the spawn launcher (slow)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="duoflow-bench-r-") as tmp:
        shutil.copyfile(FLOW_FILE, os.path.join(tmp, "fanout.R"))
        env = dict(os.environ, DUOFLOW_DATASTORE_ROOT=os.path.join(tmp, "store"))
        env.setdefault("DUOFLOW_PYTHON", sys.executable)
        launchers = ["fork"] + (["spawn"] if args.spawn else [])
        for launcher in launchers:
            sizes = args.sizes if launcher == "fork" else [min(args.sizes), min(args.sizes) + 10]
            base = None
            for n in sizes:
                env["WIDTH"] = str(n)
                wall = statistics.median(timed(["Rscript", "fanout.R", "run", "--quiet", "--launcher", launcher],
                                               tmp, env) for _ in range(args.repeat))
                per_task = None if base is None else (wall - base[1]) / (n - base[0])
                base = base or (n, wall)
                rows.append((launcher, n, wall, per_task))
    print("%-8s %7s %10s %16s" % ("launcher", "R tasks", "wall (s)", "per task (ms)"))
    for launcher, n, wall, per_task in rows:
        print("%-8s %7d %10.2f %16s" % (launcher, n, wall, "-" if per_task is None else "%.1f" % (per_task * 1000)))
    print("\n%d cores, median of %d runs; per task = extra wall time per extra task." % (os.cpu_count(), args.repeat))


if __name__ == "__main__":
    main()
