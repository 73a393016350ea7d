"""``json``: small scalars and plain containers as tagged JSON (see :mod:`.tagged`).

Values whose JSON text fits in ``INLINE_LIMIT`` bytes are kept in the task's artifact index
(``entry["inline"]`` holds the tree: no blob, no extra file to read); larger ones become a blob of
UTF-8 JSON text, compressed when that pays (:mod:`.compression`).

Containers holding arrays or frames (``{"weights": ndarray}``, an R list of vectors seen from
Python) use the ``parts`` layout: the blob starts with a JSON header ``{"tree", "parts"}`` of
``header_size`` bytes (in the entry); each ``{"$part": i}`` leaf of the tree is stored by its own
codec, and ``parts[i]`` is that value's index entry plus its ``offset``/``length`` in the data
area, which starts at the first multiple of 64 bytes after the header (parts are 64-aligned, so
an array part still loads without a copy). A container holding anything only cloudpickle can
store goes to cloudpickle whole.
"""

from __future__ import annotations

from typing import Any, Callable, List, Optional

from ..storage.protocol import iter_chunks
from . import compression, tagged
from .base import INLINE_LIMIT, Buffer, Codec, Encoded, bad_payload, python_type_name

ALIGN = 64
# More parts than this and the header outweighs the parts (a list of a million numpy scalars):
# such values go to cloudpickle.
MAX_PARTS = 1000

_PLAIN = (type(None), bool, int, float, complex, str, bytes, list, tuple, dict, set, frozenset)
# R's NA_integer_ is the smallest 32-bit int, so R integers hold one value less than int32.
_R_INT_MIN, _R_INT_MAX = -(2 ** 31) + 1, 2 ** 31 - 1


class JsonCodec(Codec):
    """None, bool, int, float, str, bytes and lists/tuples/dicts/sets of them, exactly."""

    encoding = "json"
    version = 1

    def __init__(self, encode_part: Optional[Callable[[Any], Optional[Encoded]]] = None,
                 decode_part: Optional[Callable[[Optional[Buffer], dict], Any]] = None):
        """``encode_part``/``decode_part`` store the non-plain leaves of a container (the
        registry's other codecs, cloudpickle excluded); without them such values are refused."""
        self.encode_part = encode_part
        self.decode_part = decode_part

    def accepts(self, value: Any) -> bool:
        # Only the top level is checked here; encode() walks the rest and passes on what it
        # cannot keep (a list holding a numpy array goes to cloudpickle).
        return type(value) in _PLAIN

    def encode(self, value: Any) -> Optional[Encoded]:
        parts: List[Encoded] = []
        try:
            tree = tagged.to_tree(value, part=lambda leaf: self._add_part(parts, leaf))
            text = tagged.dumps(tree)
        except (tagged.NotPlain, UnicodeEncodeError):  # lone surrogates are not UTF-8
            return None
        kind = python_type_name(value)
        if parts:
            return self._encode_parts(value, tree, parts)
        if len(text) <= INLINE_LIMIT:
            return Encoded(self.encoding, self.version, kind, inline=tree, r_class=r_class_of(value))
        payload, extra = compression.maybe_compress(self.encoding, text)
        return Encoded(self.encoding, self.version, kind, payload=payload,
                       r_class=r_class_of(value), extra=extra)

    def _add_part(self, parts: List[Encoded], leaf: Any) -> int:
        encoded = self.encode_part(leaf) if self.encode_part and len(parts) < MAX_PARTS else None
        if encoded is None:
            raise tagged.NotPlain(python_type_name(leaf))
        parts.append(encoded)
        return len(parts) - 1

    def _encode_parts(self, value: Any, tree: Any, parts: List[Encoded]) -> Encoded:
        data: list = []
        described = []
        offset = 0
        for part in parts:
            meta = {"encoding": part.encoding, "version": part.version, "type": part.python_type,
                    "r_class": part.r_class}
            meta.update(part.extra)
            if part.is_inline:
                meta["inline"] = part.inline
            else:
                chunks = list(iter_chunks(part.payload))
                length = sum(memoryview(c).nbytes for c in chunks)
                meta.update(offset=offset, length=length)
                data.extend(chunks)
                data.append(bytes(-length % ALIGN))
                offset += length + (-length % ALIGN)
            described.append(meta)
        header = tagged.dumps({"tree": tree, "parts": described})
        payload = [header, bytes(-len(header) % ALIGN)] + data
        return Encoded(self.encoding, self.version, python_type_name(value), payload=payload,
                       r_class=r_class_of(value), extra={"layout": "parts", "header_size": len(header)})

    def decode(self, payload: Optional[Buffer], entry: dict) -> Any:
        if entry.get("layout") == "parts":
            return self._decode_parts(payload, entry)
        if payload is None:
            tree = entry["inline"]
        else:
            try:
                tree = tagged.loads(compression.maybe_decompress(payload, entry))
            except ValueError as exc:
                raise bad_payload(entry, "Its JSON text cannot be read: %s" % exc) from None
        try:
            return tagged.from_tree(tree)
        except (ValueError, KeyError, TypeError) as exc:
            raise bad_payload(entry, "Its JSON tree is not a duoflow tagged-JSON value: %s" % exc) from None


    def _decode_parts(self, payload: Optional[Buffer], entry: dict) -> Any:
        view = memoryview(payload if payload is not None else b"").cast("B")
        size = int(entry.get("header_size", 0))
        try:
            header = tagged.loads(view[:size])
            tree, parts = header["tree"], header["parts"]
        except (ValueError, KeyError, TypeError) as exc:
            raise bad_payload(entry, "Its parts header cannot be read: %s" % exc) from None
        base = size + (-size % ALIGN)

        def part(index: int) -> Any:
            meta = parts[index]
            if "inline" in meta:
                return self.decode_part(None, meta)
            start, end = base + meta["offset"], base + meta["offset"] + meta["length"]
            if end > view.nbytes:
                raise bad_payload(entry, "Part %d ends at byte %d of a %d-byte blob." % (index, end, view.nbytes))
            return self.decode_part(view[start:end], meta)

        try:
            return tagged.from_tree(tree, part)
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise bad_payload(entry, "Its JSON tree is not a duoflow tagged-JSON value: %s" % exc) from None


def r_class_of(value: Any) -> str:
    """The class of the value R makes of it (the default R view; see tests/fixtures/roundtrip)."""
    kind = type(value)
    if value is None:
        return "NULL"
    if kind is bool:
        return "logical"
    if kind is int:
        # Outside R's 32-bit integers a double holds it exactly up to 2**53; past that only
        # its decimal digits (a character string) keep it.
        if _R_INT_MIN <= value <= _R_INT_MAX:
            return "integer"
        return "numeric" if -tagged.SAFE_INT <= value <= tagged.SAFE_INT else "character"
    if kind is float:
        return "numeric"
    if kind is str:
        return "character"
    if kind is bytes:
        return "raw"
    if kind is complex:
        return "complex"
    return "list"
