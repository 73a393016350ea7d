"""Artifact values in and out of the datastore: encode + store, look up + decode.

An artifact-index entry (one per name in ``artifacts.json``) is an
:class:`~.records.ArtifactEntry`: a stored blob's address (``sha``, a digest made with ``hash``;
see :mod:`.cas`), or a small value kept ``inline`` in the index itself.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, List, Optional

from ..exceptions import ArtifactDecodeError, ArtifactNotFoundError, DuoflowError, InvalidArtifactNameError
from ..graph.names import is_valid_name
from ..util.suggest import did_you_mean
from .cas import HASH, LEGACY_HASH, BlobStore
from .records import ArtifactEntry
from .codecs import decode_value, encode_value


def check_artifact_name(name: object) -> None:
    """Refuse names that are not identifiers (``../x``, ``a/b``, ``''``) before anything is stored."""
    if not is_valid_name(name):
        raise InvalidArtifactNameError(
            "%r is not a valid artifact name" % (name,),
            ["Artifact names must be identifiers (letters, digits and underscores) so they can be "
             "read as self.name in Python and self$name in R, and stored safely."],
            "Rename it, e.g. %s." % _suggest_identifier(name))


def _suggest_identifier(name: object) -> str:
    text = "".join(c if c.isalnum() else "_" for c in str(name)).strip("_") or "value"
    return text if not text[0].isdigit() else "x_" + text


def store_value(blobs: BlobStore, name: str, value: Any) -> ArtifactEntry:
    """Encode and store one value; returns its index entry."""
    check_artifact_name(name)
    try:
        encoded = encode_value(value)
    except DuoflowError:
        raise
    except Exception as exc:
        raise DuoflowError(
            "Cannot store artifact '%s' (%s)" % (name, type(value).__name__),
            ["%s: %s" % (type(exc).__name__, exc)],
            "Artifacts must be picklable: open files, locks, sockets and generators are not. "
            "Store the data they hold instead, or keep the object in an attribute whose name "
            "starts with '_' (not stored).") from exc
    if encoded.is_inline:
        location = {"inline": encoded.inline, "is_inline": True,
                    # its bytes in the index
                    "size": len(json.dumps(encoded.inline, separators=(",", ":")))}
    else:
        sha, size = blobs.save(encoded.payload)
        location = {"sha": sha, "size": size, "hash": HASH}
    return ArtifactEntry(encoding=encoded.encoding, version=encoded.version, type=encoded.python_type,
                         r_class=encoded.r_class, extra=dict(encoded.extra), **location)


def load_value(blobs: BlobStore, name: str, entry: ArtifactEntry, where: str) -> Any:
    """Decode one artifact from its entry; ``where`` (a pathspec) names the task in errors."""
    what = "artifact '%s' of %s" % (name, where)
    payload = None
    if not entry.is_inline:
        payload = blobs.load(entry.sha, what, entry.hash or LEGACY_HASH)
    try:
        return decode_value(payload, entry.as_codec_dict())
    except DuoflowError as exc:
        if what not in exc.format():
            exc.add_detail("While loading %s." % what)
        raise
    except Exception as exc:
        raise ArtifactDecodeError(
            "Cannot load %s" % what,
            ["It was stored as %s (encoding %s): %s: %s"
             % (entry.type, entry.encoding, type(exc).__name__, exc)],
            _decode_hint(exc)) from exc


def _decode_hint(exc: Exception) -> str:
    if isinstance(exc, (ModuleNotFoundError, AttributeError)):
        return ("The value's class comes from a module or version this Python does not have; "
                "install the same packages as the run that stored it.")
    return "The value may need the package versions of the run that stored it."


def missing_artifact(name: str, where: str, available: Iterable[str], hint: Optional[str] = None) -> ArtifactNotFoundError:
    """The error for an artifact a task does not have, listing what it has."""
    names: List[str] = sorted(available)
    listed = ", ".join(names) if names else "none"
    suggestion = did_you_mean(name, names).strip()
    return ArtifactNotFoundError(
        "%s has no artifact '%s'" % (where, name),
        ["Its artifacts: %s." % listed],
        suggestion or hint)
