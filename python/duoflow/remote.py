"""Decorators that need a system duoflow does not have (AWS Batch, Kubernetes, an environment
manager, a secrets manager, a multi-node cluster).

A flow may carry them, so the same file runs on Metaflow and on duoflow; ``check`` and ``show``
work as usual. A run refuses them before any task starts (exit 2), naming each decorator, its
step and line, and what to do instead: silently running a ``@batch`` step on the local machine,
or without the packages ``@pypi`` asks for, would give results the flow did not ask for.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence

from .decorators import REMOTE_DECORATORS
from .exceptions import UsageError
from .graph.model import Decorator, FlowGraph

_DASK = "remote execution on Dask is planned (--with dask)"
_COMPUTE = ("runs steps on %s", "remove @%s to run the step locally (keep it in the copy of the flow "
            "that runs on Metaflow); " + _DASK)
_ENV = ("installs packages into a %s environment made for each step",
        "install the packages into the active environment%s, then remove @%s")
# name -> (what it does, what to do instead); %s take the system, or the decorator's name.
FEATURES: Dict[str, tuple] = {
    "batch": (_COMPUTE[0] % "AWS Batch", _COMPUTE[1]),
    "kubernetes": (_COMPUTE[0] % "Kubernetes", _COMPUTE[1]),
    "parallel": ("runs a step as a multi-node gang (@parallel)", _COMPUTE[1]),
    "pytorch_parallel": ("runs a step as a multi-node PyTorch gang", _COMPUTE[1]),
    "pypi": (_ENV[0] % "PyPI", _ENV[1]),
    "pypi_base": (_ENV[0] % "PyPI", _ENV[1]),
    "conda": (_ENV[0] % "Conda", _ENV[1]),
    "conda_base": (_ENV[0] % "Conda", _ENV[1]),
    "secrets": ("fetches secrets from a secrets manager into the step's environment",
                "set the values as environment variables before the run (or with "
                "@environment(vars=...)), then remove @%s"),
}
_INTERNAL = ("is internal to Metaflow's schedulers", "remove @%s")


def describe(name: str, attributes: Dict[str, Any]) -> str:
    """``@batch runs steps on AWS Batch; duoflow does not run it. Instead: ...``."""
    what, instead = FEATURES.get(name, _INTERNAL)
    if "%s" in instead and instead.count("%s") == 2:
        instead = instead % (_pip_hint(attributes), name)
    elif "%s" in instead:
        instead = instead % name
    return "@%s %s; duoflow does not run it. Instead: %s." % (name, what, instead)


def _pip_hint(attributes: Dict[str, Any]) -> str:
    packages = attributes.get("packages") or attributes.get("libraries") or {}
    if not isinstance(packages, dict) or not packages:
        return ""
    specs = ["%s==%s" % (k, v) if v else str(k) for k, v in packages.items()]
    return " (pip install %s)" % " ".join(specs)


def refuse_remote_decorators(graph: FlowGraph, flow_decorators: Sequence[Decorator],
                             with_decorators: Sequence[str]) -> None:
    """Raise a usage error listing every remote decorator of the flow, its steps, and ``--with``."""
    problems = remote_problems(graph, flow_decorators, with_decorators)
    if problems:
        raise UsageError("%s uses what needs a remote system; nothing was run" % graph.name, problems,
                         "Every other command (check, show) works on this flow as it is.")


def remote_problems(graph: FlowGraph, flow_decorators: Sequence[Decorator],
                    with_decorators: Sequence[str]) -> List[str]:
    """One line per remote decorator: where it is, what it does, what to do instead."""
    problems: List[str] = []
    for text in with_decorators:
        name = text.partition(":")[0].strip()
        if name in REMOTE_DECORATORS:
            problems.append("--with %s: %s" % (text, describe(name, {}).replace(
                "remove @%s" % name, "drop --with %s" % name).replace(
                " (keep it in the copy of the flow that runs on Metaflow)", "")))
    for deco in flow_decorators:
        if deco.name in FEATURES and deco.name.endswith("_base"):
            problems.append("%s:%d  flow %s: %s" % (_base(graph.file), graph.lineno, graph.name,
                                                    describe(deco.name, deco.attributes)))
    for node in graph.topological():
        for deco in node.decorators:
            if deco.name in REMOTE_DECORATORS:
                problems.append("%s  step '%s': %s" % (node.where(), node.name,
                                                       describe(deco.name, deco.attributes)))
    return problems


def _base(path: str) -> str:
    import os

    return os.path.basename(path) or "<flow>"
