"""R data at native speed (B8): duoflow's R bridge against R's saveRDS/readRDS of the same value.

Runs bench/flows/r_data_flow.R (an R step writing, another reading, a data.frame of double,
integer, factor, Date and character columns, then one single-column frame per type, a double
vector and a 10-column double matrix, written in a foreach and read in the join) and bench/flows/pandas_frame_flow.py + r_client_read.R (the R
client reading a pandas frame), RUNS times per size, and prints medians: duoflow's time, R's own
saveRDS/readRDS (uncompressed, same session, same value) and their ratio.

- write: ``self$x <- value`` (the bridge) plus storing that value as the task does when it ends
  (encode, checksum, write the blob: timed by storing it once more into a scratch datastore);
  saveRDS to a file for reference;
- read: ``self$df`` / ``inputs[[i]]$value`` / ``task$artifact("df")``, first and second time in
  the same task (the second comes from the task's cache); readRDS for reference;
- read peak: growth of the task's peak resident set (VmHWM, reset before the read) during the
  first read of the frame, against the frame's size in R (object.size);
- python read: a Python process reading the R-written frame through the client, against
  pandas.read_pickle of the same frame.

    python bench/r_data.py                       # 1e6 and 1e7 rows, 5 and 3 runs
    python bench/r_data.py --rows 1e6 --runs 3

Timings within R use proc.time() (1 ms resolution). The machine may be shared: min and max are
printed beside each median.
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FLOWS = os.path.join(HERE, "flows")
ORDER = ["frame", "double", "integer", "logical", "factor", "Date", "POSIXct", "character", "vector", "matrix"]


def environment(tmp: str, rows: str, out: str) -> dict:
    env = dict(os.environ, ROWS=rows, BENCH_OUT=out, DUOFLOW_DATASTORE_ROOT=os.path.join(tmp, "store"))
    env.setdefault("DUOFLOW_PYTHON", sys.executable)
    if os.path.isdir(os.path.join(ROOT, ".rlib")):
        env.setdefault("R_LIBS", os.path.join(ROOT, ".rlib"))
    return env


def run(cmd, cwd, env) -> None:
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise SystemExit("%s failed:\n%s" % (" ".join(cmd), done.stderr[-3000:]))


def run_id(path: str) -> str:
    with open(path) as handle:
        return handle.read().strip()


def one_session(rows: str, tmp: str) -> list:
    """One run of each flow: ``[(phase, type, wall, cpu, reference wall, reference cpu)]``."""
    out = os.path.join(tmp, "out.tsv")
    env = environment(tmp, rows, out)
    id_file = os.path.join(tmp, "run.id")
    run(["Rscript", os.path.join(FLOWS, "r_data_flow.R"), "run", "--quiet", "--max-workers", "1",
         "--run-id-file", id_file], tmp, env)
    r_run = run_id(id_file)
    run([sys.executable, os.path.join(FLOWS, "pandas_frame_flow.py"), "run", "--quiet", "--run-id-file", id_file],
        tmp, env)
    py_run = run_id(id_file)
    probe = subprocess.run([sys.executable, "-c", PROBE, r_run, py_run, out], env=env, capture_output=True, text=True)
    if probe.returncode:
        raise SystemExit(probe.stderr[-3000:])
    run(["Rscript", os.path.join(FLOWS, "r_client_read.R"), py_run, probe.stdout.strip()], tmp, env)
    samples = []
    with open(out) as handle:
        for line in handle:
            phase, kind, *numbers = line.split()
            samples.append((phase, kind, *map(float, numbers)))
    return samples


# In a fresh Python: Python reading the R-written frame; prints the pandas flow's start task id.
PROBE = r'''
import sys, time, pickle
import pandas, pyarrow  # imported before timing: a Python that reads frames has them loaded
from duoflow import Flow, namespace
namespace(None)
r_run, py_run, out = sys.argv[1:4]
task = Flow("RDataFlow")[r_run]["start"].task
wall, cpu = time.perf_counter(), time.process_time()
df = task.data.df
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
buffer = pickle.dumps(df, protocol=5)
ref_wall, ref_cpu = time.perf_counter(), time.process_time()
pickle.loads(buffer)
ref_wall, ref_cpu = time.perf_counter() - ref_wall, time.process_time() - ref_cpu
with open(out, "a") as handle:
    handle.write("python_read\tframe\t%f\t%f\t%f\t%f\n" % (wall, cpu, ref_wall, ref_cpu))
print(Flow("PandasFrameFlow")[py_run]["start"].task.id)
'''

PHASES = ["write", "read", "read_again", "client_read", "client_read_again", "python_read", "read_peak"]


def summarize(samples: list) -> list:
    """Per (phase, type): medians of wall, CPU and their references, min and max wall."""
    groups = collections.OrderedDict()
    for phase, kind, *numbers in samples:
        groups.setdefault((phase, kind), []).append(numbers)
    rows = []
    for (phase, kind), runs in groups.items():
        wall, cpu, ref_wall, ref_cpu = (statistics.median(r[i] for r in runs) for i in range(4))
        walls = [r[0] for r in runs]
        rows.append({"phase": phase, "type": kind, "wall": wall, "min": min(walls), "max": max(walls),
                     "cpu": cpu, "ref_wall": ref_wall, "ref_cpu": ref_cpu})
    rows.sort(key=lambda r: (PHASES.index(r["phase"]) if r["phase"] in PHASES else 99,
                             ORDER.index(r["type"]) if r["type"] in ORDER else 99))
    return rows


def ratio(a: float, b: float) -> str:
    return "%7.1fx" % (a / b) if b > 0 else "%8s" % "-"


def table(rows_label: str, rows: list, runs: int) -> str:
    head = "%-18s %-10s %9s %9s %9s %9s %8s %9s %9s %8s" % (
        "operation", "type", "wall", "min", "max", "RDS wall", "ratio", "CPU", "RDS CPU", "ratio")
    lines = ["%s rows, median of %d runs" % (rows_label, runs), head]
    for r in rows:
        if r["phase"] == "read_peak":
            lines.append("%-18s %-10s %8.0fM %38s %7.2fx  (peak growth / object.size %.0fM)" % (
                r["phase"], r["type"], r["wall"] / 2 ** 20, "", r["wall"] / r["ref_wall"], r["ref_wall"] / 2 ** 20))
            continue
        lines.append("%-18s %-10s %8.3fs %8.3fs %8.3fs %8.3fs %s %8.3fs %8.3fs %s" % (
            r["phase"], r["type"], r["wall"], r["min"], r["max"], r["ref_wall"], ratio(r["wall"], r["ref_wall"]),
            r["cpu"], r["ref_cpu"], ratio(r["cpu"], r["ref_cpu"])))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="1e6,1e7", help="comma-separated sizes (default 1e6,1e7)")
    parser.add_argument("--runs", default="", help="runs per size, comma-separated (default 5 for 1e6, 3 above)")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.rows.split(",") if s.strip()]
    counts = [int(c) for c in args.runs.split(",")] if args.runs else [5 if float(s) <= 1e6 else 3 for s in sizes]
    counts += counts[-1:] * (len(sizes) - len(counts))
    for size, count in zip(sizes, counts):
        samples = []
        for _ in range(count):
            with tempfile.TemporaryDirectory(prefix="duoflow-bench-rdata-") as tmp:
                samples += one_session(size, tmp)
        print(table(size, summarize(samples), count), flush=True)
        print()
    print("ratio = duoflow median / R's saveRDS (writes) or readRDS (reads) median of the same value in the same "
          "session, in wall and in CPU time\n(user+system of the R process, which embeds Python: steadier than wall "
          "on a shared machine); read_peak: peak resident growth\nduring the first read / object.size of the frame; "
          "python_read: against pickle.loads of the same pandas frame.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
