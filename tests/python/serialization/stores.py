"""A temporary datastore for the serialization tests (see conftest.py)."""

from __future__ import annotations

from pathlib import Path

WHERE = "RoundTripFlow/1/start/2"  # the task named in error messages


class Store:
    """A BlobStore on a temporary LocalStorage, with store/load helpers."""

    def __init__(self, root: Path):
        from duoflow.datastore.cas import BlobStore
        from duoflow.datastore.storage.local import LocalStorage

        self.storage = LocalStorage(str(root))
        self.blobs = BlobStore(self.storage, "RoundTripFlow")

    def save(self, name, value):
        from duoflow.datastore.artifacts import store_value

        return store_value(self.blobs, name, value)

    def load(self, name, entry):
        from duoflow.datastore.artifacts import load_value

        return load_value(self.blobs, name, entry, WHERE)

    def roundtrip(self, value, name="x"):
        entry = self.save(name, value)
        return entry, self.load(name, entry)

    def blob_path(self, entry) -> Path:
        return Path(self.storage.path(self.blobs.key(entry["sha"])))
