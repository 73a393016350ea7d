"""The codec seam: how a Python value becomes stored bytes and back.

A codec owns one stable encoding name (``encoding``) and a format ``version``. Changing what a
codec writes means a new version; readers keep decoding every version they ever wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence, Union

Buffer = Union[bytes, bytearray, memoryview]
# A payload is one buffer or a sequence of buffers stored back to back (so a codec can hand over a
# header plus an array's own memory without concatenating them into a copy).
Payload = Union[Buffer, Sequence[Buffer]]

# The artifact index can hold a value inline (no blob) when it is this small once encoded.
INLINE_LIMIT = 256


@dataclass
class Encoded:
    """One encoded value, ready for the datastore.

    ``payload`` is the blob to store, or None when the value is small enough to sit in the
    artifact index itself (then ``inline`` holds its JSON form).
    """

    encoding: str
    version: int
    python_type: str
    payload: Optional[Payload] = None
    inline: Any = None
    r_class: Optional[str] = None
    extra: dict = field(default_factory=dict)

    @property
    def is_inline(self) -> bool:
        return self.payload is None


class Codec:
    """Base class: subclasses set ``encoding``/``version`` and implement the three methods."""

    encoding = ""
    version = 1

    def accepts(self, value: Any) -> bool:
        """True when this codec can store ``value`` faithfully."""
        raise NotImplementedError

    def encode(self, value: Any) -> Optional[Encoded]:
        """Encode ``value``; the result's payload (or inline form) is what gets stored.

        May return None to pass the value on to the next codec, when finding out that it cannot
        keep the value exactly costs as much as encoding it (e.g. a list holding an object).
        """
        raise NotImplementedError

    def decode(self, payload: Optional[Buffer], entry: dict) -> Any:
        """Rebuild the value from its payload (None for inline values) and its index entry.

        ``payload`` is one contiguous, read-only buffer (for the local datastore a memory map of
        the blob file, already checked against its checksum).
        """
        raise NotImplementedError


def bad_payload(entry: dict, problem: str) -> Exception:
    """The error for a payload that does not match its entry (it passed the checksum, so it was
    written that way: by another tool, or by hand), raised instead of returning a wrong value."""
    from ...exceptions import ArtifactDecodeError

    return ArtifactDecodeError(
        "A stored %s value (encoding %s) does not match its description" % (entry.get("type"), entry.get("encoding")),
        [problem],
        "The blob or the artifact index was written by another tool or changed by hand; re-run "
        "the step that produced it.")


def python_type_name(value: Any) -> str:
    """``module.QualName`` of the value's type, as shown by ``dump`` and the client."""
    cls = type(value)
    module = cls.__module__
    if module == "builtins":
        return cls.__qualname__
    return "%s.%s" % (module, cls.__qualname__)
