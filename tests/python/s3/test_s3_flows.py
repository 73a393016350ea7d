"""The S3 datastore end to end: the same flows, runs, resume, client, tags, logs and code snapshot
as on local files, against a moto server over HTTP."""

from __future__ import annotations

import io
import json
import tarfile

import pytest

from duoflow import Run, metadata, namespace


def client_run(root: str, flow: str, run_id: str) -> Run:
    metadata(root)
    namespace(None)
    return Run("%s/%s" % (flow, run_id))


def keys(s3, bucket: str, prefix: str = "") -> list:
    found = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        found += [obj["Key"] for obj in page.get("Contents") or ()]
    return found


@pytest.mark.parametrize("flow, name, step, expected", [
    ("linear_flow.py", "LinearFlow", "end", {"x": 3, "trail": ["start", "a", "b", "end"]}),
    ("branch_flow.py", "BranchFlow", "end", {}),
    ("foreach_flow.py", "ForeachFlow", "end", {"order": ["0:x", "1:y", "2:z"]}),
    ("nested_foreach_flow.py", "NestedForeachFlow", "end", {}),
])
def test_graph_shapes_run_on_s3_and_read_back(s3_flow, s3, bucket, s3_root, flow, name, step, expected):
    result = s3_flow(flow, "run")
    assert result.returncode == 0, result.describe()
    run = client_run(s3_root, name, result.run_id)
    assert run.successful
    task = run[step].task
    for artifact, value in expected.items():
        assert task[artifact].data == value
    # The layout of docs/architecture.md, under the prefix.
    stored = keys(s3, bucket, "store/%s/" % name)
    run_prefix = "store/%s/runs/%s/" % (name, result.run_id)
    assert run_prefix + "run.json" in stored
    assert run_prefix + "end/%s/DONE" % task.id in stored
    if name == "LinearFlow":  # its 3 KB strings are blobs (small values stay inline in the index)
        assert any(k.startswith("store/%s/blobs/" % name) for k in stored)
    assert any(k.startswith("store/%s/code/" % name) and k.endswith(".tar.gz") for k in stored)


def test_spawn_launcher_tasks_reach_s3_from_a_fresh_interpreter(s3_flow, s3_root):
    result = s3_flow("foreach_flow.py", "run", "--launcher", "spawn")
    assert result.returncode == 0, result.describe()
    run = client_run(s3_root, "ForeachFlow", result.run_id)
    assert run["end"].task["order"].data == ["0:x", "1:y", "2:z"]


def test_env_selects_s3_and_the_s3_option_needs_an_s3_root(s3_flow, s3_root):
    result = s3_flow("linear_flow.py", "run", with_root=False,
                     env={"DUOFLOW_DATASTORE": "s3", "DUOFLOW_DATASTORE_ROOT": s3_root})
    assert result.returncode == 0, result.describe()
    assert client_run(s3_root, "LinearFlow", result.run_id).successful
    bad = s3_flow("linear_flow.py", "run", "--datastore", "s3", with_root=False)
    assert bad.returncode == 2, bad.describe()
    assert "s3://" in bad.stderr and "Traceback" not in bad.output


def test_resume_on_s3_clones_by_reference(s3_flow, s3, bucket, s3_root):
    origin = s3_flow("resume_linear_flow.py", "run", env={"FAIL_AT": "b"})
    assert origin.returncode == 1, origin.describe()
    resumed = s3_flow("resume_linear_flow.py", "resume")
    assert resumed.returncode == 0, resumed.describe()
    run = client_run(s3_root, "ResumeLinearFlow", resumed.run_id)
    ran = run["end"].task["ran"].data
    assert ran["start"] == ran["a"] == origin.run_id
    assert ran["b"] == ran["end"] == resumed.run_id
    # The clone's artifact index is a server-side copy of the origin's: same bytes, no new blobs.
    old = client_run(s3_root, "ResumeLinearFlow", origin.run_id)
    base = "store/ResumeLinearFlow/runs/%s/a/%s/artifacts.json"
    one = s3.get_object(Bucket=bucket, Key=base % (origin.run_id, old["a"].task.id))["Body"].read()
    two = s3.get_object(Bucket=bucket, Key=base % (resumed.run_id, run["a"].task.id))["Body"].read()
    assert one == two


def test_tags_logs_dump_and_code_snapshot_on_s3(s3_flow, s3_root):
    result = s3_flow("linear_flow.py", "run", "--tag", "first")
    assert result.returncode == 0, result.describe()
    tagged = s3_flow("linear_flow.py", "tag", "add", "second", "--run-id", result.run_id)
    assert tagged.returncode == 0, tagged.describe()
    run = client_run(s3_root, "LinearFlow", result.run_id)
    assert {"first", "second"} <= set(run.user_tags)
    pathspec = "LinearFlow/%s/start/%s" % (result.run_id, run["start"].task.id)
    logs = s3_flow("linear_flow.py", "logs", pathspec)
    assert logs.returncode == 0 and "hello from start" in logs.stdout, logs.describe()
    assert "hello from start" in run["start"].task.stdout
    dumped = s3_flow("linear_flow.py", "dump", "LinearFlow/%s/end/%s" % (result.run_id, run["end"].task.id), "--json")
    assert dumped.returncode == 0, dumped.describe()
    assert json.loads(dumped.stdout)["x"]["value"] == 3
    with tarfile.open(fileobj=io.BytesIO(run.code.tarball), mode="r:gz") as tar:
        assert "linear_flow.py" in tar.getnames()
    assert run.code.path.startswith(s3_root + "/LinearFlow/code/")


def test_r_client_entry_point_reads_s3(s3_flow, s3_root):
    from duoflow.rbridge import testing

    result = s3_flow("linear_flow.py", "run")
    assert result.returncode == 0, result.describe()
    wire = testing.read_artifact(s3_root, "LinearFlow", result.run_id, "end", "x")
    assert "3" in json.dumps(wire, default=str)


def test_a_join_fetches_an_artifact_from_all_inputs_at_its_first_read(s3_flow, s3_root):
    import os

    result = s3_flow("join_prefetch_flow.py", "run")
    assert result.returncode == 0, result.describe()
    run = client_run(s3_root, "JoinPrefetchFlow", result.run_id)
    shas = [task["blob"].sha for task in run["work"]]  # from the index: no blob is read here
    assert len(set(shas)) == 4
    cache = os.environ["DUOFLOW_S3_CACHE_DIR"]
    # The join read inputs[0].blob only; the other three came along in the same batch.
    assert all(os.path.exists(os.path.join(cache, sha[:2], sha)) for sha in shas)
