"""Run the differential cases (cases.py) on duoflow, and optionally on Metaflow, and compare.

    python tests/compat/harness.py --duoflow-python .venv/bin/python \\
        [--metaflow-python bench/.venv-metaflow/bin/python] [--only NAME,NAME]

Each case runs in a fresh directory with only its flow (and files) in it: for duoflow the
import lines are changed (``from metaflow[.cards] import`` -> ``from duoflow[.cards] import``),
nothing else. An
outcome is the last command's exit code, its sorted ``RESULT:`` lines, and the client reads
done afterwards in the same engine's Python. Prints a table; exits 1 when an outcome differs
from what the case expects (duoflow) or from duoflow's without a documented reason (Metaflow).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import BY_NAME, CASES, USER, Case  # noqa: E402

FLOWS = HERE / "flows"
_RESULT = re.compile(r"RESULT: (.*?)\s*$")
_CLASS = re.compile(r"^class\s+(\w+)\s*\(\s*FlowSpec\s*\)", re.MULTILINE)
TIMEOUT = 180

# Reads the latest run of a flow with the engine's own client; prints one JSON line per read.
_CLIENT_SCRIPT = """
import json, sys
from {engine} import Flow, namespace
namespace(None)
run = Flow(sys.argv[1]).latest_run
for expr in json.loads(sys.argv[2]):
    try:
        value = repr(eval(expr))
    except Exception as exc:
        value = "error: %s: %s" % (type(exc).__name__, exc)
    print("CLIENT " + json.dumps(value))
"""


@dataclass
class Outcome:
    exit_code: int
    results: List[str]
    client: List[str] = field(default_factory=list)
    output: str = ""

    def summary(self) -> Tuple[int, List[str], List[str]]:
        return self.exit_code, self.results, self.client


def engine_env(engine: str, workdir: Path) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DUOFLOW_", "METAFLOW_", "PYTEST_"))}
    env.update(USER=USER, USERNAME=USER, LOGNAME=USER, HOME=str(workdir), PYTHONUNBUFFERED="1")
    if engine == "metaflow":
        env.update(METAFLOW_USER=USER, METAFLOW_HOME=str(workdir / ".metaflowconfig"))
    else:
        env.update(DUOFLOW_USER=USER)
    return env


def prepare(case: Case, engine: str, workdir: Path) -> Path:
    """Copy the case's flow (import line changed for duoflow) and files into ``workdir``."""
    workdir.mkdir(parents=True, exist_ok=True)
    text = (FLOWS / case.flow).read_text()
    if engine == "duoflow":
        text = re.sub(r"^from metaflow(\.| )", r"from duoflow\1", text, flags=re.MULTILINE)
    (workdir / case.flow).write_text(text)
    for name in case.files:
        shutil.copyfile(FLOWS / name, workdir / name)
    return workdir / case.flow


def run_case(case: Case, engine: str, python: str, workdir: Path) -> Outcome:
    """Run every command of the case with ``python``; the outcome of the last one."""
    flow_file = prepare(case, engine, workdir)
    env = engine_env(engine, workdir)
    proc = None
    for command in case.commands:
        proc = subprocess.run([python, flow_file.name, *command], cwd=str(workdir), env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              errors="replace", timeout=TIMEOUT)
    output = proc.stdout + "\n" + proc.stderr
    if case.probe is not None:
        results = case.probe(output)
    else:
        results = sorted(m.group(1) for m in map(_RESULT.search, output.splitlines()) if m)
    outcome = Outcome(proc.returncode, results, output=output)
    if case.client and proc.returncode == 0:
        outcome.client = read_client(case, engine, python, workdir, env)
    return outcome


def read_client(case: Case, engine: str, python: str, workdir: Path, env: Dict[str, str]) -> List[str]:
    flow_name = _CLASS.search((FLOWS / case.flow).read_text()).group(1)
    exprs = [expr for expr, _ in case.client]
    proc = subprocess.run([python, "-c", _CLIENT_SCRIPT.format(engine=engine), flow_name, json.dumps(exprs)],
                          cwd=str(workdir), env=env, capture_output=True, text=True, timeout=TIMEOUT)
    values = [json.loads(line[7:]) for line in proc.stdout.splitlines() if line.startswith("CLIENT ")]
    return values if len(values) == len(exprs) else ["client failed: %s" % proc.stderr.strip()[-300:]]


def expected(case: Case) -> Tuple[int, List[str], List[str]]:
    return case.exit_code, sorted(case.results), [value for _, value in case.client]


def compare(cases: List[Case], duoflow_python: str, metaflow_python: Optional[str]) -> int:
    rows = []
    bad = 0
    with tempfile.TemporaryDirectory(prefix="duoflow-compat-") as tmp:
        for case in cases:
            duo = run_case(case, "duoflow", duoflow_python, Path(tmp) / case.name / "duoflow")
            duo_ok = duo.summary() == expected(case)
            verdict = "agrees" if duo_ok else "DUOFLOW WRONG"
            if metaflow_python:
                meta = run_case(case, "metaflow", metaflow_python, Path(tmp) / case.name / "metaflow")
                if meta.summary() != duo.summary():
                    verdict = "differs (documented)" if case.differs else "DIFFERS"
                    if not case.differs or not duo_ok:
                        bad += 1
                    rows.append((case.name, verdict, _show(duo), _show(meta)))
                    continue
                rows.append((case.name, verdict, _show(duo), _show(meta)))
            else:
                rows.append((case.name, verdict, _show(duo), "-"))
            bad += not duo_ok
    _print_table(rows)
    for name, verdict, duo, meta in rows:
        if verdict != "agrees":
            print("\n%s: %s\n  duoflow:  %s\n  metaflow: %s" % (name, verdict, duo, meta))
            if BY_NAME[name].differs:
                print("  why: %s" % BY_NAME[name].differs)
    return 1 if bad else 0


def _show(outcome: Outcome) -> str:
    text = "exit %d; %s" % (outcome.exit_code, "; ".join(outcome.results) or "no results")
    if outcome.client:
        text += "; client: %s" % ", ".join(outcome.client)
    return text


def _print_table(rows) -> None:
    width = max(len(r[0]) for r in rows)
    print("%-*s  %-22s  %s" % (width, "case", "verdict", "duoflow (exit; results)"))
    for name, verdict, duo, _ in rows:
        print("%-*s  %-22s  %s" % (width, name, verdict, duo[:90]))
    agree = sum(1 for r in rows if r[1] == "agrees")
    print("\n%d of %d cases agree; %d differ with a documented reason; %d need attention."
          % (agree, len(rows), sum(1 for r in rows if r[1] == "differs (documented)"),
             sum(1 for r in rows if r[1] in ("DIFFERS", "DUOFLOW WRONG"))))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duoflow-python", default=sys.executable)
    parser.add_argument("--metaflow-python", default=None)
    parser.add_argument("--only", default="", help="comma-separated case names")
    args = parser.parse_args(argv)
    to_abs = lambda p: os.path.abspath(p) if p and os.sep in p else p  # noqa: E731 - cwd changes per case
    args.duoflow_python, args.metaflow_python = to_abs(args.duoflow_python), to_abs(args.metaflow_python)
    cases = [BY_NAME[n] for n in args.only.split(",") if n] if args.only else CASES
    return compare(cases, args.duoflow_python, args.metaflow_python)


if __name__ == "__main__":
    sys.exit(main())
