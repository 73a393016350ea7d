"""Tagged JSON: plain Python values as JSON trees that keep their exact Python types.

The grammar (stable: it is part of the ``json`` encoding, and R reads it too):

- ``null``, ``true``/``false`` and strings stand for themselves.
- A JSON integer is a Python ``int`` (only for ``|n| <= 2**53``, so that every JSON reader,
  R's included, gets it exactly); a JSON number with a ``.`` or an exponent is a ``float``.
- A JSON array is a ``list``.
- A JSON object whose keys do not start with ``$`` is a ``dict`` with those (string) keys, in
  that order.
- Anything else is an object with exactly one ``$``-key, the tag:
  ``{"$float": "nan" | "inf" | "-inf"}``, ``{"$int": "<decimal digits>"}`` (big ints),
  ``{"$complex": [real, imag]}``, ``{"$bytes": "<base64>"}``, ``{"$tuple": [...]}``,
  ``{"$set": [...]}``, ``{"$frozenset": [...]}`` and ``{"$dict": [[key, value], ...]}`` (a dict
  with non-string keys, or with a key starting with ``$``; order kept).
- ``{"$part": i}`` stands for a value stored outside the tree (a numpy array inside a dict, bytes
  of ``PART_BYTES`` or more, ...): only in the ``parts`` layout of the ``json`` encoding, which
  says where part ``i`` is.

Only the exact built-in types are taken: subclasses (``bool`` aside), such as ``IntEnum``,
``OrderedDict`` or named tuples, would come back as their base type, so they are refused
(:class:`NotPlain`) and go to another codec.
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any, Callable, Optional

# bytes this large inside a container are stored as a part of their own (raw), not as base64.
PART_BYTES = 64 << 10
# The largest integer every JSON reader (doubles included) reads exactly.
SAFE_INT = 2 ** 53
_TAG = "$"
_FLOAT_WORDS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class NotPlain(Exception):
    """The value holds something the tagged-JSON form cannot keep exactly."""


def to_tree(value: Any, part: Optional[Callable[[Any], int]] = None) -> Any:
    """The JSON tree of ``value``; raises :class:`NotPlain` for anything it cannot keep exactly.

    With ``part``, a value that is not plain becomes ``{"$part": part(value)}`` (``part`` may
    raise NotPlain too).
    """
    try:
        return _Walker(part).tree(value)
    except RecursionError:  # a container that holds itself, or absurdly deep nesting
        raise NotPlain("too deep (or it contains itself)") from None


class _Walker:
    """One walk over a value; ``tree`` is the recursion (so that ``part`` applies at any depth)."""

    def __init__(self, part: Optional[Callable[[Any], int]]):
        self.part = part

    def tree(self, value: Any) -> Any:
        if self.part is not None and type(value) is bytes and len(value) >= PART_BYTES:
            try:  # its raw bytes as a part (encoding bytes), not base64 text five times its size
                return {"$part": self.part(value)}
            except NotPlain:  # no more parts allowed: base64 text, as before
                pass
        try:
            return _node(value, self.tree)
        except _Leaf:
            if self.part is None:
                kind = type(value)
                raise NotPlain("a %s.%s" % (kind.__module__, kind.__qualname__)) from None
            return {"$part": self.part(value)}


class _Leaf(Exception):
    """Internal: ``value`` itself is not plain (its container may still be)."""


def _node(value: Any, recurse: Callable[[Any], Any]) -> Any:
    """The tree node of one value; ``recurse`` makes the nodes of its items."""
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        return value if -SAFE_INT <= value <= SAFE_INT else {"$int": str(value)}
    if kind is float:
        if math.isfinite(value):
            return value
        return {"$float": "nan" if value != value else ("inf" if value > 0 else "-inf")}
    if kind is list:
        return [recurse(v) for v in value]
    if kind is dict:
        if all(type(k) is str and not k.startswith(_TAG) for k in value):
            return {k: recurse(v) for k, v in value.items()}
        return {"$dict": [[recurse(k), recurse(v)] for k, v in value.items()]}
    if kind is tuple:
        return {"$tuple": [recurse(v) for v in value]}
    if kind is set or kind is frozenset:
        # Set order depends on string hashing, which changes per process: sort by the items'
        # JSON so that equal sets always give the same bytes (and the same content address).
        items = sorted((recurse(v) for v in value), key=lambda t: json.dumps(t, sort_keys=True))
        return {"$" + kind.__name__: items}
    if kind is bytes:
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if kind is complex:
        return {"$complex": [recurse(value.real), recurse(value.imag)]}
    raise _Leaf()


def from_tree(tree: Any, part: Optional[Callable[[int], Any]] = None) -> Any:
    """The Python value of a JSON tree made by :func:`to_tree`; ValueError on unknown tags.

    ``part(i)`` gives the value of ``{"$part": i}`` leaves.
    """
    return _Reader(part).value(tree)


class _Reader:
    def __init__(self, part: Optional[Callable[[int], Any]]):
        self.part = part

    def value(self, tree: Any) -> Any:
        kind = type(tree)
        if kind is list:
            return [self.value(v) for v in tree]
        if kind is dict:
            if len(tree) == 1:
                (key, inner), = tree.items()
                if key.startswith(_TAG):
                    return self.untag(key, inner)
            return {k: self.value(v) for k, v in tree.items()}
        return tree

    def untag(self, tag: str, inner: Any) -> Any:
        value = self.value
        if tag == "$tuple":
            return tuple(value(v) for v in inner)
        if tag == "$dict":
            return {value(k): value(v) for k, v in inner}
        if tag == "$set":
            return {value(v) for v in inner}
        if tag == "$frozenset":
            return frozenset(value(v) for v in inner)
        if tag == "$int":
            return int(inner)
        if tag == "$float":
            return _FLOAT_WORDS[inner]
        if tag == "$complex":
            return complex(value(inner[0]), value(inner[1]))
        if tag == "$bytes":
            return base64.b64decode(inner, validate=True)
        if tag == "$part" and self.part is not None:
            return self.part(inner)
        raise ValueError("unknown tag %r in a tagged-JSON value" % tag)


def dumps(tree: Any) -> bytes:
    """Compact UTF-8 JSON text of a tree (floats as Python's shortest exact repr)."""
    return json.dumps(tree, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def loads(data) -> Any:
    """The tree of JSON text (bytes or a buffer)."""
    return json.loads(bytes(data).decode("utf-8"))
