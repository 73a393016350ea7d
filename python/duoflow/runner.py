"""``Runner``: start a flow from Python code or a notebook and get the run back.

    with Runner("train.py").run(alpha=0.5) as running:
        print(running.run.data.model_score)

The flow runs as a real ``python flow.py run`` (or ``Rscript flow.R run``) child process, exactly
as from a terminal; its output streams through while it runs, and a failed run raises
:class:`RunFailedError` with what went wrong.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from typing import IO, Any, Dict, List, Optional

from .datastore.root import resolve_root
from .exceptions import DuoflowError, UsageError


class RunFailedError(DuoflowError):
    """A run started by Runner did not succeed."""

    code = "task_failed"


class ExecutingRun:
    """A finished run started by :class:`Runner`: ``.run`` (the client's Run), ``.status``,
    ``.returncode``, ``.stdout``, ``.stderr``. Usable as a context manager."""

    def __init__(self, flow_name: str, root: str, run_id: Optional[str], returncode: int,
                 stdout: str, stderr: str, command: List[str]):
        self.flow_name, self.root, self.run_id = flow_name, root, run_id
        self.returncode, self.stdout, self.stderr, self.command = returncode, stdout, stderr, command

    @property
    def status(self) -> str:
        return "succeeded" if self.returncode == 0 else "failed"

    @property
    def run(self):
        """The run, read through the client (None if the run never started)."""
        if self.run_id is None:
            return None
        from .client.objects import Flow, Run

        return Run._load(Flow._in_datastore(self.root, self.flow_name), self.run_id, check=False)

    def __enter__(self) -> "ExecutingRun":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def __repr__(self) -> str:
        return "<ExecutingRun %s/%s %s>" % (self.flow_name, self.run_id, self.status)


class Runner:
    """Runs one flow file; ``options`` are run options (``max_workers=4``, ``tags=[...]``,
    ``launcher="spawn"``, ``with_decorators=["retry"]``, ``max_num_splits=...``)."""

    def __init__(self, flow_file: str, show_output: bool = True, datastore_root: Optional[str] = None,
                 env: Optional[Dict[str, str]] = None, cwd: Optional[str] = None, **options: Any):
        if not os.path.isfile(flow_file):
            raise UsageError("Runner: flow file %s does not exist" % flow_file)
        self.flow_file = os.path.abspath(flow_file)
        self.show_output = show_output
        self.root = resolve_root(datastore_root, self.flow_file)
        self.env = dict(os.environ, **(env or {}))
        self.cwd = cwd or os.path.dirname(self.flow_file)
        self.options = options

    def run(self, **parameters: Any) -> ExecutingRun:
        """Run the flow with these parameter values; raises RunFailedError if it fails."""
        return self._execute(["run"], parameters)

    def resume(self, step: Optional[str] = None, origin_run_id: Optional[str] = None,
               **parameters: Any) -> ExecutingRun:
        """Resume the latest run (or ``origin_run_id``) from its failure (or from ``step``)."""
        args = ["resume"] + ([step] if step else [])
        if origin_run_id:
            args += ["--origin-run-id", str(origin_run_id)]
        return self._execute(args, parameters)

    # -- internals -------------------------------------------------------------------------
    def _entrypoint(self) -> List[str]:
        if self.flow_file.endswith((".R", ".r")):
            return ["Rscript", self.flow_file]
        return [sys.executable, self.flow_file]

    def _execute(self, args: List[str], parameters: Dict[str, Any]) -> ExecutingRun:
        with tempfile.TemporaryDirectory(prefix="duoflow-runner-") as tmp:
            id_file = os.path.join(tmp, "run-id")
            command = self._entrypoint() + args + ["--datastore-root", self.root, "--run-id-file", id_file]
            command += _option_args(self.options) + _parameter_args(parameters)
            code, out, err = self._spawn(command)
            run_id = open(id_file).read().strip() if os.path.exists(id_file) else None
        flow_name = _flow_name(self.root, run_id)
        result = ExecutingRun(flow_name, self.root, run_id, code, out, err, command)
        if code != 0:
            error = RunFailedError(
                "The run of %s failed (exit code %d)%s" % (os.path.basename(self.flow_file), code,
                                                          ": %s/%s" % (flow_name, run_id) if run_id else ""),
                _summary_lines(err), "Its tasks' logs: %s logs <pathspec>; the run object is in "
                "the exception's .result.run." % " ".join(os.path.basename(c) for c in self._entrypoint()))
            error.result = result
            raise error
        return result

    def _spawn(self, command: List[str]):
        proc = subprocess.Popen(command, cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
        chunks: Dict[str, List[str]] = {"out": [], "err": []}
        threads = [threading.Thread(target=_pump, args=(proc.stdout, chunks["out"], sys.stdout if self.show_output else None)),
                   threading.Thread(target=_pump, args=(proc.stderr, chunks["err"], sys.stderr if self.show_output else None))]
        for thread in threads:
            thread.start()
        code = proc.wait()
        for thread in threads:
            thread.join()
        return code, "".join(chunks["out"]), "".join(chunks["err"])


def _pump(source: IO[str], sink: List[str], echo: Optional[IO[str]]) -> None:
    for line in source:
        sink.append(line)
        if echo is not None:
            echo.write(line)
            echo.flush()
    source.close()


def _option_args(options: Dict[str, Any]) -> List[str]:
    args: List[str] = []
    for name, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + {"tags": "tag", "with_decorators": "with"}.get(name, name).replace("_", "-")
        if value is True:
            args.append(flag)
        elif isinstance(value, (list, tuple)):
            for item in value:
                args += [flag, str(item)]
        else:
            args += [flag, str(value)]
    return args


def _parameter_args(parameters: Dict[str, Any]) -> List[str]:
    args: List[str] = []
    for name, value in parameters.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (dict, list)):
            text = json.dumps(value)
        else:
            text = str(value)
        args += ["--%s" % name, text]
    return args


def _flow_name(root: str, run_id: Optional[str]) -> str:
    """The flow the run belongs to (the run id file names only the run)."""
    if run_id:
        from .datastore.storage.factory import open_storage

        storage = open_storage(root)
        for name in storage.list(""):
            if storage.exists("%s/runs/%s/run.json" % (name, run_id)):
                return name
    return ""


def _summary_lines(stderr: str) -> List[str]:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return lines[-12:]
