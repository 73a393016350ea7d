"""Flow decorators without a local effect are accepted and recorded; @project names the
branch (current, system tags, run record, client) by Metaflow's rules; @exit_hook functions
run when the run ends."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run_with(run_flow, flow: str, *top: str, env=None, args=()):
    """``python FLOW TOP... run ARGS...``: top-level options go before the command, as in
    Metaflow, so the run id file is given here."""
    id_file = run_flow.workdir / ("%s.run-id" % "-".join(top or ("plain",)))
    result = run_flow(flow, *top, "run", *args, "--run-id-file", str(id_file), env=env)
    result.run_id_file = id_file
    return result


def _facts(result) -> dict:
    line = next(l for l in result.stdout.splitlines() if "FACTS " in l)
    return json.loads(line.split("FACTS ", 1)[1])


def _client(result, code: str) -> str:
    """Evaluate ``code`` with ``run`` bound to the result's run, in a fresh interpreter."""
    script = ("from duoflow import Run\nrun = Run(%r, _namespace_check=False)\nprint(repr(%s))"
              % ("%s/%s" % (result.flow_name, result.run_id), code))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=result.runner.env(), cwd=str(result.runner.workdir))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.mark.parametrize("args, branch, production", [
    ((), "user.alice", False),
    (("--branch", "feat_1"), "test.feat_1", False),
    (("--production",), "prod", True),
    (("--branch", "feat_1", "--production"), "prod.feat_1", True),
])
def test_project_branch_follows_metaflow_naming(run_flow, launcher, args, branch, production):
    result = run_with(run_flow, "project_decorators_flow.py", *args, env={"DUOFLOW_USER": "alice"})
    assert result.returncode == 0, result.describe()
    expected = {"project_name": "demo", "branch_name": branch, "is_user_branch": not args,
                "is_production": production,
                "project_flow_name": "demo.%s.ProjectDecoratorsFlow" % branch}
    assert _facts(result) == expected  # with both launchers: forked and freshly started tasks
    record = result.run_json()
    assert record["project"] == expected
    assert {"project:demo", "project_branch:%s" % branch} <= set(record["system_tags"])
    assert _client(result, "sorted(t for t in run.system_tags if t.startswith('project'))") == \
        repr(["project:demo", "project_branch:%s" % branch])
    assert _client(result, "run.project['branch_name']") == repr(branch)


def test_flow_decorators_without_local_effect_are_recorded(run_flow):
    result = run_flow("project_decorators_flow.py", "run")
    assert result.returncode == 0, result.describe()
    recorded = {d["name"]: d["attributes"] for d in result.run_json()["flow_decorators"]}
    assert recorded["schedule"] == {"hourly": False, "daily": True, "weekly": False,
                                    "cron": "0 6 * * *", "timezone": None}
    assert recorded["trigger"]["event"] == "data_updated"
    assert recorded["trigger_on_finish"]["flow"] == "OtherFlow"
    names = _client(result, "[d['name'] for d in run.flow_decorators]")
    assert names == repr(["trigger_on_finish", "trigger", "schedule", "project"])


@pytest.mark.parametrize("flow, args, message", [
    ("project_decorators_flow.py", ("--branch", "Bad-Name"), "The branch name must contain only lowercase"),
    ("project_branch_attr_flow.py", ("--branch", "other"), "You cannot pass branch as both a command-line"),
    ("no_docstring_flow.py", ("--production",), "--branch and --production need a @project decorator"),
])
def test_bad_project_options_stop_the_run_before_it_starts(run_flow, flow, args, message):
    result = run_flow(flow, *args, "run")
    assert result.returncode == 2, result.describe()
    assert message in result.stderr
    assert not result.store.exists() or not any(result.store.glob("*/runs/*"))


def test_project_branch_attribute_is_used(run_flow):
    result = run_with(run_flow, "project_branch_attr_flow.py", "--branch", "fixed")
    assert result.returncode == 0, result.describe()
    assert result.run_json()["project"]["branch_name"] == "test.fixed"


def test_exit_hooks_run_at_the_end_and_never_change_the_outcome(run_flow):
    result = run_flow("exit_hooks_flow.py", "run")
    assert result.returncode == 0, result.describe()
    lines = result.stdout.splitlines()
    assert "[exit_hook] Hook 'broken_hook' failed with error: RuntimeError: hook trouble" in lines
    assert "HOOK by_name ExitHooksFlow/%s succeeded" % result.run_id in lines
    assert lines.index("HOOK by_name ExitHooksFlow/%s succeeded" % result.run_id) > \
        max(i for i, l in enumerate(lines) if "END RAN" in l)
    assert "on_error" not in result.stdout


def test_error_hooks_run_when_the_run_fails(run_flow):
    result = run_flow("exit_hooks_flow.py", "run", "--fail", "true")
    assert result.returncode == 1, result.describe()
    assert "HOOK on_error run=False" in result.stdout
    assert "[exit_hook] Hook 'exiting_hook' failed with error: SystemExit: 3" in result.stdout
    assert "by_name" not in result.stdout


def test_show_lists_the_flow_decorators(run_flow):
    result = run_flow("project_decorators_flow.py", "show")
    assert result.returncode == 0, result.describe()
    assert result.stdout.splitlines()[:5] == [
        "Flow ProjectDecoratorsFlow",
        "  @trigger_on_finish(flow='OtherFlow', flows=[], options={})",
        "  @trigger(event='data_updated', events=[], options={})",
        "  @schedule(hourly=False, daily=True, weekly=False, cron='0 6 * * *', timezone=None)",
        "  @project(name='demo', branch=None, production=False)",
    ]


def test_step_decorators_without_local_effect_are_recorded(run_flow):
    result = run_flow("linear_flow.py", "run", "--with", "card:type='blank'")
    assert result.returncode == 0, result.describe()
    decorators = _client(result, "[d['name'] for d in run['start'].decorators]")
    assert decorators == repr(["card"])
    assert _client(result, "run['start'].decorators[0]['attributes']['type']") == repr("blank")
