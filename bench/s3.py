"""S3 datastore benchmark: the same flows on a local datastore and on an S3 server (moto over HTTP
on this machine, or any endpoint you give), wall time and throughput.

- fan-out: a foreach of N tasks (default 200), each storing one 1 MiB artifact (random float64,
  incompressible), then a join that reads all N back;
- big: one task storing one artifact of S MiB (default 1024 = 1 GiB), then the client reading it
  back (cold read cache: a download, then a memory map).

    python bench/s3.py                           # moto server on 127.0.0.1, N=200, S=1024
    python bench/s3.py --tasks 20 --big-mib 64   # quick
    python bench/s3.py --endpoint http://minio:9000 --bucket mybucket   # a real service

moto keeps objects in its own process, so its figures are an S3 *protocol* cost on one machine
(HTTP, signing, checksums, multipart), not a network figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

FLOW = '''
import numpy as np
from duoflow import FlowSpec, Parameter, step


class S3BenchFlow(FlowSpec):
    n = Parameter("n", default=200)
    mib = Parameter("mib", default=1)

    @step
    def start(self):
        self.items = list(range(int(self.n)))
        self.next(self.work, foreach="items")

    @step
    def work(self):
        rng = np.random.default_rng(self.input)
        self.payload = rng.random(int(self.mib) * 131072)  # mib MiB of float64
        self.next(self.join)

    @step
    def join(self, inputs):
        self.total = float(sum(float(i.payload[0]) for i in inputs))
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    S3BenchFlow()
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_moto():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = "http://127.0.0.1:%d" % port
    for _ in range(300):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).read()
            return proc, endpoint
        except Exception:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("moto server did not start")


def run_flow(flow_file: str, root: str, env: dict, *args: str) -> float:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, flow_file, "run", "--quiet", "--datastore-root", root] + list(args),
                          env=env, capture_output=True, text=True, cwd=os.path.dirname(flow_file))
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit("run failed on %s:\n%s\n%s" % (root, proc.stdout[-3000:], proc.stderr[-3000:]))
    return elapsed


def read_big(root: str, env: dict) -> float:
    """The client loading the big artifact (a fresh process, so nothing is warm but the cache dir)."""
    code = ("import time, duoflow\n"
            "from duoflow import Flow, metadata, namespace\n"
            "metadata(%r); namespace(None)\n"
            "run = Flow('S3BenchFlow').latest_run\n"
            "t = time.perf_counter(); v = run['work'].task['payload'].data; v.sum()\n"
            "print(time.perf_counter() - t)\n") % root
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit("reading back failed:\n" + proc.stderr[-3000:])
    return float(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--big-mib", type=int, default=1024)
    parser.add_argument("--endpoint", default=None, help="an S3 endpoint (default: start moto locally)")
    parser.add_argument("--bucket", default=None)
    parser.add_argument("--max-workers", type=int, default=None)
    opts = parser.parse_args()

    work = tempfile.mkdtemp(prefix="duoflow-s3-bench-")
    flow_file = os.path.join(work, "s3_bench_flow.py")
    with open(flow_file, "w") as handle:
        handle.write(FLOW)
    proc = None
    env = dict(os.environ, DUOFLOW_S3_CACHE_DIR=os.path.join(work, "cache"))
    if opts.endpoint:
        endpoint = opts.endpoint
    else:
        proc, endpoint = start_moto()
        env.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    env["DUOFLOW_S3_ENDPOINT_URL"] = endpoint
    bucket = opts.bucket or "duoflow-bench-" + uuid.uuid4().hex[:8]
    extra = ["--max-workers", str(opts.max_workers)] if opts.max_workers else []
    rows = []
    try:
        if not opts.bucket:
            import boto3

            boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=env.get("AWS_ACCESS_KEY_ID"),
                         aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY"),
                         region_name=env.get("AWS_DEFAULT_REGION", "us-east-1")).create_bucket(Bucket=bucket)
        roots = {"local": os.path.join(work, "store"), "s3": "s3://%s/bench" % bucket}
        fan_mib = opts.tasks * 1.0
        for backend, root in roots.items():
            wall = run_flow(flow_file, root, env, "--n", str(opts.tasks), "--mib", "1", *extra)
            rows.append(("fan-out %d x 1 MiB (run)" % opts.tasks, backend, wall, fan_mib / wall))
        for backend, root in roots.items():
            # A separate datastore for the big run, so latest_run is the big one.
            big_root = root + "-big"
            wall = run_flow(flow_file, big_root, env, "--n", "1", "--mib", str(opts.big_mib), *extra)
            rows.append(("1 x %d MiB (run)" % opts.big_mib, backend, wall, opts.big_mib / wall))
            shutil.rmtree(env["DUOFLOW_S3_CACHE_DIR"], ignore_errors=True)
            read = read_big(big_root, env)
            rows.append(("1 x %d MiB (client read, cold cache)" % opts.big_mib, backend, read, opts.big_mib / read))
            if backend == "s3":
                read = read_big(big_root, env)
                rows.append(("1 x %d MiB (client read, warm cache)" % opts.big_mib, backend, read, opts.big_mib / read))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(30)
        shutil.rmtree(work, ignore_errors=True)

    print("%-40s %-6s %10s %12s" % ("case", "store", "wall (s)", "MiB/s"))
    for case, backend, wall, rate in rows:
        print("%-40s %-6s %10.2f %12.1f" % (case, backend, wall, rate))
    print("(%s; endpoint %s; %d cores)" % ("moto server on this machine" if proc else "given endpoint",
                                            endpoint, os.cpu_count() or 1))


if __name__ == "__main__":
    main()
