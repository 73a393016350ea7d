"""Where a flow class was defined."""

from __future__ import annotations

import inspect
import os
import sys


def flow_file_of(flow_cls) -> str:
    """The absolute path of the file that defines ``flow_cls`` (the script being run when the
    class has no source file, as in a class made by ``exec``)."""
    try:
        return os.path.abspath(inspect.getsourcefile(flow_cls) or sys.argv[0])
    except TypeError:
        return os.path.abspath(sys.argv[0])
