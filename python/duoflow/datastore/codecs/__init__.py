"""The codec registry: picks an encoding per value and decodes by encoding name.

The datastore only ever calls :func:`encode_value` and :func:`decode_value`; codecs are
registered here in order of preference (the first that accepts a value wins).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ...exceptions import ArtifactDecodeError
from .base import Buffer, Codec, Encoded, python_type_name
from .pickle_codec import CloudpickleCodec

__all__ = ["Codec", "Encoded", "encode_value", "decode_value", "register", "codec_for"]

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
    """Encode ``value`` with the first registered codec that accepts it."""
    for codec in _PREFERENCE:
        if codec.accepts(value):
            return codec.encode(value)
    raise AssertionError("the cloudpickle codec accepts everything")  # pragma: no cover


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


register(CloudpickleCodec())
