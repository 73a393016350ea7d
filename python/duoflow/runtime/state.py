"""What a flow object knows while one of its steps runs: inherited artifacts, foreach position,
join inputs, and the transition the step asked for."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Tuple

from ..datastore.artifacts import missing_artifact
from ..datastore.records import ArtifactEntry
from ..datastore.task_reader import TaskReader, foreach_item
from ..exceptions import DuoflowError, MergeArtifactsError, TransitionError, UsageError
from ..graph.model import FlowGraph, Node
from ..util.suggest import did_you_mean
from .context import RunContext

IMMUTABLE_TYPES = (int, float, complex, str, bytes, bool, type(None), tuple, frozenset, range)


class TaskState:
    """Artifacts and position of the running task; the ``FlowSpec`` object delegates to it."""

    def __init__(self, run: RunContext, node: Node, pathspec: str, parents: List[TaskReader],
                 foreach_stack: List[Dict[str, Any]]):
        self.run = run
        self.node = node
        self.pathspec = pathspec
        self.parents = parents
        self.foreach_stack = foreach_stack
        self.transition: Optional[Tuple[List[str], Optional[str]]] = None
        self.loaded: Dict[str, Any] = {}
        # name -> (entry, reader): artifacts this task starts with, by reference.
        self.inherited: Dict[str, Tuple[dict, Optional[TaskReader]]] = {}
        for attr, entry in run.parameter_entries.items():
            self.inherited[attr] = (entry, None)
        if not node.is_join and parents:
            parent = parents[0]
            for name, entry in parent.index.items():
                if name not in run.parameters:
                    self.inherited[name] = (entry, parent)
        self._foreach_cache: Dict[str, Any] = {}
        self._prefetched: set = set()

    @property
    def graph(self) -> FlowGraph:
        return self.run.graph

    # -- reading artifacts -----------------------------------------------------------------
    def read(self, name: str) -> Any:
        if name in self.loaded:
            return self.loaded[name]
        if name in self.inherited:
            entry, reader = self.inherited[name]
            value = self.run.parameters[name] if reader is None else reader.load(name)
            self.loaded[name] = value
            return value
        hint = None
        if self.node.is_join:
            hint = ("In a join, read artifacts from the inputs (inputs.%s.%s, or [i.%s for i in "
                    "inputs]) or call self.merge_artifacts(inputs) first."
                    % (self.node.in_funcs[0] if self.node.in_funcs else "step", name, name))
        raise missing_artifact(name, "Step '%s' (%s)" % (self.node.name, self.pathspec),
                               self.available_names(), hint)

    def available_names(self) -> List[str]:
        return sorted(set(self.inherited) | set(self.loaded))

    def prefetch_from_inputs(self, name: str) -> None:
        """On the first read of ``name`` from one join input, fetch it from every input in one
        parallel batch: a join almost always reads the same artifact from all of its inputs
        (``[i.x for i in inputs]``), and on S3 one download at a time would make it wait for
        each round trip in turn. Local stores need no fetching (this is then a no-op)."""
        blobs = self.run.flow_store.blobs
        # Locally there is nothing to fetch, and reading every input's index would be wasted.
        if not blobs.fetches or name in self._prefetched or len(self.parents) < 2:
            return
        self._prefetched.add(name)
        entries = [reader.index.get(name) for reader in self.parents]
        blobs.prefetch([e.sha for e in entries if e is not None and not e.is_inline])

    # -- foreach ---------------------------------------------------------------------------
    def frame_value(self, frame: Dict[str, Any]) -> Any:
        var = self.graph[frame.step].foreach_var
        return foreach_item(self.run.flow_store, self.run.run_id, frame, var, self._foreach_cache,
                            self.run.flow_cls._foreach_sequence)

    def foreach_tuples(self) -> List[Tuple[int, int, Any]]:
        return [(f.index, f.num_splits, self.frame_value(f)) for f in self.foreach_stack]

    # -- transitions -----------------------------------------------------------------------
    def record_next(self, steps: Tuple[Any, ...], foreach: Optional[str]) -> None:
        names = [_step_name(s) for s in steps]
        if self.transition is not None:
            raise TransitionError("Step '%s' called self.next() twice" % self.node.name,
                                  hint="Call self.next(...) once, as the step's last statement.")
        expected = (self.node.out_funcs, self.node.foreach_var)
        if (names, foreach) != expected:
            raise TransitionError(
                "Step '%s' called self.next(%s) but the graph says %s"
                % (self.node.name, _describe(names, foreach), _describe(*expected)),
                ["The graph is read from the source before the run starts, so every run of the "
                 "step must go to the same place."],
                "Use a static branch (self.next(self.a, self.b)) and decide inside the steps.")
        self.transition = (names, foreach)


class InputView:
    """One input of a join: read-only access to a parent task's artifacts."""

    def __init__(self, state: TaskState, reader: TaskReader):
        object.__setattr__(self, "_state", state)
        object.__setattr__(self, "_reader", reader)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        reader = self._reader
        if reader.has(name):
            self._state.prefetch_from_inputs(name)
            return reader.load(name)
        state = self._state
        if name in state.run.parameters:
            return state.run.parameters[name]
        raise missing_artifact(name, "Input %s" % reader.pathspec, reader.names())

    def __setattr__(self, name: str, value: Any) -> None:
        raise UsageError("Join inputs are read-only (tried to set '%s' on input %s)"
                         % (name, self._reader.pathspec), hint="Assign to self.%s in the join instead." % name)

    @property
    def index(self) -> Optional[int]:
        stack = self._reader.foreach_stack
        return stack[-1].index if stack else None

    @property
    def input(self) -> Any:
        stack = self._reader.foreach_stack
        return self._state.frame_value(stack[-1]) if stack else None

    def foreach_stack(self) -> List[Tuple[int, int, Any]]:
        return [(f.index, f.num_splits, self._state.frame_value(f)) for f in self._reader.foreach_stack]

    @property
    def step_name(self) -> str:
        return self._reader.step

    def __repr__(self) -> str:
        return "<input %s>" % self._reader.pathspec


