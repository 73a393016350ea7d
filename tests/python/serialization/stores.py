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
        """The artifact-index entry as ``artifacts.json`` holds it (a dict): what these tests check."""
        from duoflow.datastore.artifacts import store_value

        return store_value(self.blobs, name, value).to_json()

    def load(self, name, entry):
        """Load from an entry in its stored form (read back as a typed record, as tasks do)."""
        from duoflow.datastore.artifacts import load_value
        from duoflow.datastore.records import ArtifactEntry

        return load_value(self.blobs, name, ArtifactEntry.from_json(entry, WHERE), WHERE)

    def roundtrip(self, value, name="x"):
        entry = self.save(name, value)
        return entry, self.load(name, entry)

    def blob_path(self, entry) -> Path:
        return Path(self.storage.path(self.blobs.key(entry["sha"])))
