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
from .code_rules import SnapshotRules
from .flow_store import FlowStore

# The listing of what was left out stops after this many entries (a folder counts once).
MAX_LISTED_EXCLUSIONS = 200


class _Collector:
    """One walk over a flow's directory: the files kept, and what was left out and why."""

    def __init__(self, directory: str, suffixes: Tuple[str, ...], exclude: Tuple[str, ...], keep: str):
        self.directory, self.keep = directory, keep
        self.real_directory = os.path.realpath(directory)
        self.suffixes = suffixes
        # Folders to skip (the datastore), as paths relative to the directory: the walk never
        # follows a folder link, so an entry's relative path is its real path below it.
        self.excluded_dirs = {os.path.relpath(os.path.realpath(p), self.real_directory).replace(os.sep, "/")
                              for p in exclude}
        self.rules = SnapshotRules(directory)
        self.picked: List[Tuple[str, str]] = []
        self.skipped: List[str] = []
        self.excluded: List[str] = []
        self.total = 0
        self.scanned = 0

    def walk(self, rel: str = "") -> None:
        folder = os.path.join(self.directory, rel) if rel else self.directory
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return  # unreadable or vanished: nothing of the flow's code is there
        self.scanned += len(entries)
        if self.scanned > config.CODE_PACKAGE_MAX_SCANNED:
            self.skipped.append("everything below %s (more than %d entries scanned; keep flows in a "
                                "folder of their own)" % (rel or ".", config.CODE_PACKAGE_MAX_SCANNED))
            return
        self.rules.enter(rel, {e.name for e in entries})
        for entry in entries:
            path = "%s/%s" % (rel, entry.name) if rel else entry.name
            is_dir = entry.is_dir()  # follows a link, as opening the files below it would
            if is_dir:
                if not entry.is_symlink() and path not in self.excluded_dirs \
                        and not self._left_out(path, entry.name, True):
                    self.walk(path)
            elif path == self.keep or (entry.name.endswith(self.suffixes)
                                       and not self._left_out(path, entry.name, False)):
                self._pick(path, entry)

    def _left_out(self, path: str, name: str, is_dir: bool) -> bool:
        rule = self.rules.excluded(path, name, is_dir)
        if rule is None:
            return False
        if len(self.excluded) < MAX_LISTED_EXCLUSIONS:
            self.excluded.append("%s%s (%s)" % (path, "/" if is_dir else "", rule))
        elif len(self.excluded) == MAX_LISTED_EXCLUSIONS:
            self.excluded.append("... (more left out; the listing stops at %d)" % MAX_LISTED_EXCLUSIONS)
        return True

    def _pick(self, path: str, entry: os.DirEntry) -> None:
        if entry.is_symlink() and not _inside(os.path.realpath(entry.path), self.real_directory):
            # A link to a file elsewhere (~/.ssh/id_rsa named notes.txt) is not the flow's code.
            self.skipped.append("%s (a link to a file outside the flow's directory)" % path)
            return
        try:
            size = entry.stat().st_size
        except OSError:
            return  # a dangling link, or removed since it was listed
        if size > config.CODE_PACKAGE_MAX_FILE_BYTES:
            self.skipped.append("%s (%d bytes, over the per-file cap)" % (path, size))
        elif self.total + size > config.CODE_PACKAGE_MAX_TOTAL_BYTES:
            self.skipped.append("%s (the snapshot reached its total cap)" % path)
        else:
            self.total += size
            self.picked.append((path, entry.path))


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def collect_files(directory: str, suffixes: Tuple[str, ...], exclude: Tuple[str, ...] = (),
                  keep: str = "") -> Tuple[List[Tuple[str, str]], List[str], List[str]]:
    """``([(archive name, path)], [skipped notes], [excluded notes])`` for the files worth
    snapshotting: files with one of ``suffixes`` that no ignore rule leaves out (see
    :mod:`.code_rules`), within the size caps.

    ``exclude`` lists directories left out wherever they are (the datastore itself, for one);
    ``keep`` names a file kept whatever the rules say (the flow file: the code that runs).
    ``skipped`` says what the caps (or a link out of the directory) kept out; ``excluded`` what
    the ignore rules did, with the deciding rule.
    """
    collector = _Collector(directory, suffixes, exclude, keep)
    collector.walk()
    return collector.picked, collector.skipped, collector.excluded


def build_tarball(files: List[Tuple[str, str]]) -> Tuple[bytes, List[str]]:
    """The tar.gz bytes of ``files`` and the names it holds (a file removed or unreadable since
    it was listed is not in either)."""
    raw = io.BytesIO()
    names = []
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
            names.append(rel)
    return gzip.compress(raw.getvalue(), compresslevel=6, mtime=0), names


def save_code_package(flow_store: FlowStore, flow_file: str) -> Dict[str, object]:
    """Snapshot the flow file's directory; returns what run.json records about it: ``files``
    (exactly the archive's members), ``excluded`` (what the ignore rules left out, with the
    deciding rule) and ``skipped`` (what the size caps kept out)."""
    directory = os.path.dirname(os.path.abspath(flow_file))
    flow_name = os.path.relpath(os.path.abspath(flow_file), directory).replace(os.sep, "/")
    files, skipped, excluded = collect_files(directory, config.package_suffixes(),
                                             exclude=(flow_store.storage.root,), keep=flow_name)
    blob, names = build_tarball(files)

    sha = hashlib.sha256(blob).hexdigest()
    flow_store.storage.write(flow_store.code_key(sha), blob, overwrite=False)
    return {
        "sha": sha,
        "key": flow_store.code_key(sha),
        "flow_file": flow_name,
        "directory": directory,
        "files": names,
        "excluded": excluded,
        "skipped": skipped,
        "size": len(blob),
    }
