"""The client: read past runs back from the datastore, as with Metaflow's client API.

    from duoflow import Flow, Run, namespace
    run = Flow("TrainFlow").latest_successful_run
    run.data.model, run["train"].task.stdout, run.tags

Modules: :mod:`.state` (the namespace and datastore chosen; the client's only mutable state),
:mod:`.objects` (Flow, Run), :mod:`.step` (Step), :mod:`.task` (Task), :mod:`.artifacts` (DataArtifact and the
``data`` views), :mod:`.code` (``run.code``), :mod:`.base` (what they share).
"""

from .artifacts import ArtifactKeyError, DataArtifact
from .base import NamespaceMismatchError
from .code import RunCode
from .objects import Flow, Metaflow, Run, list_flows
from .step import Step
from .state import default_metadata, default_namespace, get_metadata, get_namespace, metadata, namespace
from .task import ForeachFrame, Task, TaskException

__all__ = [
    "Flow", "Run", "Step", "Task", "DataArtifact", "Metaflow", "list_flows",
    "namespace", "get_namespace", "default_namespace", "metadata", "get_metadata", "default_metadata",
    "RunCode", "ForeachFrame", "TaskException", "NamespaceMismatchError", "ArtifactKeyError",
]
