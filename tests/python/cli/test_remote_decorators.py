"""Decorators that need a remote system: check and show work, a run is refused before any
task runs (exit 2), naming each decorator, its step and line, and what to do instead."""

from __future__ import annotations


def _line_of(result, text: str) -> int:
    return next(i for i, line in enumerate(result.flow_file.read_text().splitlines(), 1) if text in line)


def test_a_run_with_remote_decorators_is_refused_before_any_task(run_flow):
    result = run_flow("remote_decorators_flow.py", "run")
    assert result.returncode == 2, result.describe()
    err = result.stderr
    assert "RemoteDecoratorsFlow uses what needs a remote system; nothing was run" in err
    start, middle, end = (_line_of(result, "def %s(" % s) for s in ("start", "middle", "end"))
    assert "remote_decorators_flow.py:%d  step 'start': @batch runs steps on AWS Batch; duoflow does " \
           "not run it. Instead: remove @batch to run the step locally" % start in err
    assert "remote execution on Dask is planned (--with dask)" in err
    assert "remote_decorators_flow.py:%d  step 'middle': @kubernetes" % middle in err
    assert "step 'middle': @secrets fetches secrets from a secrets manager" in err
    assert "remote_decorators_flow.py:%d  step 'end': @pypi" % end in err
    assert "install the packages into the active environment (pip install pandas==2.1.0)" in err
    assert "flow RemoteDecoratorsFlow: @conda_base" in err
    assert "START RAN" not in result.output
    assert not result.store.exists() or not any(result.store.glob("*/runs/*"))


def test_check_and_show_still_work(run_flow):
    checked = run_flow("remote_decorators_flow.py", "check")
    assert checked.returncode == 0, checked.describe()
    assert "Note: run refuses what needs a remote system:" in checked.stdout
    assert "step 'start': @batch runs steps on AWS Batch" in checked.stdout
    shown = run_flow("remote_decorators_flow.py", "show")
    assert shown.returncode == 0, shown.describe()
    assert "@batch(cpu=4, queue='jobs')" in shown.stdout
    assert shown.stdout.splitlines()[1] == "  @conda_base(python='3.11')"


def test_with_a_remote_decorator_is_refused(run_flow):
    result = run_flow("linear_flow.py", "run", "--with", "batch:cpu=2")
    assert result.returncode == 2, result.describe()
    assert "--with batch:cpu=2: @batch runs steps on AWS Batch; duoflow does not run it. Instead: " \
           "drop --with batch" in result.stderr
    conda = run_flow("linear_flow.py", "--with", "conda", "run")
    assert conda.returncode == 2 and "install the packages into the active environment" in conda.stderr
    assert run_flow("linear_flow.py", "show", "--with", "kubernetes").returncode == 0
