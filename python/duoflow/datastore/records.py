"""The typed, versioned records of the datastore: a run, a task, an attempt's error, an artifact
entry and a foreach frame.

Only the stores (:mod:`.flow_store`, :mod:`.task_store`) turn these records into JSON and back;
everything above them (runtime, client, command line, R bridge) reads attributes, never string
keys. Each record is a frozen dataclass with

- ``to_json()``: the plain dict that is written (stable key names: they are the on-disk format);
- ``from_json(data, where)``: tolerant of what older and newer writers produce. A missing field
  takes its default, a field this version does not know is kept in ``extra`` (and written back
  unchanged, so a record rewritten by an older duoflow loses nothing), and a field of the wrong
  type, or a file that is not a JSON object, raises :class:`DamagedRecordError` naming the file.

Format versions (the ``format`` field; files without one are version 1):

- 1: run.json, task.json, attempt-N/error.json and artifacts.json as first written.
- 2: run.json and task.json carry ``format``; a task.json may carry ``origin`` and ``cloned_at``
  (a task cloned by resume), and run.json ``resume_step``, ``cloned_tasks`` and ``clone_seconds``
  (these were written by version-1 writers too, without being declared).
- 3: run.json may carry ``flow_decorators`` (the flow's class decorators: name and attributes,
  functions by name), ``project`` (what ``@project`` made of the run: project and branch names)
  and ``configs`` (the values of the flow's ``Config`` objects, by attribute).

A reader of version N reads every version: fields are only ever added, with defaults, never
renamed or removed. Adding one means: a field with a default here, a line in the log above, and
``FORMAT`` raised by one.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Tuple

from ..exceptions import DatastoreError

FORMAT = 3

_ABSENT = object()  # "no such key": distinct from a JSON null


class DamagedRecordError(DatastoreError):
    """A record file that exists but cannot be read as its kind of record."""

    code = "damaged_record"


def damaged(where: str, problem: str) -> DamagedRecordError:
    """The error for an unreadable record at ``where`` (a path or key), saying what to do."""
    return DamagedRecordError(
        "The datastore record %s is damaged" % where,
        [problem],
        "The file was changed or truncated outside duoflow (a disk problem, an interrupted copy, "
        "a hand edit). Restore it from a backup, or move the run (or task) directory aside: the "
        "other runs stay readable, and a resume re-runs a task whose record is gone.")


def parse_json(data: bytes, where: str) -> Any:
    """Decode a record file's bytes; a damaged file raises :class:`DamagedRecordError`."""
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise damaged(where, "It is not valid JSON: %s." % exc) from None


# -- the machinery every record shares ----------------------------------------------------------

# Python types accepted for a field's JSON value (a JSON number may be an int where a float is
# expected). None is always accepted for fields whose default is None.
_KINDS = {str: (str,), int: (int,), float: (int, float), bool: (bool,), dict: (dict,), list: (list,)}


def record(cls):
    """Declare a record class: its fields, with types and defaults, as a dataclass's.

    The dataclass machinery only collects the fields; :class:`Record` implements construction,
    equality, ``repr`` and immutability once for every record. A dataclass generating those
    methods for each class would cost every run and every client a few milliseconds of start-up
    (six records, six generated methods each).
    """
    return dataclass(init=False, repr=False, eq=False)(cls)


