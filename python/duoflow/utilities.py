"""Small helpers Metaflow exports for use inside steps: ``parallel_map``,
``parallel_imap_unordered``, ``profile`` and ``yaml_parser``, with Metaflow's behaviour.

``parallel_map`` forks one child per item (at most ``max_parallel`` at once), so closures and
lambdas work, which ``multiprocessing`` would refuse to pickle.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from itertools import islice
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from .exceptions import DuoflowError


class MulticoreException(DuoflowError):
    """A child of ``parallel_map`` failed (its traceback is on stderr)."""

    code = "multicore"


def _spawn(func: Callable, arg: Any, directory: Optional[str]) -> Tuple[int, str]:
    import pickle
    import tempfile
    import traceback

    with tempfile.NamedTemporaryFile(prefix="parallel_map_", dir=directory, delete=False) as tmp:
        output = tmp.name
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid, output
    code = 1
    try:
        result = func(arg)
        with open(output, "wb") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    except BaseException:  # noqa: BLE001 - nothing may escape a forked child
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def parallel_imap_unordered(func: Callable, iterable: Iterable, max_parallel: Optional[int] = None,
                            dir: Optional[str] = None) -> Iterator[Any]:
    """Yield ``func(item)`` for every item, computed in forked children, in completion order."""
    import pickle

    max_parallel = max_parallel or os.cpu_count() or 1
    items = iter(iterable)
    running = [_spawn(func, arg, dir) for arg in islice(items, max_parallel)]
    while running:
        pid, status = os.wait()
        index = next((i for i, (p, _) in enumerate(running) if p == pid), None)
        if index is None:
            continue  # a child this call did not start
        _, output = running.pop(index)
        try:
            if status != 0:
                raise MulticoreException("A child of parallel_map failed",
                                         ["Its traceback is printed above, on standard error."])
            with open(output, "rb") as handle:
                result = pickle.load(handle)
        finally:
            os.remove(output)
        yield result
        running += [_spawn(func, arg, dir) for arg in islice(items, 1)]


def parallel_map(func: Callable, iterable: Iterable, max_parallel: Optional[int] = None,
                 dir: Optional[str] = None) -> List[Any]:
    """``[func(item) for item in iterable]`` computed in forked children, in the items' order."""
    pairs = parallel_imap_unordered(lambda pair: (pair[0], func(pair[1])), enumerate(iterable),
                                    max_parallel=max_parallel, dir=dir)
    return [result for _, result in sorted(pairs, key=lambda pair: pair[0])]


@contextmanager
def profile(label: str, stats_dict: Optional[Dict[str, int]] = None):
    """Time a block: print its start and duration, or add the milliseconds to ``stats_dict``."""
    if stats_dict is None:
        print("PROFILE: %s starting" % label)
    start = time.time()
    yield
    took = int((time.time() - start) * 1000)
    if stats_dict is None:
        print("PROFILE: %s completed in %dms" % (label, took))
    else:
        stats_dict[label] = stats_dict.get(label, 0) + took


def yaml_parser(content: str) -> Any:
    """Config parser for YAML text (needs PyYAML): ``Config("c", default="c.yaml",
    parser=yaml_parser)``."""
    try:
        import yaml
    except ImportError:
        raise DuoflowError("yaml_parser needs PyYAML, which is not installed",
                           hint="pip install pyyaml (into the environment that runs the flow).") from None
    return yaml.safe_load(content)
