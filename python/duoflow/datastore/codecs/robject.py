"""R-native values seen from Python: the :class:`RObject` carrier and how Python reads one.

An R value with no Python counterpart (an ``lm`` fit, a closure, an S4 object, an environment)
is stored as R's own ``serialize()`` bytes (encoding ``rds``). Python reads it:

- as an rpy2 object (R unserializes it inside this Python) when rpy2 is importable;
- as an :class:`RObject` carrier (the bytes plus the R class) when Python runs inside R through
  reticulate (the R package unserializes the bytes itself; starting a second R through rpy2 in
  an R process would be wrong), or when ``DUOFLOW_R_VIEW=carrier``;
- otherwise as a clear :class:`RObjectUnavailableError`.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Iterable, List, Union

from ...exceptions import ArtifactDecodeError

R_VIEW_ENV = "DUOFLOW_R_VIEW"


class RObject:
    """An R value as the bytes of R's ``serialize(x, NULL)``, with its R class.

    ``r_class`` is R's ``class(x)`` (a list of strings, e.g. ``["glm", "lm"]``). Storing an
    RObject keeps the bytes as they are, so R gets back exactly what it serialized.
    """

    __slots__ = ("data", "r_class")

    def __init__(self, data: Union[bytes, bytearray, memoryview], r_class: Union[str, Iterable[str]]):
        self.data = bytes(data)
        self.r_class: List[str] = [r_class] if isinstance(r_class, str) else [str(c) for c in r_class]

    def __eq__(self, other: Any) -> bool:
        return type(other) is RObject and other.data == self.data and other.r_class == self.r_class

    def __hash__(self) -> int:
        return hash((self.data, tuple(self.r_class)))

    def __repr__(self) -> str:
        return "<RObject of R class %s: %d bytes of R serialize() data>" % (
            "/".join(self.r_class) or "?", len(self.data))


class RObjectUnavailableError(ArtifactDecodeError):
    """An R-native artifact read from a Python that has no rpy2 (or no working R)."""

    def __init__(self, r_class: List[str], reason: str):
        shown = ", ".join("'%s'" % c for c in r_class) or "unknown"
        super().__init__(
            "This artifact is an R object of class %s (stored with R's serialize()); this Python "
            "cannot read it" % shown,
            ["Reading R objects from Python needs rpy2 and R: %s." % reason],
            "Read it from R: library(duoflow); run_client$new(\"<Flow>/<run id>\")$artifact(\"<name>\"). "
            "Or, to get it here as an rpy2 object, install R and then rpy2: pip install 'duoflow[r]'.")
        self.r_class = r_class


def r_view() -> str:
    """``"carrier"`` (return :class:`RObject`) or ``"rpy2"`` (unserialize through rpy2)."""
    chosen = os.environ.get(R_VIEW_ENV, "").strip().lower()
    if chosen in ("carrier", "rpy2"):
        return chosen
    # reticulate registers the module 'rpycall' in the Python it embeds: we are inside R.
    return "carrier" if "rpycall" in sys.modules else "rpy2"


def unserialize_with_rpy2(data: bytes, r_class: List[str]) -> Any:
    """The rpy2 object of R ``serialize()`` bytes; RObjectUnavailableError without rpy2/R."""
    try:
        import rpy2.robjects as ro
    except ImportError as exc:
        raise RObjectUnavailableError(r_class, "rpy2 is not installed (%s)" % exc) from None
    except Exception as exc:  # rpy2 is there but cannot start R (R missing, wrong R_HOME)
        raise RObjectUnavailableError(r_class, "rpy2 could not start R (%s: %s)"
                                      % (type(exc).__name__, exc)) from None
    return ro.r["unserialize"](ro.vectors.ByteVector(data))


def serialize_with_rpy2(value: Any) -> RObject:
    """An rpy2 object as an :class:`RObject` (R's ``serialize(x, NULL)`` and ``class(x)``)."""
    import rpy2.robjects as ro

    data = bytes(ro.r["serialize"](value, ro.NULL))
    return RObject(data, list(ro.r["class"](value)))


def is_rpy2_object(value: Any) -> bool:
    """True for an rpy2 object standing for an R value (only checked when rpy2 is loaded)."""
    if "rpy2.rinterface" not in sys.modules or not type(value).__module__.startswith("rpy2."):
        return False
    from rpy2.rinterface_lib.sexp import Sexp

    return isinstance(value, Sexp)