class Record:
    """Base of the records: frozen values with JSON conversion driven by each class's
    ``_KEYS``, ``_TYPES`` and ``_NESTED``."""

    # attribute -> JSON key, where they differ ("with" is a Python keyword)
    _KEYS: Mapping[str, str] = {}
    # attribute -> expected JSON type (str, int, float, bool, dict, list)
    _TYPES: Mapping[str, type] = {}
    # attributes that hold nested records: attribute -> (record class, "one" | "list" | "dict")
    _NESTED: Mapping[str, Tuple[type, str]] = {}

    def __init__(self, **values: Any):
        _, _, defaults, factories, _ = self._plan()
        full = dict(defaults)
        for name, factory in factories:
            full[name] = factory()
        unknown = [name for name in values if name not in full and name != "extra"]
        if unknown:
            raise TypeError("%s has no field %s" % (type(self).__name__, ", ".join(map(repr, unknown))))
        full.setdefault("extra", {})
        full.update(values)
        self.__dict__.update(full)

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError("cannot assign to field %r: records never change "
                                              "(use .replace())" % name)

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError("cannot delete field %r" % name)

    def _values(self) -> Tuple[Any, ...]:
        """The fields that make a record what it is (``extra`` excluded), in order."""
        values = self.__dict__
        return tuple(values[name] for name, _ in self._plan()[0])

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())  # TypeError for a record holding a dict, as for a dict

    def __repr__(self) -> str:
        values = self.__dict__
        return "%s(%s)" % (type(self).__name__,
                           ", ".join("%s=%r" % (name, values[name]) for name, _ in self._plan()[0]))

    @classmethod
    def _fields(cls):
        return [f for f in dataclasses.fields(cls) if f.name != "extra"]

    @classmethod
    def _plan(cls):
        """What ``from_json``/``to_json`` need, computed once per class: ``[(attribute, json
        key)]``, json key -> attribute, the plain defaults and the default factories."""
        plan = cls.__dict__.get("_plan_cache")
        if plan is None:
            fields = cls._fields()
            pairs = [(f.name, cls._KEYS.get(f.name, f.name)) for f in fields]
            defaults = {f.name: f.default for f in fields if f.default is not dataclasses.MISSING}
            factories = [(f.name, f.default_factory) for f in fields
                         if f.default_factory is not dataclasses.MISSING]
            # Fields whose JSON value is taken as it is when it has exactly the expected type
            # (the usual case); anything else goes through _convert, which checks and converts.
            exact = {name: kind for name, kind in cls._TYPES.items()
                     if kind in (str, int, float, bool, dict) and name not in cls._NESTED}
            plan = (pairs, {key: name for name, key in pairs}, defaults, factories, exact)
            cls._plan_cache = plan
        return plan

    @classmethod
    def from_json(cls, data: Any, where: str = "(record)"):
        """The record in ``data`` (a decoded JSON object); unknown keys go to ``extra``."""
        if not isinstance(data, dict):
            raise damaged(where, "It holds %s, not a JSON object." % type(data).__name__)
        _, by_key, defaults, factories, exact = cls._plan()
        values = dict(defaults)
        for name, factory in factories:
            values[name] = factory()
        extra: Dict[str, Any] = {}
        for key, raw in data.items():
            name = by_key.get(key)
            if name is None:
                extra[key] = raw
            elif raw is not None:  # null: the field's default
                values[name] = raw if type(raw) is exact.get(name) else cls._convert(name, raw, where)
        values["extra"] = extra
        return _filled(cls, values)

    @classmethod
    def _convert(cls, name: str, raw: Any, where: str) -> Any:
        nested = cls._NESTED.get(name)
        if nested is not None:
            return _convert_nested(nested, raw, "%s, field '%s'" % (where, name))
        expected = cls._TYPES.get(name)
        if expected is not None and not isinstance(raw, _KINDS[expected]):
            raise damaged(where, "Its field '%s' should be %s, but it is %s: %s."
                          % (name, expected.__name__, type(raw).__name__, _short(raw)))
        if expected is list:
            return tuple(raw)
        if expected is float:
            return float(raw)
        return raw

    def to_json(self) -> Dict[str, Any]:
        """The dict written to disk (an optional field left unset is left out)."""
        out: Dict[str, Any] = {}
        for name, key in self._plan()[0]:
            value = self.__dict__[name]
            if value is not None:
                out[key] = _plain(value)
        out.update(getattr(self, "extra", None) or {})
        return out

    def replace(self, **changes: Any):
        """A copy with ``changes`` applied (records never change in place). A resume makes one
        per cloned task, so this copies the fields directly instead of going through
        ``dataclasses.replace``."""
        values = dict(self.__dict__)
        unknown = [name for name in changes if name not in values]
        if unknown:
            raise TypeError("%s has no field %s" % (type(self).__name__, ", ".join(map(repr, unknown))))
        values.update(changes)
        return _filled(type(self), values)


