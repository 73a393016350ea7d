"""Config and config_expr: read before the flow class is finalised (decorator arguments use
them), from files, values and defaults; recorded with the run; read-only in steps."""

from __future__ import annotations

import json

import pytest


def _values(result) -> dict:
    line = next(l for l in result.stdout.splitlines() if "VALUES " in l)
    return json.loads(line.split("VALUES ", 1)[1])


def run_with(run_flow, flow: str, *top: str, args=()):
    id_file = run_flow.workdir / ("%s-%d.run-id" % (flow, len(list(run_flow.workdir.glob("*.run-id")))))
    result = run_flow(flow, *top, "run", *args, "--run-id-file", str(id_file))
    result.run_id_file = id_file
    return result


def test_defaults_parsers_and_plain_configs(run_flow, launcher):
    result = run_with(run_flow, "config_flow.py")
    assert result.returncode == 0, result.describe()
    values = _values(result)
    assert values == {"settings": {"project": "cfgdemo", "retries": 2, "cpu": 3},
                      "extra": {"a": "1", "b": "2"}, "plain": ["x", "y"], "needed": None,
                      "retries": 2, "branch": "user.%s" % values["branch"][5:]}
    assert "CHANGE REFUSED ReadOnlyError" in result.stdout
    record = result.run_json()
    assert record["configs"] == {"settings": {"project": "cfgdemo", "retries": 2, "cpu": 3},
                                 "extra": {"a": "1", "b": "2"}, "plain": ["x", "y"], "needed": None}
    assert record["project"]["project_name"] == "cfgdemo"  # config_expr in a flow decorator
    start = next(s for s in record["graph"]["steps"] if s["name"] == "start")
    decorators = {d["name"]: d["attributes"] for d in start["decorators"]}
    assert decorators["retry"]["times"] == 2 and decorators["resources"]["cpu"] == 3
    assert result.values("end")["settings"] == {"project": "cfgdemo", "retries": 2, "cpu": 3}


def test_config_values_and_files_from_the_command_line(run_flow, launcher):
    (run_flow.workdir / "settings.json").write_text('{"project": "fromfile", "retries": 0, "cpu": 1}')
    result = run_with(run_flow, "config_flow.py", "--config", "settings", "settings.json",
                      "--config-value", "extra", "c=3")
    assert result.returncode == 0, result.describe()
    values = _values(result)
    assert values["settings"]["project"] == "fromfile" and values["extra"] == {"c": "3"}
    assert values["branch"].startswith("user.")
    start = next(s for s in result.run_json()["graph"]["steps"] if s["name"] == "start")
    assert {d["name"]: d["attributes"] for d in start["decorators"]}["retry"]["times"] == 0
    assert result.run_json()["project"]["project_name"] == "fromfile"


def test_configs_are_visible_through_the_client(run_flow):
    import subprocess
    import sys

    result = run_with(run_flow, "config_flow.py", "--config-value", "settings",
                      '{"project": "viaclient", "retries": 1, "cpu": 2}')
    assert result.returncode == 0, result.describe()
    # run.data.settings is a plain dict, as in Metaflow's client; configs are not parameters.
    code = ("from duoflow import Run\nrun = Run('ConfigFlow/%s', _namespace_check=False)\n"
            "print(run.configs['settings']['project'], run.data.settings['project'], "
            "sorted(run.parameters))" % result.run_id)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=run_flow.env(), cwd=str(run_flow.workdir))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["viaclient", "viaclient", "[]"]


@pytest.mark.parametrize("top, message", [
    ((), "Config 'cfg' is required"),
    (("--config-value", "cfg", "{not json"), "Config 'cfg' could not be parsed from --config-value cfg"),
    (("--config-value", "nope", "{}"), "This flow has no config 'nope'"),
    (("--config", "cfg", "missing.json"), "Config 'cfg': --config cfg 'missing.json' could not be read"),
    (("--config-value", "cfg", '{"other": 1}'), "Config expression 'cfg.limit' could not be evaluated"),
])
def test_bad_configs_are_usage_errors(run_flow, top, message):
    result = run_flow("required_config_flow.py", *top, "show")
    assert result.returncode == 2, result.describe()
    assert message in result.stderr


def test_a_config_sets_a_decorator_argument_at_class_definition(run_flow):
    result = run_with(run_flow, "required_config_flow.py", "--config-value", "cfg", '{"limit": 7}')
    assert result.returncode == 0, result.describe()
    assert "LIMIT 7" in result.stdout
    start = next(s for s in result.run_json()["graph"]["steps"] if s["name"] == "start")
    assert start["decorators"] == [{"name": "timeout", "attributes": {"seconds": 7, "minutes": 0, "hours": 0}}]
