"""Fixtures for the client tests: real runs into a temporary datastore, then the client reads them.

- ``store``: an empty :class:`client_helpers.Store` of the test's own.
- ``use_store(store, user="alice")`` points the client at a store, as that user, through the
  environment (``DUOFLOW_DATASTORE_ROOT``, ``DUOFLOW_USER``) via monkeypatch.
- ``shared``: one session-wide store holding a run of each flow the read-only tests look at;
  ``client`` points the client at it as alice.
- The client's state (namespace, metadata) is reset around every test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import pytest

from client_helpers import Store

@pytest.fixture(autouse=True)
def fresh_client_state():
    """Every test starts with the default namespace and datastore."""
    from duoflow.client.state import _state

    _state.reset()
    yield
    _state.reset()


@pytest.fixture
def store(tmp_path) -> Store:
    """An empty store of this test's own."""
    return Store(tmp_path)


@pytest.fixture
def use_store(monkeypatch):
    """``use_store(store, user="alice")``: the client reads ``store`` as ``user``."""
    def use(target: Store, user: str = "alice") -> Store:
        monkeypatch.setenv("DUOFLOW_DATASTORE_ROOT", str(target.root))
        monkeypatch.setenv("DUOFLOW_USER", user)
        return target
    return use


class Shared(Store):
    """The session's read-only runs: ``ids[flow_name]`` is the run id of each."""

    def __init__(self, directory: Path):
        super().__init__(directory)
        self.ids: Dict[str, str] = {}


@pytest.fixture(scope="session")
def shared(tmp_path_factory) -> Shared:
    """One run of each flow that read-only tests inspect (as user alice)."""
    target = Shared(tmp_path_factory.mktemp("client-shared"))
    target.ids["ClientFlow"] = target.run("client_flow.py", "--alpha", "0.25", "--label", "x y",
                                          "--config", '{"depth": 3, "names": ["a", "b"]}',
                                          "--tag", "nightly", "--tag", "exp:1")
    target.ids["BrokenFlow"] = target.run("broken_flow.py", ok=False)
    target.ids["OutcomesFlow"] = target.run("outcomes_flow.py")
    return target


@pytest.fixture
def client(shared, use_store):
    """The client pointed at the shared store as alice; returns the shared store."""
    use_store(shared, "alice")
    return shared