def _convert_nested(nested: Tuple[type, str], raw: Any, where: str) -> Any:
    record_cls, shape = nested
    if shape == "list":
        if not isinstance(raw, list):
            raise damaged(where, "It should be a list, but it is %s." % type(raw).__name__)
        return tuple(record_cls.from_json(item, where) for item in raw)
    if shape == "dict":
        if not isinstance(raw, dict):
            raise damaged(where, "It should be an object, but it is %s." % type(raw).__name__)
        return {k: record_cls.from_json(v, where) for k, v in raw.items()}
    return record_cls.from_json(raw, where)


def _plain(value: Any) -> Any:
    """A field's value as JSON data (records inside become dicts, tuples lists)."""
    if isinstance(value, Record):
        return value.to_json()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _filled(cls, values: Dict[str, Any]):
    """A record of ``cls`` holding ``values`` (every field given): made without the dataclass's
    ``__init__``, which sets a frozen record's fields one checked call at a time and would make
    reading a large artifact index several times slower. Fields are set here, once, never again."""
    record = object.__new__(cls)
    record.__dict__.update(values)
    return record


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- the records ----------------------------------------------------------------------------------

@record
class FrameRecord(Record):
    """One level of a task's foreach stack: the split step and task, the item's index, the width."""

    step: str = ""
    task: str = ""          # "step/task_id" of the task that split
    index: int = 0
    num_splits: int = 0
    extra: Dict[str, Any] = field(default_factory=dict, compare=False)

    _TYPES = {"step": str, "task": str, "index": int, "num_splits": int}

    @property
    def split_task_id(self) -> str:
        return self.task.rsplit("/", 1)[-1]


@record
class ArtifactEntry(Record):
    """One name of a task's artifact index: where the value is and how it was encoded.

    A stored value has ``sha`` (the blob's address, a digest made with ``hash``) and ``size``;
    a small one is ``inline`` in the index instead (``is_inline``; its value may be JSON null).
    Codec-specific facts (dtype, layout, compression, ...) live in ``extra``; codecs read the
    whole entry as :meth:`as_codec_dict`.
    """

    encoding: str = ""
    version: int = 1
    type: Optional[str] = None
    r_class: Any = None
    sha: Optional[str] = None
    hash: Optional[str] = None
    size: int = 0
    inline: Any = None
    is_inline: bool = False
    extra: Dict[str, Any] = field(default_factory=dict, compare=False)

    _TYPES = {"encoding": str, "version": int, "size": int}

    @classmethod
    def from_json(cls, data: Any, where: str = "(artifact entry)") -> "ArtifactEntry":
        # A join or a long flow reads thousands of entries: one pass over the keys, no generic
        # machinery (the entries of an index are all read, most of them only passed on).
        if type(data) is not dict:
            raise damaged(where, "An artifact entry holds %s, not a JSON object." % type(data).__name__)
        values = dict(_ENTRY_DEFAULTS)
        extra: Dict[str, Any] = {}
        for key, raw in data.items():
            if key in _ENTRY_FIELDS:
                if raw is not None:
                    values[key] = raw
            elif key == "inline":
                values["inline"], values["is_inline"] = raw, True
            else:
                extra[key] = raw
        values["extra"] = extra
        for key in ("encoding", "version", "size"):
            if type(values[key]) is not _ENTRY_TYPES[key]:
                raise damaged(where, "Its field '%s' should be %s, but it is %s: %s." % (
                    key, _ENTRY_TYPES[key].__name__, type(values[key]).__name__, _short(values[key])))
        if not values["is_inline"] and not values["sha"]:
            raise damaged(where, "An artifact entry has neither a blob address ('sha') nor an inline value.")
        return _filled(cls, values)

    def to_json(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"encoding": self.encoding, "version": self.version,
                               "type": self.type, "r_class": self.r_class}
        out.update(self.extra)
        if self.is_inline:
            out["inline"] = self.inline
        else:
            out["sha"], out["hash"] = self.sha, self.hash
        out["size"] = self.size
        return out

    as_codec_dict = to_json

    @property
    def content_key(self) -> Tuple[Any, ...]:
        """What identifies the stored content: two entries with equal keys hold equal values."""
        if self.is_inline:
            return ("inline", self.encoding, json.dumps(self.inline, sort_keys=True, default=str))
        return ("blob", self.sha)


