"""``run.code``: the source snapshot a run used (a deterministic tar.gz in the datastore).

Unlike Metaflow's ``MetaflowCode.tarball`` (a ``TarFile``), ``tarball`` here is the archive's bytes;
:meth:`RunCode.open` gives a ``TarFile`` when one is wanted.
"""

from __future__ import annotations

import io
import os
from typing import Any, Dict, List, Optional

from ..datastore.flow_store import FlowStore
from ..exceptions import DatastoreError, NotFoundError
from ..util.suggest import did_you_mean


class RunCode:
    """The files of a run's code snapshot; the archive is read once, when first needed."""

    def __init__(self, flow_store: FlowStore, info: Dict[str, Any], run_pathspec: str):
        self._flow_store, self._info, self._run = flow_store, info, run_pathspec
        self._bytes: Optional[bytes] = None

    @property
    def sha(self) -> Optional[str]:
        return self._info.get("sha")

    @property
    def flow_file(self) -> Optional[str]:
        """The flow file's name inside the snapshot."""
        return self._info.get("flow_file")

    @property
    def files(self) -> List[str]:
        """Names of the files in the snapshot (exactly its members), relative to the flow's
        directory."""
        return list(self._info.get("files") or [])

    @property
    def excluded(self) -> List[str]:
        """What the ignore rules left out, each as ``path (deciding rule)``: built-in rules for
        secrets and caches, ``.gitignore``, ``.duoflowignore`` (see docs/code-snapshot.md).
        Empty for runs recorded before the rules existed."""
        return list(self._info.get("excluded") or [])

    @property
    def skipped(self) -> List[str]:
        """Files the rules kept but the size caps (or a link out of the directory) left out."""
        return list(self._info.get("skipped") or [])

    @property
    def path(self) -> str:
        """Where the archive is stored."""
        return self._flow_store.storage.path(self._key())

    def _key(self) -> str:
        return self._info.get("key") or self._flow_store.code_key(self._info.get("sha", ""))

    @property
    def tarball(self) -> bytes:
        """The snapshot as tar.gz bytes."""
        if self._bytes is None:
            try:
                self._bytes = self._flow_store.storage.read(self._key())
            except FileNotFoundError:
                raise DatastoreError("The code snapshot of run %s is missing" % self._run,
                                     ["Expected %s." % self.path],
                                     "The datastore was changed by hand or only partly copied.") from None
        return self._bytes

    def open(self):
        """The snapshot as a read-only ``tarfile.TarFile``."""
        import tarfile

        return tarfile.open(fileobj=io.BytesIO(self.tarball), mode="r:gz")

    def read(self, name: str) -> bytes:
        """One file of the snapshot, by its name in :attr:`files`."""
        with self.open() as tar:
            try:
                member = tar.getmember(name)
            except KeyError:
                names = tar.getnames()
                raise NotFoundError("The code snapshot of run %s has no file '%s'" % (self._run, name),
                                    ["Its files: %s." % (", ".join(names) or "none")],
                                    did_you_mean(name, names).strip() or None) from None
            handle = tar.extractfile(member)
            return handle.read() if handle is not None else b""

    @property
    def flowspec(self) -> Optional[str]:
        """The source text of the flow file, as the run used it."""
        if not self.flow_file:
            return None
        return self.read(self.flow_file).decode("utf-8", errors="replace")

    @property
    def script_name(self) -> Optional[str]:
        return os.path.basename(self.flow_file) if self.flow_file else None

    def extract(self, directory: str) -> str:
        """Write the snapshot's files under ``directory`` (created if needed); returns its path."""
        import tarfile

        target = os.path.abspath(directory)
        os.makedirs(target, exist_ok=True)
        with self.open() as tar:
            members = tar.getmembers()
            for member in members:  # refuse anything that would land outside the directory
                dest = os.path.abspath(os.path.join(target, member.name))
                if not (member.isfile() or member.isdir()) or os.path.commonpath([target, dest]) != target:
                    raise DatastoreError("The code snapshot of run %s holds an unsafe entry %r"
                                         % (self._run, member.name))
            if hasattr(tarfile, "data_filter"):
                tar.extractall(target, members=members, filter="data")
            else:  # pragma: no cover - Python without extraction filters
                tar.extractall(target, members=members)
        return target

    def __repr__(self) -> str:
        return "<code of %s: %d files, %d left out>" % (self._run, len(self.files),
                                                         len(self.excluded) + len(self.skipped))
