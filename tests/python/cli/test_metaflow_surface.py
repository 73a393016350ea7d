"""Metaflow's public names import from duoflow; those whose feature duoflow lacks raise a clear
error when used, never when imported."""

from __future__ import annotations

import subprocess
import sys

import pytest

import duoflow
from duoflow.unsupported import UnsupportedFeatureError

# `dir(metaflow)` of Metaflow 2.19.39 without its submodules (bench/requirements-metaflow.txt).
METAFLOW_NAMES = """
Config ConfigValue DataArtifact DeployedFlow Deployer EXT_PKG Flow FlowMutator FlowSpec IncludeFile
JSONType JSONTypeClass Metaflow NBDeployer NBRunner Parameter Run Runner S3 Step StepMutator Task
USER_SKIP_STEP UserStepDecorator airflow_external_task_sensor airflow_internal airflow_s3_key_sensor
argo_workflows_internal batch card catch conda conda_base conda_environment_yml_parser config_expr
current default_metadata default_namespace environment exit_hook get_metadata get_namespace
inspect_spin kubernetes metadata namespace namespaced_event_name package_sources parallel
parallel_imap_unordered parallel_map profile project pypi pypi_base pyproject_toml_parser
pytorch_parallel requirements_txt_parser resources retry schedule secrets step
step_functions_internal timeout trigger trigger_on_finish unbounded_test_foreach_internal
user_step_decorator yaml_parser
""".split()


def test_every_public_metaflow_name_imports_in_a_fresh_interpreter():
    code = "from duoflow import %s; print('imported')" % ", ".join(METAFLOW_NAMES)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "imported"
    assert set(METAFLOW_NAMES) <= set(dir(duoflow))


@pytest.mark.parametrize("name", ["S3", "Deployer", "DeployedFlow", "NBDeployer", "NBRunner",
                                  "inspect_spin", "namespaced_event_name", "requirements_txt_parser",
                                  "pyproject_toml_parser", "conda_environment_yml_parser"])
def test_an_unsupported_name_raises_when_used_saying_what_to_do(name):
    with pytest.raises(UnsupportedFeatureError) as info:
        getattr(duoflow, name)("x")
    error = info.value
    assert error.headline.startswith(name + ": ")
    assert "duoflow does not run it" in error.headline
    assert error.hint and error.exit_code == 2


def test_mutators_can_be_subclassed_and_refuse_when_applied():
    class AddRetry(duoflow.FlowMutator):  # what a flow module does at import: fine
        def mutate(self, mutable_flow):
            pass

    with pytest.raises(UnsupportedFeatureError, match="custom decorators and mutators"):
        AddRetry(object)

    @duoflow.user_step_decorator
    def my_profile(step_name, flow, inputs=None, attributes=None):
        yield

    with pytest.raises(UnsupportedFeatureError, match="user_step_decorator"):
        my_profile(lambda self: None)


def test_local_helpers_work_as_in_metaflow(capsys):
    offset = 10
    assert duoflow.parallel_map(lambda x: x + offset, range(5), max_parallel=2) == [10, 11, 12, 13, 14]
    assert sorted(duoflow.parallel_imap_unordered(lambda x: x * x, [1, 2, 3])) == [1, 4, 9]
    stats = {}
    with duoflow.profile("block", stats_dict=stats):
        pass
    with duoflow.profile("printed"):
        pass
    assert list(stats) == ["block"]
    assert "PROFILE: printed completed in" in capsys.readouterr().out
    assert duoflow.EXT_PKG == "metaflow_extensions" and duoflow.JSONTypeClass is type(duoflow.JSONType)


def test_a_failing_parallel_map_child_raises():
    def boom(x):
        raise ValueError(x)

    with pytest.raises(duoflow.DuoflowError, match="A child of parallel_map failed"):
        duoflow.parallel_map(boom, [1])


def test_show_of_a_flow_without_docstring_prints_none(run_flow):
    result = run_flow("no_docstring_flow.py", "show")
    assert result.returncode == 0, result.describe()
    assert result.stdout.splitlines()[:2] == ["Flow NoDocstringFlow", ""]
    assert "Subclass it" not in result.stdout
    helped = run_flow("no_docstring_flow.py", "--help")
    assert "NoDocstringFlow: a duoflow flow" in helped.stdout, helped.describe()


def test_card_components_import_and_collect_without_rendering():
    from duoflow import cards

    # metaflow.cards' public names (2.19.39), minus the card classes only Metaflow's renderer uses
    for name in ("Artifact", "Table", "Image", "Error", "Markdown", "VegaChart", "ProgressBar",
                 "ValueBox", "PythonCode", "EventsTimeline", "JSONViewer", "YAMLViewer",
                 "MetaflowCardComponent", "MetaflowCard", "get_cards"):
        assert hasattr(cards, name), name
    table = cards.Table.from_dataframe([[1]], headers=["a"])
    table.update(data=[[2]])
    collector = cards.CardCollector()
    collector.append(cards.Markdown("# x"))
    collector["other"].extend([table, cards.Markdown("y")])
    assert len(collector.components) == 1 and len(collector["other"].components) == 2
    with pytest.raises(UnsupportedFeatureError, match="get_cards: reading the cards"):
        cards.get_cards("Flow/1/start/1")
