"""One process of a concurrency test of the storage contract (see conftest.run_children):

    python storage_child.py ROOT MEETING_DIR INDEX OP ARGS...

It opens the backend of ROOT, says it is ready (MEETING_DIR/ready-INDEX), waits for
MEETING_DIR/go, does OP once and prints the result.

OPs: ``update KEY ITEM`` (update_json: add ITEM to the list at KEY), ``write KEY SIZE`` (SIZE
bytes all equal to INDEX, atomically), ``claim KEY`` (make_dir_exclusive; prints True or False).
"""

import os
import sys
import time

from duoflow.datastore.storage.factory import open_storage


def main(root, meeting, index, op, *args):
    storage = open_storage(root)
    storage.exists("warm-up")  # an S3 client is made before the start, not in the race
    open(os.path.join(meeting, "ready-%s" % index), "w").close()
    while not os.path.exists(os.path.join(meeting, "go")):
        time.sleep(0.001)
    if op == "update":
        key, item = args
        result = storage.update_json(key, lambda current: sorted(set(current or []) | {item}))
        print(len(result))
    elif op == "write":
        key, size = args
        storage.write(key, bytes([int(index)]) * int(size))
        print("written")
    elif op == "claim":
        print(storage.make_dir_exclusive(args[0]))
    storage.flush()


if __name__ == "__main__":
    main(*sys.argv[1:])
