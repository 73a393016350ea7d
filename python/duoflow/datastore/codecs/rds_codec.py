"""``rds``: R-native values, as the bytes of R's ``serialize(x, NULL)`` (see :mod:`.robject`).

The blob is exactly what R's ``serialize()`` wrote (compressed with zstd when that pays, recorded
in the entry), so R reads it back with ``unserialize()``. The entry keeps R's full class vector
in ``r_classes`` (``r_class`` is its first element).
"""

from __future__ import annotations

from typing import Any, Optional

from . import compression
from .base import Buffer, Codec, Encoded, bad_payload, python_type_name
from .robject import RObject, is_rpy2_object, r_view, serialize_with_rpy2, unserialize_with_rpy2

# serialize() output starts with its format: XDR (the default), ASCII or native binary.
_R_FORMATS = (b"X\n", b"A\n", b"B\n")


class RdsCodec(Codec):
    """:class:`RObject` carriers, and rpy2 objects (serialized by R)."""

    encoding = "rds"
    version = 1

    def accepts(self, value: Any) -> bool:
        return type(value) is RObject or is_rpy2_object(value)

    def encode(self, value: Any) -> Optional[Encoded]:
        carrier = value if type(value) is RObject else serialize_with_rpy2(value)
        payload, extra = compression.maybe_compress(self.encoding, carrier.data)
        extra["r_classes"] = list(carrier.r_class)
        return Encoded(self.encoding, self.version, python_type_name(value), payload=payload,
                       r_class=carrier.r_class[0] if carrier.r_class else None, extra=extra)

    def decode(self, payload: Optional[Buffer], entry: dict) -> Any:
        if payload is None:
            raise bad_payload(entry, "It has no blob.")
        try:
            data = bytes(compression.maybe_decompress(payload, entry))
        except ValueError as exc:
            raise bad_payload(entry, "Its compressed data cannot be read: %s" % exc) from None
        if data[:2] not in _R_FORMATS:
            raise bad_payload(entry, "It does not start like R serialize() output.")
        r_class = list(entry.get("r_classes") or ([entry["r_class"]] if entry.get("r_class") else []))
        if r_view() == "carrier":
            return RObject(data, r_class)
        return unserialize_with_rpy2(data, r_class)
