"""Peak memory of bytes artifacts: saving and loading bytes, bytearray and memoryview values
through the real datastore path (local), one child process per case and phase.

Peak memory is ru_maxrss growth over the child's baseline (after imports, before the value is
made), so a save's figure includes the value itself: 1.00x means nothing beyond the value. The
phases: ``save`` into an empty store, ``save again`` of the same value into a store that has its
blob (the blob is verified by size and hash before it is trusted), ``load``. With ``--legacy``
the same is done with the encoding bytes had before (base64 inside tagged JSON) for comparison:
it needs about 6x the value in memory.

    python bench/bytes_memory.py                    # 1 GiB values
    python bench/bytes_memory.py --size-mib 256 --legacy
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "python"))
sys.path.insert(0, HERE)

from serialization import human, maxrss  # noqa: E402  (the same units and measure as there)

MiB = 1 << 20
KINDS = ("bytes", "bytearray", "memoryview")
PHASES = ("save", "save again", "load")


def make_value(kind: str, size: int):
    """Random bytes built in place (one copy of the value, plus an 8 MiB step)."""
    if kind == "bytes":
        import io

        sink = io.BytesIO()
        while sink.tell() < size:
            sink.write(os.urandom(min(8 * MiB, size - sink.tell())))
        return sink.getvalue()  # the BytesIO's own bytes object: no copy (CPython)
    data = bytearray(size)
    view = memoryview(data)
    for start in range(0, size, 8 * MiB):
        view[start:start + 8 * MiB] = os.urandom(min(8 * MiB, size - start))
    return data if kind == "bytearray" else view


def child(kind: str, phase: str, path: str, size: int, legacy: bool) -> dict:
    from duoflow.datastore import codecs
    from duoflow.datastore.artifacts import load_value, store_value
    from duoflow.datastore.cas import BlobStore
    from duoflow.datastore.storage.local import LocalStorage

    if legacy:  # bytes as they were stored before the bytes encoding: base64 in tagged JSON
        codecs._PREFERENCE[:] = [c for c in codecs._PREFERENCE if c.encoding != "bytes"]
    storage = LocalStorage(path)
    blobs = BlobStore(storage, "Bench")
    baseline = maxrss()
    started = time.perf_counter()
    if phase in ("save", "save again"):
        value = make_value(kind, size)
        started = time.perf_counter()
        entry = store_value(blobs, "value", value)
        storage.write_json("Bench/artifacts.json", {"value": _plain(entry)})
        encoding = _plain(entry)["encoding"]
    else:
        index = storage.read_json("Bench/artifacts.json")
        value = load_value(blobs, "value", _entry(index["value"]), "Bench")
        assert type(value).__name__ == kind and memoryview(value).nbytes == size, type(value)
        encoding = index["value"]["encoding"]
    seconds = time.perf_counter() - started
    return {"peak": maxrss() - baseline, "seconds": seconds, "encoding": encoding}


def _plain(entry) -> dict:
    """The JSON form of an artifact entry (a dict, or a record with to_json)."""
    return entry.to_json() if hasattr(entry, "to_json") else dict(entry)


def _entry(data: dict):
    try:
        from duoflow.datastore.records import ArtifactEntry
    except ImportError:
        return data
    return ArtifactEntry.from_json(data)


def run_child(kind: str, phase: str, path: str, args, legacy: bool) -> dict:
    command = [sys.executable, os.path.abspath(__file__), "--child", kind, phase, path,
               "--size-mib", str(args.size_mib)] + (["--legacy"] if legacy else [])
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=1024, help="value size (default 1024 = 1 GiB)")
    parser.add_argument("--kinds", nargs="*", default=list(KINDS))
    parser.add_argument("--legacy", action="store_true", help="also the old base64-in-JSON path (bytes only)")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "PHASE", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    size = args.size_mib * MiB
    if args.child:
        kind, phase, path = args.child
        print(json.dumps(child(kind, phase, path, size, args.legacy)))
        return
    cases = [(kind, False) for kind in args.kinds] + ([("bytes", True)] if args.legacy else [])
    print("%-11s %-8s %-11s %-9s %10s %10s %8s" % ("value", "path", "phase", "encoding", "seconds",
                                                  "peak mem", "x val"))
    print("-" * 73)
    for kind, legacy in cases:
        path = tempfile.mkdtemp(prefix="duoflow-bytes-bench-")
        try:
            for phase in PHASES:
                row = run_child(kind, phase, path, args, legacy)
                print("%-11s %-8s %-11s %-9s %10.3f %10s %8.2f" % (
                    kind, "before" if legacy else "duoflow", phase, row["encoding"], row["seconds"],
                    human(row["peak"]), row["peak"] / size))
        finally:
            shutil.rmtree(path, ignore_errors=True)
    print("\nvalue size %s; peak = ru_maxrss growth over the child's baseline (a save includes the "
          "value itself)." % human(size))


if __name__ == "__main__":
    main()