class JoinInputs:
    """The inputs of a join: iterable in split order, indexable, and by step name (``inputs.a``)."""

    def __init__(self, state: TaskState, views: List[InputView]):
        self._state = state
        self._views = views

    def __iter__(self) -> Iterator[InputView]:
        return iter(self._views)

    def __len__(self) -> int:
        return len(self._views)

    def __getitem__(self, index):
        if isinstance(index, str):
            return self.__getattr__(index)
        return self._views[index]

    def __getattr__(self, name: str) -> InputView:
        if name.startswith("_"):
            raise AttributeError(name)
        matches = [v for v in self._views if v.step_name == name]
        if len(matches) == 1:
            return matches[0]
        steps = sorted({v.step_name for v in self._views})
        if matches:
            raise UsageError("inputs.%s is ambiguous: %d inputs come from step '%s'" % (name, len(matches), name),
                             hint="Iterate over inputs, or index them: inputs[0].")
        raise AttributeError("This join has no input from a step named '%s'; its inputs come from %s.%s"
                             % (name, ", ".join("'%s'" % s for s in steps), did_you_mean(name, steps)))

    def __repr__(self) -> str:
        return "<inputs %s>" % ", ".join(v._reader.pathspec for v in self._views)


def merge_artifacts(state: TaskState, own: Dict[str, Any], inputs: JoinInputs,
                    include: Optional[List[str]], exclude: Optional[List[str]]) -> None:
    """Take over the artifacts the inputs agree on; a clear error where they disagree.

    Artifacts already set in the join (``own``) are kept. Values are compared by content hash and
    taken by reference, so nothing is loaded or copied.
    """
    if not state.node.is_join:
        raise UsageError("self.merge_artifacts() only works in a join step; '%s' is not one" % state.node.name)
    if include and exclude:
        raise UsageError("merge_artifacts takes include= or exclude=, not both")
    views = list(inputs)
    names = _merge_candidates(views, state, own, include, exclude)
    conflicts = []
    for name in names:
        entries = [(v._reader, v._reader.index[name]) for v in views if v._reader.has(name)]
        keys = {_content_key(e) for _, e in entries}
        if len(keys) > 1:
            conflicts.append((name, entries))
            continue
        state.inherited[name] = (entries[0][1], entries[0][0])
        state.loaded.pop(name, None)
    if conflicts:
        details = ["'%s' differs: %s" % (name, ", ".join("%s has %s" % (r.pathspec.split("/", 2)[2], _short(e))
                                                             for r, e in entries)) for name, entries in conflicts]
        raise MergeArtifactsError(
            "merge_artifacts: %d artifact%s %s different values in the inputs of '%s'"
            % (len(conflicts), "" if len(conflicts) == 1 else "s", "has" if len(conflicts) == 1 else "have",
               state.node.name), details,
            "Set them in the join before merging (e.g. self.%s = max(i.%s for i in inputs)), or pass "
            "exclude=[%s]." % (conflicts[0][0], conflicts[0][0], ", ".join("'%s'" % c[0] for c in conflicts)))


def _merge_candidates(views, state, own, include, exclude) -> List[str]:
    available = set()
    for view in views:
        available.update(view._reader.names())
    if include:
        missing = [n for n in include if n not in available]
        if missing:
            raise UsageError("merge_artifacts(include=...) names %s, which no input has"
                             % ", ".join("'%s'" % n for n in missing),
                             ["The inputs have: %s." % ", ".join(sorted(available))])
        return [n for n in include if n not in own]
    skip = set(exclude or []) | set(own) | set(state.run.parameters)
    return sorted(n for n in available if n not in skip)


def _content_key(entry: ArtifactEntry) -> Any:
    return entry.content_key


def _short(entry: ArtifactEntry) -> str:
    if entry.is_inline:
        return repr(entry.inline)
    return "a %s (%s)" % (entry.type, entry.sha[:8])


def _step_name(step: Any) -> str:
    name = getattr(step, "__name__", None)
    if not name or not callable(step):
        raise TransitionError("self.next() takes steps, like self.next(self.train); got %r" % (step,))
    return name


def _describe(names: List[str], foreach: Optional[str]) -> str:
    text = ", ".join("self.%s" % n for n in names) or "nothing"
    return text + (", foreach='%s'" % foreach if foreach else "")
