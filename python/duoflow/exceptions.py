"""Errors that duoflow shows to its users.

Every error carries a headline (what failed, where), details (what was found, what was expected),
a hint (the fix, or a did-you-mean) and a stable code. The command line prints ``format()`` and
exits with ``exit_code``; the R package turns ``code`` into a condition class
``duoflow_error_<code>``.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional, Sequence


class DuoflowError(Exception):
    """Base class of every error duoflow raises on purpose."""

    code = "duoflow"
    exit_code = 1

    def __init__(
        self,
        headline: str,
        details: Optional[Iterable[str]] = None,
        hint: Optional[str] = None,
    ):
        self.headline = headline
        self.details = [d for d in (details or []) if d]
        self.hint = hint
        super().__init__(self.format())

    def add_detail(self, text: str, first: bool = True) -> "DuoflowError":
        """Add a detail line (e.g. which artifact an error from deep inside was about)."""
        self.details.insert(0 if first else len(self.details), text)
        self.args = (self.format(),)
        return self

    def __str__(self) -> str:
        return self.format()

    def to_record(self) -> Dict[str, Any]:
        """The error as plain data: what crosses the R bridge (R makes its condition from it)."""
        return {"code": self.code, "headline": self.headline, "details": list(self.details),
                "hint": self.hint}

    def format(self) -> str:
        """The whole message: headline, indented details, then the hint."""
        lines = [self.headline]
        lines += ["  " + d for d in self.details]
        if self.hint:
            lines.append("  Hint: " + self.hint)
        return "\n".join(lines)


class UsageError(DuoflowError):
    """Bad input on the command line or in a call: exit code 2."""

    code = "usage"
    exit_code = 2


class InvalidGraphError(DuoflowError):
    """The flow's steps do not form a valid graph; ``problems`` lists every one."""

    code = "invalid_graph"
    exit_code = 2

    def __init__(self, flow_name: str, problems: Sequence["object"]):
        self.problems = list(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(
            "%s is not a valid flow graph (%d %s)" % (flow_name, count, noun),
            [str(p) for p in self.problems],
        )


class BadParameterError(DuoflowError):
    """A parameter definition or value is wrong."""

    code = "bad_parameter"
    exit_code = 2


class ReadOnlyError(DuoflowError, AttributeError):
    """A step tried to assign to a parameter or a reserved attribute."""

    code = "read_only"


class InvalidArtifactNameError(DuoflowError, AttributeError):
    """An artifact name that is not an identifier or would escape the datastore."""

    code = "invalid_artifact_name"


class ArtifactNotFoundError(DuoflowError, AttributeError):
    """An artifact that the task (or its inputs) does not have."""

    code = "artifact_not_found"


class MergeArtifactsError(DuoflowError):
    """``merge_artifacts`` found inputs that disagree on an artifact's value."""

    code = "merge_conflict"


class ArtifactDecodeError(DuoflowError):
    """A stored artifact could not be decoded (corrupt, truncated or unknown encoding)."""

    code = "artifact_decode"


class TransitionError(DuoflowError):
    """A step called ``self.next`` differently from what the graph says, or not at all."""

    code = "bad_transition"


class ForeachError(DuoflowError):
    """A foreach split over something that cannot be split, or too wide."""

    code = "bad_foreach"


class DatastoreError(DuoflowError):
    """The datastore could not be read or written."""

    code = "datastore"


class NotFoundError(DuoflowError, KeyError):
    """A flow, run, step or task that does not exist in the datastore."""

    code = "not_found"
    exit_code = 2

    def __str__(self) -> str:  # KeyError would quote the message
        return self.format()


class TaskFailedError(DuoflowError):
    """A run finished with failed tasks."""

    code = "task_failed"
