"""The code snapshot of a run (code/<sha>.tar.gz) holds the flow's code and none of its secrets:
built-in rules, .gitignore (nested, negations, an enclosing repository's) and .duoflowignore
decide, the flow file is always kept, and run.code lists exactly what the archive holds."""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

import pytest

# Suffixes that make the secret files below candidates, so that only the ignore rules keep them out.
SUFFIXES = ".py,.json,.txt,.pem,.key,.env,.netrc,.yaml,.cfg"
SECRETS = ["credentials.json", "service-account-prod.json", "client_secret_123.json", "server.pem",
           "tls.key", ".env", ".env.local.json", "prod.env", ".netrc", "id_rsa.txt", "id_ed25519.pem",
           "secrets.yaml", "token.json", ".aws/credentials.json", ".ssh/config.txt", "deploy/.env",
           "conf/.git/config.txt", ".venv/lib/site.py", "__pycache__/helper.cpython-311.pyc.py"]
CODE = ["helper.py", "conf/settings.yaml", "deploy/run.txt", "pkg/__init__.py", "pkg/model.py"]


def write(root: Path, names, text="x = 1\n"):
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def snapshot(result):
    """(archive member names, the run's code record) of a finished run."""
    assert result.returncode == 0, result.describe()
    code = result.run_json()["code"]
    with tarfile.open(result.store / result.flow_name / "code" / ("%s.tar.gz" % code["sha"])) as tar:
        return sorted(tar.getnames()), code


@pytest.fixture
def env():
    return {"DUOFLOW_PACKAGE_SUFFIXES": SUFFIXES}


def test_secrets_beside_the_flow_stay_out_of_the_snapshot(run_flow, env):
    write(run_flow.workdir, SECRETS, "AKIA-not-a-real-key\n")
    write(run_flow.workdir, CODE)
    names, code = snapshot(run_flow("linear_flow.py", "run", env=env))
    assert names == sorted(CODE + ["linear_flow.py"])
    excluded = "\n".join(code["excluded"])
    for secret in ["credentials.json", "server.pem", ".env ", "prod.env", ".netrc", "id_rsa.txt",
                   ".aws/", ".ssh/", "deploy/.env", "conf/.git/", ".venv/", "__pycache__/", "token.json"]:
        assert secret in excluded, (secret, excluded)
    assert "default rule: *.pem" in excluded and "default rule: credentials.*" in excluded


def test_the_listing_is_exactly_the_archive(run_flow, env):
    write(run_flow.workdir, CODE + ["credentials.json"])
    names, code = snapshot(run_flow("linear_flow.py", "run", env=env))
    assert sorted(code["files"]) == names
    assert not [e for e in code["excluded"] if e.split(" ")[0] in names]


def test_gitignore_is_honoured_with_negations_directories_and_nested_files(run_flow, env):
    root = run_flow.workdir
    (root / ".gitignore").write_text("# build output\ndata/\n*.txt\n!keep.txt\n/top_only.py\n"
                                     "!credentials.json\n")
    (root / "pkg").mkdir()
    (root / "pkg" / ".gitignore").write_text("local_*.py\n!local_ok.py\n")
    write(root, ["data/load.py", "notes.txt", "keep.txt", "top_only.py", "pkg/top_only.py",
                 "pkg/local_db.py", "pkg/local_ok.py", "pkg/model.py", "credentials.json"])
    names, code = snapshot(run_flow("linear_flow.py", "run", env=env))
    assert names == ["keep.txt", "linear_flow.py", "pkg/local_ok.py", "pkg/model.py", "pkg/top_only.py"]
    excluded = code["excluded"]
    assert "data/ (.gitignore: data/)" in excluded
    assert "pkg/local_db.py (pkg/.gitignore: local_*.py)" in excluded
    # A negation in .gitignore cannot bring a secret back: the built-in rules come after it.
    assert "credentials.json (default rule: credentials.*)" in excluded


def test_an_enclosing_repositorys_gitignore_applies(make_runner, env):
    runner = make_runner()
    repo = runner.workdir / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".gitignore").write_text("flows/generated/\n*.cfg\n")
    flows = repo / "flows"
    write(flows, ["generated/big.py", "local.cfg", "helper.py"])
    flow_file = runner.copy_flow("linear_flow.py", dest=flows)
    result = runner("linear_flow.py", "run", env=env, flow_path=flow_file)
    names, code = snapshot(result)
    assert names == ["helper.py", "linear_flow.py"]
    assert any(e.startswith("generated/ (") and "flows/generated/" in e for e in code["excluded"])


def test_duoflowignore_excludes_more_and_can_include_on_purpose(run_flow, env):
    root = run_flow.workdir
    (root / ".duoflowignore").write_text("drafts/\n*.py\n!helper.py\n!.env.local.json\n")
    write(root, ["drafts/try.py", "helper.py", "other.py", ".env.local.json"])
    names, code = snapshot(run_flow("linear_flow.py", "run", env=env))
    # The flow file is kept whatever the rules say: it is the code that ran.
    assert names == [".env.local.json", "helper.py", "linear_flow.py"]
    assert "other.py (.duoflowignore: *.py)" in code["excluded"]


def test_a_link_to_a_file_outside_the_flow_directory_is_left_out(run_flow, tmp_path_factory):
    outside = tmp_path_factory.mktemp("home") / "id_rsa"
    outside.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    os.symlink(outside, run_flow.workdir / "notes.txt")
    names, code = snapshot(run_flow("linear_flow.py", "run"))
    assert "notes.txt" not in names
    assert any(s.startswith("notes.txt (a link") for s in code["skipped"])


def test_run_code_shows_what_was_left_out(run_flow, env, monkeypatch):
    from duoflow import Run, namespace

    write(run_flow.workdir, ["credentials.json", "helper.py"])
    result = run_flow("linear_flow.py", "run", env=env)
    names, _ = snapshot(result)
    monkeypatch.setenv("DUOFLOW_DATASTORE_ROOT", str(result.store))
    namespace(None)
    code = Run("LinearFlow/%s" % result.run_id).code
    assert sorted(code.files) == names
    assert code.excluded == ["credentials.json (default rule: credentials.*)"]
    assert code.skipped == []
    assert "left out" in repr(code)
