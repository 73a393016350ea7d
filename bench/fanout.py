"""Fan-out benchmark: start -> foreach over N trivial tasks -> join -> end, and a 5-step linear flow.

Prints wall time and per-task overhead for each launcher (and for Metaflow, when it is
importable by the same Python: the flows differ only in their import line).

    python bench/fanout.py                 # N = 10 and 1000, fork; spawn at N = 10 and 100
    python bench/fanout.py --sizes 10 200 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

FLOWS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "flows")


def write_flow(directory: str, name: str, package: str) -> str:
    """bench/flows/NAME (written for duoflow) with the engine's import line, in ``directory``."""
    with open(os.path.join(FLOWS, name)) as handle:
        source = handle.read().replace("from duoflow import", "from %s import" % package)
    path = os.path.join(directory, name)
    with open(path, "w") as handle:
        handle.write(source)
    return path


def timed_run(cmd, cwd, env) -> float:
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit("benchmark run failed: %s\n%s" % (" ".join(cmd), result.stderr[-2000:]))
    return elapsed


def bench_engine(engine: str, sizes, spawn_sizes, repeat: int, workers):
    rows = []
    with tempfile.TemporaryDirectory(prefix="duoflow-bench-") as tmp:
        env = dict(os.environ)
        package = "duoflow" if engine == "duoflow" else "metaflow"
        fan = write_flow(tmp, "fanout_flow.py", package)
        lin = write_flow(tmp, "linear_flow.py", package)
        if engine == "duoflow":
            env["DUOFLOW_DATASTORE_ROOT"] = os.path.join(tmp, "store")
            launchers = [("fork", sizes), ("spawn", spawn_sizes)]
        else:
            env.setdefault("USERNAME", "bench")
            env["METAFLOW_DATASTORE_SYSROOT_LOCAL"] = tmp
            launchers = [("subprocess", spawn_sizes)]
        for launcher, ns in launchers:
            extra = ["--launcher", launcher] if engine == "duoflow" else []
            if workers:
                extra += ["--max-workers", str(workers)]
            lin_times = [timed_run([sys.executable, lin, "run", "--quiet" if engine == "duoflow" else "--quiet"] + extra, tmp, env)
                         for _ in range(repeat)]
            rows.append((engine, launcher, "linear 5 steps", 5, statistics.median(lin_times), None))
            base = None
            for n in ns:
                splits = ["--max-num-splits", str(max(n, 100))]
                times = [timed_run([sys.executable, fan, "run", "--quiet", "--n", str(n)] + splits + extra, tmp, env)
                         for _ in range(repeat)]
                wall = statistics.median(times)
                per_task = None
                if base is not None:
                    per_task = (wall - base[1]) / (n - base[0])
                else:
                    base = (n, wall)
                rows.append((engine, launcher, "fan-out", n + 3, wall, per_task))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000], help="fan-out widths (fork)")
    parser.add_argument("--spawn-sizes", type=int, nargs="+", default=[10, 100], help="fan-out widths (spawn)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (the median is shown)")
    parser.add_argument("--max-workers", type=int, default=None)
    args = parser.parse_args()
    rows = bench_engine("duoflow", args.sizes, args.spawn_sizes, args.repeat, args.max_workers)
    try:
        import metaflow  # noqa: F401

        rows += bench_engine("metaflow", args.sizes, args.spawn_sizes, args.repeat, args.max_workers)
    except ImportError:
        print("(metaflow is not installed here: duoflow figures only)\n")
    print("%-9s %-10s %-15s %7s %10s %16s" % ("engine", "launcher", "flow", "tasks", "wall (s)", "per task (ms)"))
    for engine, launcher, flow, tasks, wall, per_task in rows:
        per = "%.1f" % (per_task * 1000) if per_task is not None else "-"
        print("%-9s %-10s %-15s %7d %10.3f %16s" % (engine, launcher, flow, tasks, wall, per))
    print("\nper task = extra wall time per extra task between the smallest and each larger fan-out; "
          "%d cores, median of %d runs." % (os.cpu_count() or 1, args.repeat))


if __name__ == "__main__":
    main()
