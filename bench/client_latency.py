"""Client latency: ``Flow("X").latest_run["end"].task.data.x`` as a whole fresh Python process.

Runs a small flow once (plus ``--history`` copies of that run, so the flow has a past to list),
then times fresh interpreters, median of ``--repeat``:
  1. ``python -c pass``                 the interpreter alone (site, .pth files)
  2. ``python -c "import duoflow"``     the package import
  3. the client one-liner              import + find the latest run + read one artifact
Target for 3: under 0.15 s including the interpreter start (Metaflow measured here: about 0.3 s).

    python bench/client_latency.py
    python bench/client_latency.py --repeat 20 --history 500 --importtime

Times use ``sys.executable`` (the real interpreter): a pyenv shim in front of ``python3`` costs
tens of milliseconds more per start, which is the shim's, not duoflow's. Processes get a bytecode
cache in a temporary ``PYTHONPYCACHEPREFIX`` (as an installed package has); when the calling
environment sets ``PYTHONDONTWRITEBYTECODE``, the one-liner is also timed as configured, where
every start compiles duoflow's sources again.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_SECONDS = 0.15
REPO_PYTHON = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python")

FLOW = '''
from duoflow import FlowSpec, step

class LatencyFlow(FlowSpec):
    @step
    def start(self):
        self.x = 41
        self.next(self.end)

    @step
    def end(self):
        self.x += 1

if __name__ == "__main__":
    LatencyFlow()
'''

ONE_LINER = ("from duoflow import Flow; "
             "print(Flow('LatencyFlow').latest_run['end'].task.data.x)")

CASES = [
    ("interpreter (python -c pass)", "pass", ""),
    ("import duoflow", "import duoflow", ""),
    ("Flow(...).latest_run['end'].task.data.x", ONE_LINER, "42"),
]


def bench_env(store: str, pycache: str = "") -> dict:
    """The processes' environment; with ``pycache``, a bytecode cache there (written freely)."""
    env = dict(os.environ)
    env["DUOFLOW_DATASTORE_ROOT"] = store
    if pycache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    if importlib.util.find_spec("duoflow") is None or "PYTHONPATH" in env:
        paths = [os.path.abspath(p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        env["PYTHONPATH"] = os.pathsep.join([REPO_PYTHON] + [p for p in paths if p != REPO_PYTHON])
    return env


def make_history(store: str, flow: str, copies: int) -> None:
    """Copy the flow's only run ``copies`` times under new ids (the newest stays the real one)."""
    runs = os.path.join(store, flow, "runs")
    (only,) = os.listdir(runs)
    for offset in range(1, copies + 1):
        run_id = str(int(only) - offset)
        target = os.path.join(runs, run_id)
        shutil.copytree(os.path.join(runs, only), target)
        with open(os.path.join(target, "run.json")) as handle:
            info = json.load(handle)
        info["run_id"] = run_id
        with open(os.path.join(target, "run.json"), "w") as handle:
            json.dump(info, handle)


def time_once(code: str, cwd: str, env: dict, expected: str) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0 or result.stdout.strip() != expected:
        raise SystemExit("benchmark command failed: %s\n%s%s" % (code, result.stdout, result.stderr))
    return elapsed


def import_profile(cwd: str, env: dict, top: int = 15) -> str:
    """The ``top`` slowest imports (cumulative microseconds) of the one-liner."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", ONE_LINER], cwd=cwd, env=env,
                            capture_output=True, text=True)
    rows = []
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line[len("import time:"):].split("|")
            if cumulative.strip().isdigit():
                rows.append((int(cumulative), name.rstrip()))
    rows.sort(reverse=True)
    return "\n".join("  %8.1f ms  %s" % (us / 1000.0, name) for us, name in rows[:top])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10, help="fresh processes per row (median shown)")
    parser.add_argument("--history", type=int, default=100, help="older runs of the flow to add")
    parser.add_argument("--importtime", action="store_true", help="also show the slowest imports")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="duoflow-client-bench-") as tmp:
        store = os.path.join(tmp, "store")
        env = bench_env(store, pycache=os.path.join(tmp, "pycache"))
        flow_file = os.path.join(tmp, "latency_flow.py")
        with open(flow_file, "w") as handle:
            handle.write(FLOW)
        run = subprocess.run([sys.executable, flow_file, "run", "--quiet"], cwd=tmp, env=env,
                             capture_output=True, text=True)
        if run.returncode != 0:
            raise SystemExit("the flow failed:\n%s%s" % (run.stdout, run.stderr))
        make_history(store, "LatencyFlow", args.history)

        cases = [(label, code, expected, env) for label, code, expected in CASES]
        if os.environ.get("PYTHONDONTWRITEBYTECODE"):
            cases.append(("  same, PYTHONDONTWRITEBYTECODE as here", ONE_LINER, "42", bench_env(store)))
        rows = []
        for label, code, expected, case_env in cases:
            time_once(code, tmp, case_env, expected)  # warm the OS cache and the bytecode cache
            times = [time_once(code, tmp, case_env, expected) for _ in range(args.repeat)]
            rows.append((label, statistics.median(times), min(times), max(times)))

        print("%-42s %10s %10s %10s" % ("fresh process", "median (s)", "min (s)", "max (s)"))
        for label, median, low, high in rows:
            print("%-42s %10.3f %10.3f %10.3f" % (label, median, low, high))
        client = rows[2][1]
        print("\nclient one-liner: %.3f s median of %d (target < %.2f s: %s); the flow has %d runs; %s"
              % (client, args.repeat, TARGET_SECONDS, "met" if client < TARGET_SECONDS else "MISSED",
                 args.history + 1, sys.executable))
        print("client work beyond `import duoflow`: %.3f s" % (client - rows[1][1]))
        if args.importtime or client >= TARGET_SECONDS:
            print("\nslowest imports of the one-liner (cumulative):\n" + import_profile(tmp, env))


if __name__ == "__main__":
    main()
