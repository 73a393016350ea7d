"""The S3 datastore under stress: deduplication, permanent and transient failures, crash safety.

Requests go through a small proxy in front of moto (``s3_proxy.py``) that records them and fails
some on purpose."""

from __future__ import annotations

import re
import time

import pytest

from s3_proxy import Proxy, free_port

BLOB_PUT = re.compile(r"/blobs/[0-9a-f]{2}/[0-9a-f]{64}$")


@pytest.fixture
def proxy(moto_server):
    p = Proxy(moto_server["port"])
    yield p
    p.close()


def blob_puts(proxy):
    return [path.split("?")[0] for method, path, status in proxy.requests
            if method == "PUT" and BLOB_PUT.search(path.split("?")[0]) and status == 200]


def test_a_stored_blob_is_never_uploaded_again(s3_flow, s3, bucket, proxy):
    env = {"DUOFLOW_S3_ENDPOINT_URL": proxy.endpoint}
    first = s3_flow("linear_flow.py", "run", env=env)
    assert first.returncode == 0, first.describe()
    puts = blob_puts(proxy)
    assert puts and len(puts) == len(set(puts))  # copy_one == copy_two: one upload
    stored = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="store/LinearFlow/")["Contents"]}
    proxy.clear()
    second = s3_flow("linear_flow.py", "run", env=env)
    assert second.returncode == 0, second.describe()
    again = [p for p in blob_puts(proxy) if p.split("/", 2)[2] in stored]
    assert again == []
    # Each stored blob is checked before it is trusted (a HEAD, or a GET of a small one), never uploaded.
    checks = [path for method, path, _ in proxy.requests
              if method in ("HEAD", "GET") and BLOB_PUT.search(path.split("?")[0])]
    assert checks
    code_puts = [path for method, path, _ in proxy.requests if method == "PUT" and "/code/" in path]
    assert code_puts == []  # same sources: the snapshot is stored once
    # Credentials are nowhere in what was stored (run.json, task.json, logs, ...).
    for key in stored:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert b"testing-secret-do-not-print" not in body and b"testing-key-id" not in body, key


def test_missing_bucket_fails_fast_naming_the_bucket(s3_flow, moto_server):
    result = s3_flow("linear_flow.py", "run", root="s3://no-such-bucket-duoflow/store")
    # The datastore root names something that does not exist: bad input, exit 2 (as for a root
    # naming no bucket, or an unknown run id); the flow never started.
    assert result.returncode == 2, result.describe()
    first = result.stderr.strip().splitlines()[0]
    assert "no-such-bucket-duoflow" in first and "does not exist" in first, result.describe()
    assert "Traceback" not in result.output and "botocore" not in result.output
    assert "testing-secret-do-not-print" not in result.output


def test_access_denied_names_the_bucket_and_what_to_check(s3_flow, bucket, proxy):
    proxy.fail(lambda method, path, seen: (403, "AccessDenied"))
    result = s3_flow("linear_flow.py", "run", env={"DUOFLOW_S3_ENDPOINT_URL": proxy.endpoint})
    # The command is right; the credentials in use are refused: the run failed, exit 1.
    assert result.returncode == 1, result.describe()
    first = result.stderr.strip().splitlines()[0]
    assert "Access denied" in first and bucket in first, result.describe()
    assert "AWS_PROFILE" in result.stderr and "Traceback" not in result.output
    assert len(proxy.requests) == 1  # a permanent failure is not retried
    assert "testing-secret-do-not-print" not in result.output and "testing-key-id" not in result.output


def test_unreachable_endpoint_is_a_clear_error(s3_flow, s3_root):
    started = time.time()
    result = s3_flow("linear_flow.py", "run", env={
        "DUOFLOW_S3_ENDPOINT_URL": "http://127.0.0.1:%d" % free_port(), "DUOFLOW_S3_MAX_ATTEMPTS": "2"})
    # The network (or the endpoint) failed, not the command: the run failed, exit 1.
    assert result.returncode == 1, result.describe()
    assert "Cannot reach the S3 endpoint" in result.stderr and "DUOFLOW_S3_ENDPOINT_URL" in result.stderr
    assert "Traceback" not in result.output
    assert time.time() - started < 30


def test_a_run_survives_transient_503s(s3_flow, s3_root, proxy):
    # The first request of every kind (PUT run.json, HEAD blob, GET task.json, ...) answers 503.
    proxy.fail(lambda method, path, seen: 503 if seen == 0 else None)
    result = s3_flow("foreach_flow.py", "run", env={"DUOFLOW_S3_ENDPOINT_URL": proxy.endpoint})
    assert result.returncode == 0, result.describe()
    failed = [r for r in proxy.requests if r[2] == 503]
    assert len(failed) >= 5, failed
    from duoflow import Run, metadata, namespace

    metadata(s3_root)
    namespace(None)
    assert Run("ForeachFlow/%s" % result.run_id)["end"].task["order"].data == ["0:x", "1:y", "2:z"]


def test_no_done_marker_without_its_blobs(s3_flow, s3, bucket, proxy):
    # Every blob upload fails (each attempt): no task that stored a blob may become visible.
    proxy.fail(lambda method, path, seen: 500 if method == "PUT" and BLOB_PUT.search(path.split("?")[0]) else None)
    result = s3_flow("linear_flow.py", "run", env={"DUOFLOW_S3_ENDPOINT_URL": proxy.endpoint,
                                                   "DUOFLOW_S3_MAX_ATTEMPTS": "2"})
    assert result.returncode == 1, result.describe()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="store/LinearFlow/runs/").get("Contents", [])]
    assert not any(k.endswith("/start/1/DONE") or "/start/" in k and k.endswith("DONE") for k in keys), keys
    assert "S3 failed to write" in result.output, result.describe()
    assert "testing-secret-do-not-print" not in result.output
