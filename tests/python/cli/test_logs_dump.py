"""`logs` (per stream, per attempt, short pathspecs, unknown pathspecs) and `dump` (table, --json)
on one finished run of flows/inspect_flow.py."""

import pytest


@pytest.fixture(scope="module")
def inspected(shared_run):
    result = shared_run("inspect_flow.py", "run")
    assert result.returncode == 0, result.describe()
    return result


# -- logs -----------------------------------------------------------------------------------------

def test_logs_prints_both_streams(inspected):
    result = inspected.cli("logs", inspected.pathspec("start"))
    assert result.returncode == 0, result.describe()
    assert "hello on stdout" in result.output
    assert "hello on stderr" in result.output


def test_logs_accepts_a_pathspec_without_the_flow_name(inspected):
    short = inspected.pathspec("start").split("/", 1)[1]
    result = inspected.cli("logs", short)
    assert result.returncode == 0, result.describe()
    assert "hello on stdout" in result.output
    assert "hello on stderr" in result.output


def test_logs_stdout_only(inspected):
    result = inspected.cli("logs", inspected.pathspec("start"), "--stdout")
    assert result.returncode == 0, result.describe()
    assert "hello on stdout" in result.output
    assert "hello on stderr" not in result.output


def test_logs_stderr_only(inspected):
    result = inspected.cli("logs", inspected.pathspec("start"), "--stderr")
    assert result.returncode == 0, result.describe()
    assert "hello on stderr" in result.output
    assert "hello on stdout" not in result.output


def test_logs_shows_the_latest_attempt(inspected):
    result = inspected.cli("logs", inspected.pathspec("wobbly"))
    assert result.returncode == 0, result.describe()
    assert "attempt 1 says hi" in result.output
    assert "attempt 0 says hi" not in result.output


def test_logs_of_an_earlier_attempt(inspected):
    result = inspected.cli("logs", inspected.pathspec("wobbly"), "--attempt", "0")
    assert result.returncode == 0, result.describe()
    assert "attempt 0 says hi" in result.output
    assert "attempt 1 says hi" not in result.output


def test_logs_of_a_task_that_printed_nothing(inspected):
    result = inspected.cli("logs", inspected.pathspec("end"))
    assert result.returncode == 0, result.describe()


def test_logs_are_stored_per_attempt(inspected):
    assert "hello on stdout" in inspected.log("start", "stdout")
    assert "hello on stderr" in inspected.log("start", "stderr")
    assert "attempt 0 says hi" in inspected.log("wobbly", "stdout", attempt=0)
    assert "attempt 1 says hi" in inspected.log("wobbly", "stdout", attempt=1)


def test_logs_of_an_unknown_step_names_the_steps(inspected):
    pathspec = "%s/%s/wobbli/2" % (inspected.flow_name, inspected.run_id)
    result = inspected.cli("logs", pathspec)
    assert result.returncode == 2, result.describe()
    assert "wobbly" in result.output, result.describe()


def test_logs_of_an_unknown_run_names_the_runs(inspected):
    pathspec = "%s/no-such-run/start/1" % inspected.flow_name
    result = inspected.cli("logs", pathspec)
    assert result.returncode == 2, result.describe()
    assert inspected.run_id in result.output, result.describe()


def test_logs_of_an_unknown_task_is_a_usage_error(inspected):
    pathspec = "%s/%s/start/999" % (inspected.flow_name, inspected.run_id)
    result = inspected.cli("logs", pathspec)
    assert result.returncode == 2, result.describe()


# -- dump -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dumped(inspected):
    return inspected.dump("start")


def test_dump_table_lists_names_and_types(inspected):
    result = inspected.cli("dump", inspected.pathspec("start"))
    assert result.returncode == 0, result.describe()
    for name, type_name in [("number", "int"), ("text", "str"), ("numbers", "list"),
                            ("mapping", "dict"), ("point", "Point")]:
        lines = [line for line in result.stdout.splitlines() if name in line.split()]
        assert lines, "no row for %r\n%s" % (name, result.describe())
        assert type_name in lines[0], result.describe()


def test_dump_json_gives_values(dumped):
    assert dumped["number"]["value"] == 42
    assert dumped["text"]["value"] == "hello dump"
    assert dumped["numbers"]["value"] == [1, 2, 3]
    assert dumped["mapping"]["value"] == {"a": 1, "b": [True, None]}


def test_dump_json_describes_each_artifact(dumped):
    for name in ("number", "text", "numbers", "mapping", "point"):
        entry = dumped[name]
        assert isinstance(entry["type"], str) and entry["type"], entry
        assert isinstance(entry["size"], int) and not isinstance(entry["size"], bool), entry
        assert entry["size"] > 0, entry
        assert isinstance(entry["encoding"], str) and entry["encoding"], entry
    assert "int" in dumped["number"]["type"]
    assert "Point" in dumped["point"]["type"]


def test_dump_json_gives_repr_of_other_values(dumped):
    assert dumped["point"]["value"] == "Point(1, 2)"
