"""Parameters from the command line: types, defaults, JSON, separators, required ones, --help,
read-only inside steps; and other bad input on the command line (exit code 2)."""

import pytest


@pytest.fixture(scope="module")
def defaults_run(shared_run):
    return shared_run("params_flow.py", "run")


@pytest.fixture(scope="module")
def given_run(shared_run):
    return shared_run("params_flow.py", "run", "--alpha", "0.5", "--count", "7", "--who", "duo",
                      "--ratio", "2", "--config", '{"depth": 5, "tags": ["x"]}',
                      "--labels", "x,y,z")


def test_defaults_apply(defaults_run):
    assert defaults_run.returncode == 0, defaults_run.describe()
    seen = defaults_run.values("start")["seen"]
    assert seen["alpha"] == 0.1
    assert seen["count"] == 3
    assert seen["who"] == "world"
    assert seen["config"] == {"depth": 2}


def test_type_is_inferred_from_the_default(defaults_run):
    types = defaults_run.values("start")["seen_types"]
    assert types["alpha"] == "float"
    assert types["count"] == "int"
    assert types["who"] == "str"


def test_values_from_the_command_line(given_run):
    assert given_run.returncode == 0, given_run.describe()
    seen = given_run.values("start")["seen"]
    assert seen["alpha"] == 0.5
    assert seen["count"] == 7
    assert seen["who"] == "duo"


def test_explicit_type_converts_the_value(given_run):
    values = given_run.values("start")
    assert values["seen"]["ratio"] == 2.0
    assert values["seen_types"]["ratio"] == "float"


def test_json_parameter_is_parsed(given_run):
    assert given_run.values("start")["seen"]["config"] == {"depth": 5, "tags": ["x"]}


def test_separator_splits_the_value(given_run):
    assert given_run.values("start")["seen"]["labels"] == ["x", "y", "z"]


def test_parameters_are_visible_in_every_step(given_run):
    assert given_run.values("end")["alpha_in_end"] == 0.5


def test_parameters_are_recorded_in_the_run(given_run):
    parameters = given_run.run_json()["parameters"]
    assert parameters["alpha"] == 0.5
    assert parameters["count"] == 7
    assert parameters["who"] == "duo"


@pytest.mark.parametrize("option,value,name,type_name", [
    ("--alpha", "abc", "alpha", "float"),
    ("--count", "2.5", "count", "int"),
])
def test_bad_value_is_a_usage_error(run_flow, option, value, name, type_name):
    result = run_flow("params_flow.py", "run", option, value)
    assert result.returncode == 2, result.describe()
    assert name in result.output, result.describe()
    assert type_name in result.output, result.describe()


def test_bad_json_is_a_usage_error(run_flow):
    result = run_flow("params_flow.py", "run", "--config", "{not json")
    assert result.returncode == 2, result.describe()
    assert "config" in result.output, result.describe()


def test_bad_value_runs_nothing(run_flow):
    result = run_flow("params_flow.py", "run", "--alpha", "abc")
    assert result.returncode == 2, result.describe()
    assert not list(result.store.glob("**/DONE")), "a task ran despite a bad parameter"


def test_missing_required_parameter_is_a_usage_error(run_flow):
    result = run_flow("required_param_flow.py", "run")
    assert result.returncode == 2, result.describe()
    assert "seed" in result.output, result.describe()
    assert not list(result.store.glob("**/DONE")), "a task ran without its required parameter"


def test_required_parameter_given(run_flow):
    result = run_flow("required_param_flow.py", "run", "--seed", "11")
    assert result.returncode == 0, result.describe()
    assert result.values("start")["seed_seen"] == 11


def test_help_lists_every_parameter_with_its_help(run_flow):
    result = run_flow("params_flow.py", "run", "--help")
    assert result.returncode == 0, result.describe()
    for option, text in [("--alpha", "Learning rate for the model"),
                         ("--count", "How many rounds to train"),
                         ("--who", "Who to greet at the end"),
                         ("--config", "Model settings as a JSON object"),
                         ("--labels", "Comma-separated labels")]:
        assert option in result.stdout, result.describe()
        assert text in result.stdout, result.describe()


def test_help_runs_nothing(run_flow):
    result = run_flow("params_flow.py", "run", "--help")
    assert result.returncode == 0, result.describe()
    assert not list(result.store.glob("**/DONE"))


def test_assigning_a_parameter_fails_the_task(run_flow):
    result = run_flow("runtime_errors_flow.py", "run", "--mode", "readonly")
    assert result.returncode == 1, result.describe()
    assert "read-only" in result.stderr, result.describe()
    assert "mode" in result.stderr, result.describe()


def test_unknown_option_is_a_usage_error(run_flow):
    result = run_flow("params_flow.py", "run", "--no-such-option", "1")
    assert result.returncode == 2, result.describe()
    assert "no-such-option" in result.output, result.describe()


def test_unknown_command_is_a_usage_error(run_flow):
    result = run_flow("params_flow.py", "frobnicate")
    assert result.returncode == 2, result.describe()
    assert not list(result.store.glob("**/DONE")), "an unknown command ran the flow"


def test_bad_max_workers_is_a_usage_error(run_flow):
    result = run_flow("params_flow.py", "run", "--max-workers", "many")
    assert result.returncode == 2, result.describe()
    assert "max-workers" in result.output, result.describe()