# ArtifactEntry.from_json's tables, from the class itself (a field added there is read here too).
_ENTRY_TYPES = ArtifactEntry._TYPES
_ENTRY_DEFAULTS = ArtifactEntry._plan()[2]
_ENTRY_FIELDS = frozenset(_ENTRY_DEFAULTS) - {"inline", "is_inline"}


def artifact_index_from_json(data: Any, where: str) -> Dict[str, ArtifactEntry]:
    """A task's ``artifacts.json`` as ``{name: ArtifactEntry}``."""
    if not isinstance(data, dict):
        raise damaged(where, "It holds %s, not a JSON object of artifacts." % type(data).__name__)
    return {name: ArtifactEntry.from_json(entry, "%s, artifact '%s'" % (where, name))
            for name, entry in data.items()}


def artifact_index_to_json(index: Mapping[str, Any]) -> Dict[str, Any]:
    """``{name: entry}`` (records or plain dicts) as written to ``artifacts.json``."""
    return {name: entry.to_json() if isinstance(entry, ArtifactEntry) else entry
            for name, entry in index.items()}


@record
class AttemptError(Record):
    """``attempt-N/error.json``: why one attempt of a task failed."""

    type: str = "Exception"
    message: str = ""
    traceback: str = ""
    pathspec: str = ""
    attempt: int = 0
    time: Optional[float] = None
    engine: bool = False      # raised by duoflow itself (a bad transition, a foreach over nothing)
    extra: Dict[str, Any] = field(default_factory=dict, compare=False)

    _TYPES = {"type": str, "message": str, "traceback": str, "attempt": int, "time": float}

    @property
    def first_line(self) -> str:
        """``Type: first line of the message`` for one-line summaries."""
        lines = (self.message or "").strip().splitlines()
        return "%s: %s" % (self.type, lines[0] if lines else "")


@record
class TaskRecord(Record):
    """``task.json``: a task's place in the run and the outcome of its attempt.

    Written with status ``running`` when an attempt starts, replaced when the task finishes
    (``succeeded``, or ``caught`` by @catch). A task cloned by resume has ``origin`` (the
    pathspec it was cloned from).
    """

    flow: str = ""
    run_id: str = ""
    step: str = ""
    task_id: str = ""
    attempt: int = 0
    parents: Tuple[str, ...] = ()
    foreach_stack: Tuple[FrameRecord, ...] = ()
    foreach_num_splits: Optional[int] = None
    started_at: Optional[float] = None
    finished_at: Optional[float] = None
    status: str = "succeeded"
    pid: Optional[int] = None
    user: str = ""
    launcher: str = ""
    resources: Optional[Dict[str, Any]] = None
    imported: Tuple[str, ...] = ()
    origin: Optional[str] = None
    cloned_at: Optional[float] = None
    format: int = 1
    extra: Dict[str, Any] = field(default_factory=dict, compare=False)

    _TYPES = {"flow": str, "run_id": str, "step": str, "task_id": str, "attempt": int,
              "parents": list, "foreach_num_splits": int, "started_at": float,
              "finished_at": float, "status": str, "user": str, "launcher": str,
              "imported": list, "origin": str, "cloned_at": float, "format": int}
    _NESTED = {"foreach_stack": (FrameRecord, "list")}

    @property
    def pathspec(self) -> str:
        return "%s/%s/%s/%s" % (self.flow, self.run_id, self.step, self.task_id)

    @property
    def foreach_index(self) -> Optional[int]:
        """The index in the innermost enclosing foreach, or None outside any."""
        return self.foreach_stack[-1].index if self.foreach_stack else None


