"""Data frames that come with their Arrow table already built, so the ``arrow`` codec stores that
table instead of converting the frame column by column again.

The R bridge builds a pandas frame from R's column buffers (rbridge/frame_tables.py). Some of its
columns are costly to convert to Arrow from pandas (an ``object`` column of ``datetime.date``:
one Python object per row) while the bridge already holds them as Arrow arrays. It registers the
table here; :class:`~.arrow_codec.ArrowCodec` asks :func:`prebuilt` before converting. The
stored stream is the one ``pa.Table.from_pandas(frame)`` gives (same schema, pandas metadata and
values), so every reader decodes it as before.

Only frames nobody else holds are registered (the bridge hands them straight to a task's
artifacts): a frame changed in place after registering would be stored as it was built.
"""

from __future__ import annotations

import weakref
from typing import Any, Dict, Optional


class Prebuilt:
    """A frame's Arrow table and its object markers (a plain class: a ``typing.NamedTuple``
    costs every run a millisecond to define, and this module is loaded by every run)."""

    __slots__ = ("table", "markers")

    def __init__(self, table: Any, markers: Dict[str, str]):
        self.table = table      # pyarrow.Table, schema and pandas metadata as from_pandas makes them
        self.markers = markers  # what object_markers(frame) gives


_TABLES: Dict[int, tuple] = {}


def register(frame: Any, table: Any, markers: Dict[str, str]) -> None:
    """Remember ``table`` as the Arrow form of ``frame`` for as long as the frame lives."""
    key = id(frame)
    _TABLES[key] = (weakref.ref(frame), Prebuilt(table, markers))
    weakref.finalize(frame, _TABLES.pop, key, None)


def prebuilt(frame: Any) -> Optional[Prebuilt]:
    """The registered table of ``frame`` (None when it has none)."""
    held = _TABLES.get(id(frame))
    if held is None or held[0]() is not frame:
        return None
    return held[1]
