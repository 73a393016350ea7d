"""``runs`` lists past runs; ``tag add|remove|list`` edits a run's user tags; IncludeFile."""

from __future__ import annotations


def test_runs_lists_each_run_with_status_and_tags(run_flow):
    ok = run_flow("resume_linear_flow.py", "run", "--tag", "first")
    failed = run_flow("resume_linear_flow.py", "run", env={"FAIL_AT": "b"})
    listed = ok.cli("runs")
    assert listed.returncode == 0, listed.describe()
    lines = listed.stdout.splitlines()
    assert lines[1].startswith(failed.run_id) and "failed" in lines[1]
    assert lines[2].startswith(ok.run_id) and "succeeded" in lines[2] and "first" in lines[2]


def test_tags_are_added_removed_and_listed(run_flow):
    run = run_flow("resume_linear_flow.py", "run", "--tag", "keep")
    added = run.cli("tag", "add", "exp-1", "exp-2", "--run-id", run.run_id)
    assert added.returncode == 0 and "exp-1, exp-2, keep" in added.stdout, added.describe()
    removed = run.cli("tag", "remove", "exp-1")  # the latest run by default
    assert removed.returncode == 0 and "exp-2, keep" in removed.stdout, removed.describe()
    listed = run.cli("tag", "list")
    assert "user tags:   exp-2, keep" in listed.stdout and "user:" in listed.stdout


def test_system_tags_cannot_be_removed_or_imitated(run_flow):
    run = run_flow("resume_linear_flow.py", "run")
    system_tag = run.run_json()["system_tags"][0]
    refused = run.cli("tag", "remove", system_tag)
    assert refused.returncode == 2 and "system tags never change" in refused.stderr
    imitated = run.cli("tag", "add", "user:mallory")
    assert imitated.returncode == 2 and "looks like a system tag" in imitated.stderr
    missing = run.cli("tag", "remove", "never-added")
    assert missing.returncode == 2 and "has no user tag 'never-added'" in missing.stderr


def test_include_file_stores_the_content_at_launch(run_flow):
    (run_flow.workdir / "table.csv").write_text("a,b\n1,2\n3,4\n")
    run = run_flow("include_file_flow.py", "run")
    assert run.returncode == 0, run.describe()
    (run_flow.workdir / "table.csv").write_text("changed\n")
    values = run.values("start")
    assert values["rows"] == ["a,b", "1,2", "3,4"]
    assert values["table"] == "a,b\n1,2\n3,4\n"
    assert values["blob_type"] == "bytes"


def test_include_file_that_does_not_exist_is_a_usage_error(run_flow):
    run = run_flow("include_file_flow.py", "run", "--table", "nope.csv")
    assert run.returncode == 2
    assert "--table" in run.stderr and "does not exist" in run.stderr