@record
class RunRecord(Record):
    """``run.json``: what a run was started with, and how it ended.

    Written when the run starts (status ``running``) and again as it goes; user tags edited later
    live apart (``tags.json``), so a tag edit never races with the runtime rewriting this file.
    """

    flow: str = ""
    run_id: str = ""
    status: str = "running"
    user: str = ""
    tags: Tuple[str, ...] = ()
    system_tags: Tuple[str, ...] = ()
    parameters: Dict[str, Any] = field(default_factory=dict)
    parameter_artifacts: Dict[str, ArtifactEntry] = field(default_factory=dict)
    created_at: Optional[float] = None
    finished_at: Optional[float] = None
    flow_file: str = ""
    launcher: str = "spawn"
    max_workers: Optional[int] = None
    max_num_splits: Optional[int] = None
    with_decorators: Tuple[str, ...] = ()
    argv: Tuple[str, ...] = ()
    cwd: str = ""
    versions: Dict[str, Any] = field(default_factory=dict)
    graph: Dict[str, Any] = field(default_factory=dict)
    origin_run_id: Optional[str] = None
    resume_step: Optional[str] = None
    pid: Optional[int] = None
    host: Optional[str] = None
    code: Optional[Dict[str, Any]] = None
    task_count: Optional[int] = None
    failed_tasks: Tuple[str, ...] = ()
    cloned_tasks: Tuple[str, ...] = ()
    clone_seconds: Optional[float] = None
    error: Optional[str] = None
    flow_decorators: Tuple[Dict[str, Any], ...] = ()
    project: Optional[Dict[str, Any]] = None
    configs: Optional[Dict[str, Any]] = None
    format: int = 1
    extra: Dict[str, Any] = field(default_factory=dict, compare=False)

    _KEYS = {"with_decorators": "with"}
    _TYPES = {"flow": str, "run_id": str, "status": str, "user": str, "tags": list,
              "system_tags": list, "parameters": dict, "created_at": float, "finished_at": float,
              "flow_file": str, "launcher": str, "max_workers": int, "max_num_splits": int,
              "with_decorators": list, "argv": list, "cwd": str, "versions": dict, "graph": dict,
              "pid": int, "host": str, "code": dict, "task_count": int, "failed_tasks": list,
              "cloned_tasks": list, "clone_seconds": float, "error": str, "format": int,
              "flow_decorators": list, "project": dict, "configs": dict}
    _NESTED = {"parameter_artifacts": (ArtifactEntry, "dict")}

    @classmethod
    def _convert(cls, name: str, raw: Any, where: str) -> Any:
        if name in ("origin_run_id", "resume_step") and raw is not None:
            return str(raw)  # ids were once written as numbers
        return super()._convert(name, raw, where)

    @property
    def graph_steps(self) -> Tuple[Dict[str, Any], ...]:
        """The graph spec's steps as recorded when the run started."""
        return tuple(self.graph.get("steps") or ())


@record
class UserTags(Record):
    """``tags.json``: a run's user tags once edited with ``tag add|remove``."""

    tags: Tuple[str, ...] = ()
    extra: Dict[str, Any] = field(default_factory=dict, compare=False)

    _TYPES = {"tags": list}
