"""The client: read past runs back from the datastore, as with Metaflow's client API.

    from duoflow import Flow, Run, namespace
    run = Flow("TrainFlow").latest_successful_run
    run.data.model, run["train"].task.stdout, run.tags

Modules, each using only those after it: :mod:`.objects` (the handles Flow, Run, Step, Task,
DataArtifact, over :mod:`duoflow.datastore.reader`), :mod:`.views` (``task.data``,
``task.artifacts``, foreach frames, a task's error), :mod:`.code` (``run.code``), :mod:`.base`
(what the handles share), :mod:`.state` (the namespace and datastore chosen; the client's only
mutable state).
"""

from .base import NamespaceMismatchError
from .code import RunCode
from .objects import DataArtifact, Flow, Metaflow, Run, Step, Task, list_flows
from .state import default_metadata, default_namespace, get_metadata, get_namespace, metadata, namespace
from .views import ArtifactKeyError, ForeachFrame, TaskException

__all__ = [
    "Flow", "Run", "Step", "Task", "DataArtifact", "Metaflow", "list_flows",
    "namespace", "get_namespace", "default_namespace", "metadata", "get_metadata", "default_metadata",
    "RunCode", "ForeachFrame", "TaskException", "NamespaceMismatchError", "ArtifactKeyError",
]
