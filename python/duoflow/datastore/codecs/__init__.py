"""The codec registry: picks an encoding per value and decodes by encoding name.

The datastore only ever calls :func:`encode_value` and :func:`decode_value`; codecs are
registered here in order of preference (the first that accepts a value, and does not pass it on,
wins). The encodings (stable names; each codec's ``version`` is its format version):

==============  ==========================================================================
``rds``         R-native values (:class:`RObject`, rpy2 objects): R's serialize() bytes
``bytes``       bytes (beyond what the index inlines), bytearray, memoryview: the raw bytes
``json``        None, bool, int, float, complex, str, small bytes, list, tuple, dict, set:
                tagged JSON, inlined in the artifact index when small; containers holding
                arrays or frames keep those as parts stored by their own codecs
``ndarray``     numpy arrays and scalars: .npy header + raw memory, loaded without a copy
``arrow``       pandas DataFrame / Series / Index / Categorical: Arrow IPC
``cloudpickle`` everything else (Python-only objects); the first encoding duoflow wrote
==============  ==========================================================================

The round-trip contract with R is tests/fixtures/roundtrip/ (one file per row family).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ...exceptions import ArtifactDecodeError
from .arrow_codec import ArrowCodec
from .base import Buffer, Codec, Encoded, python_type_name
from .bytes_codec import BytesCodec
from .json_codec import JsonCodec
from .ndarray_codec import NdarrayCodec
from .pickle_codec import CloudpickleCodec
from .rds_codec import RdsCodec
from .robject import RObject, RObjectUnavailableError

__all__ = ["Codec", "Encoded", "encode_value", "decode_value", "register", "codec_for",
           "RObject", "RObjectUnavailableError"]

_PREFERENCE: List[Codec] = []
_BY_NAME: Dict[str, Codec] = {}


def register(codec: Codec, first: bool = False) -> None:
    """Add a codec; ``first=True`` tries it before those already registered."""
    if first:
        _PREFERENCE.insert(0, codec)
    else:
        _PREFERENCE.append(codec)
    _BY_NAME[codec.encoding] = codec


def codec_for(encoding: str) -> Codec:
    """The codec that reads ``encoding``, or a clear error for unknown encodings."""
    try:
        return _BY_NAME[encoding]
    except KeyError:
        raise ArtifactDecodeError(
            "Unknown artifact encoding '%s'" % encoding,
            ["This duoflow knows: %s." % ", ".join(sorted(_BY_NAME))],
            "The artifact was probably written by a newer duoflow: upgrade duoflow to read it.",
        ) from None


def encode_value(value: Any) -> Encoded:
    """Encode ``value`` with the first registered codec that accepts it and keeps it exactly."""
    for codec in _PREFERENCE:
        if codec.accepts(value):
            encoded = codec.encode(value)
            if encoded is not None:  # None: the codec passed it on (see Codec.encode)
                return encoded
    raise AssertionError("the cloudpickle codec accepts everything")  # pragma: no cover


def encode_part(value: Any) -> Optional[Encoded]:
    """Encode a value found inside a container (an array in a dict): any codec but cloudpickle,
    whose Python-only objects would make the whole container Python-only anyway."""
    for codec in _PREFERENCE:
        if codec.encoding in ("cloudpickle", "json") or not codec.accepts(value):
            continue
        encoded = codec.encode(value)
        if encoded is not None:
            return encoded
    return None


def decode_value(payload: Optional[Buffer], entry: dict) -> Any:
    """Decode a stored value from its payload and its artifact-index entry."""
    codec = codec_for(entry["encoding"])
    version = entry.get("version", 1)
    if version > codec.version:
        raise ArtifactDecodeError(
            "Artifact encoding '%s' version %d is newer than this duoflow reads (%d)"
            % (entry["encoding"], version, codec.version),
            hint="Upgrade duoflow to read it.",
        )
    return codec.decode(payload, entry)


# Cheapest and most specific first; each accepts() is a type check that imports nothing.
register(RdsCodec())
register(BytesCodec())
register(JsonCodec(encode_part=encode_part, decode_part=lambda payload, entry: decode_value(payload, entry)))
register(NdarrayCodec())
register(ArrowCodec())
register(CloudpickleCodec())
