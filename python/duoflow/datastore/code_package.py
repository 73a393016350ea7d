"""The code snapshot of a run: the flow directory's source files in one deterministic tarball.

Deterministic (sorted names, fixed times and owners) so the same sources give the same bytes and
are stored once per flow, however many runs use them.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import tarfile
from typing import Dict, List, Tuple

from .. import config
from .flow_store import FlowStore

SKIPPED_DIRS = {".git", ".hg", ".svn", "__pycache__", ".duoflow", ".metaflow", ".venv", "venv",
                "node_modules", ".ipynb_checkpoints", ".pytest_cache", ".Rproj.user"}


def collect_files(directory: str, suffixes: Tuple[str, ...],
                  exclude: Tuple[str, ...] = ()) -> Tuple[List[Tuple[str, str]], List[str]]:
    """``([(archive name, path)], [skipped notes])`` for the files worth snapshotting.

    ``exclude`` lists directories left out wherever they are (the datastore itself, for one).
    """
    picked: List[Tuple[str, str]] = []
    skipped: List[str] = []
    total = 0
    excluded = {os.path.realpath(p) for p in exclude}
    scanned = 0
    for current, dirs, files in os.walk(directory):
        # Hidden folders (.git, .venv, .duoflow, ...) and known bulky ones never hold flow code.
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".")
                         and os.path.realpath(os.path.join(current, d)) not in excluded)
        scanned += len(files) + len(dirs)
        if scanned > config.CODE_PACKAGE_MAX_SCANNED:
            skipped.append("everything below %s (more than %d entries scanned; keep flows in a "
                           "folder of their own)" % (os.path.relpath(current, directory), config.CODE_PACKAGE_MAX_SCANNED))
            dirs[:] = []
            continue
        for name in sorted(files):
            if not name.endswith(suffixes):
                continue
            path = os.path.join(current, name)
            rel = os.path.relpath(path, directory).replace(os.sep, "/")
            try:
                size = os.path.getsize(path)
            except OSError:
                continue
            if size > config.CODE_PACKAGE_MAX_FILE_BYTES:
                skipped.append("%s (%d bytes, over the per-file cap)" % (rel, size))
                continue
            if total + size > config.CODE_PACKAGE_MAX_TOTAL_BYTES:
                skipped.append("%s (the snapshot reached its total cap)" % rel)
                continue
            total += size
            picked.append((rel, path))
    return picked, skipped


def build_tarball(files: List[Tuple[str, str]]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for rel, path in files:
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:  # removed or unreadable since it was listed: not part of the flow
                continue
            info = tarfile.TarInfo(rel)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), compresslevel=6, mtime=0)


def save_code_package(flow_store: FlowStore, flow_file: str) -> Dict[str, object]:
    """Snapshot the flow file's directory; returns what run.json records about it."""
    directory = os.path.dirname(os.path.abspath(flow_file))
    files, skipped = collect_files(directory, config.package_suffixes(), exclude=(flow_store.storage.root,))
    blob = build_tarball(files)

    sha = hashlib.sha256(blob).hexdigest()
    flow_store.storage.write(flow_store.code_key(sha), blob, overwrite=False)
    return {
        "sha": sha,
        "key": flow_store.code_key(sha),
        "flow_file": os.path.relpath(os.path.abspath(flow_file), directory),
        "directory": directory,
        "files": [rel for rel, _ in files],
        "skipped": skipped,
        "size": len(blob),
    }
