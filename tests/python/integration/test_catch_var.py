"""@catch(var=...) as in Metaflow: the var is None after a step that succeeded, so a join can test
every input's var."""


def test_a_join_keeps_the_inputs_whose_catch_var_is_none(shared_run, launcher):
    result = shared_run("catch_var_flow.py", "run", launcher=launcher)
    assert result.returncode == 0, result.describe()
    join = result.values("join")
    assert join["results"] == [10.0, 5.0]
    assert len(join["failures"]) == 1 and "ZeroDivisionError" in join["failures"][0]
