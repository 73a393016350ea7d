"""Step: one step of a run, and the tasks that ran it (finished, failed or still running)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Iterator, List, Optional

from ..exceptions import NotFoundError
from .base import ClientObject, check_namespace, split_pathspec, summarize, tag_args
from .task import Task

if TYPE_CHECKING:  # pragma: no cover
    from .objects import Run


class Step(ClientObject):
    """One step of a run: ``Step("TrainFlow/1700000000000000/train")``; iterating yields tasks."""

    def __init__(self, pathspec: str, _namespace_check: bool = True):
        from .objects import Run

        flow_name, run_id, name = split_pathspec(pathspec, "step", 3)
        run = Run("%s/%s" % (flow_name, run_id), _namespace_check=False)
        if name not in run:
            raise run._missing_step(name)
        self._setup(run, name)
        if _namespace_check:
            check_namespace(self)

    @classmethod
    def _make(cls, run: Run, name: str) -> "Step":
        step = cls.__new__(cls)
        step._setup(run, name)
        return step

    def _setup(self, run: Run, name: str) -> None:
        self._run, self._name = run, name
        self.pathspec = "%s/%s" % (run.pathspec, name)
        self._tasks: Dict[str, Task] = {}

    def _root(self) -> str:
        return self._run._root()

    def _run_object(self) -> Run:
        return self._run

    @property
    def parent(self) -> Run:
        return self._run

    def _task_ids(self) -> List[str]:
        """Ids of the step's tasks (finished, failed or running), in launch order."""
        store = self._run._flow_store
        names = store.storage.list("%s/%s" % (store.run_key(self._run._run_id), self._name))
        return sorted((n for n in names if n.isdigit()), key=int)

    def tasks(self, *tags: str) -> List[Task]:
        """The step's tasks, newest first; [] unless the run has every tag given."""
        if not set(tag_args(tags)).issubset(self.tags):
            return []
        return [self[task_id] for task_id in reversed(self._task_ids())]

    def __iter__(self) -> Iterator[Task]:
        return iter(self.tasks())

    @property
    def task(self) -> Optional[Task]:
        """The step's first task (the only one, unless the step is a foreach body), or None."""
        ids = self._task_ids()
        return self[ids[0]] if ids else None

    def __contains__(self, task_id: object) -> bool:
        return str(task_id) in self._task_ids()

    def __getitem__(self, task_id: str) -> Task:
        task_id = str(task_id)
        task = self._tasks.get(task_id)
        if task is None:
            ids = self._task_ids()
            if task_id not in ids:
                raise NotFoundError("Step %s has no task %s" % (self.pathspec, task_id),
                                    ["Its tasks: %s." % summarize(ids)])
            task = self._tasks[task_id] = Task._make(self, task_id)
        return task

    @property
    def created_at(self):
        """When its first task started (UTC), or None."""
        times = [t.created_at for t in self.tasks() if t.created_at is not None]
        return min(times) if times else None

    @property
    def finished_at(self):
        """When its last task finished (UTC), or None when none finished."""
        times = [t.finished_at for t in self.tasks() if t.finished and t.finished_at is not None]
        return max(times) if times else None

    @property
    def doc(self) -> Optional[str]:
        """The step's docstring."""
        return self._run._graph_node(self._name).get("doc")

    @property
    def child_steps(self) -> List["Step"]:
        """Steps this step goes to (those that started)."""
        nexts = self._run._graph_node(self._name).get("next") or []
        return [self._run[n] for n in nexts if n in self._run]

    @property
    def parent_steps(self) -> List["Step"]:
        """Steps that go to this step."""
        return [self._run[s["name"]] for s in self._run._graph_steps()
                if self._name in (s.get("next") or []) and s["name"] in self._run]
