"""Resume benchmark: a 1,000-way foreach with one failed task, resumed, against a fresh run.

Prints the wall time of a fresh successful run, of the resume (997+ tasks cloned, the failed one
and the join re-run), and the metadata time spent cloning (recorded in run.json).
Target: the resume costs less than 10% of the fresh run.

    python bench/resume.py [--width 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

FLOW_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "flows", "resume_flow.py")


def timed(cmd, cwd, env, expect):
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != expect:
        raise SystemExit("%s exited %d (expected %d)\n%s" % (" ".join(cmd), result.returncode, expect,
                                                             result.stderr[-2000:]))
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--width", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    fresh, resumed, cloning = [], [], []
    with tempfile.TemporaryDirectory(prefix="duoflow-bench-resume-") as tmp:
        flow = os.path.join(tmp, "resume_flow.py")
        shutil.copyfile(FLOW_FILE, flow)
        env = dict(os.environ, WIDTH=str(args.width), DUOFLOW_DATASTORE_ROOT=os.path.join(tmp, "store"))
        base = [sys.executable, flow]
        for _ in range(args.repeat):
            fresh.append(timed(base + ["run", "--quiet"], tmp, env, 0))
            failing = dict(env, FAIL_ITEM=str(args.width // 2))
            timed(base + ["run", "--quiet", "--keep-going"], tmp, failing, 1)
            id_file = os.path.join(tmp, "resumed.id")
            resumed.append(timed(base + ["resume", "--quiet", "--run-id-file", id_file], tmp, env, 0))
            run_id = open(id_file).read().strip()
            with open(os.path.join(tmp, "store", "ResumeFlow", "runs", run_id, "run.json")) as handle:
                info = json.load(handle)
            cloning.append((info["clone_seconds"], len(info["cloned_tasks"])))
    fresh_s, resumed_s = statistics.median(fresh), statistics.median(resumed)
    clone_s = statistics.median(c[0] for c in cloning)
    print("%-44s %10s" % ("measure (%d-way foreach, median of %d)" % (args.width, args.repeat), "seconds"))
    print("%-44s %10.3f" % ("fresh run, all tasks", fresh_s))
    print("%-44s %10.3f" % ("resume after 1 failed task (whole command)", resumed_s))
    print("%-44s %10.3f" % ("  of which cloning %d tasks (metadata)" % cloning[0][1], clone_s))
    print("%-44s %9.1f%%" % ("resume / fresh", 100 * resumed_s / fresh_s))


if __name__ == "__main__":
    main()
