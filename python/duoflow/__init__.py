"""duoflow: reproducible pipelines for Python and R data scientists.

Flows are written as with Metaflow (change only the import line)::

    from duoflow import FlowSpec, step, Parameter, current, retry, catch, timeout

This module only re-exports; heavy parts load when first used.
"""

__version__ = "0.1.0"

from .current import current  # eager: the submodule duoflow.current would shadow it otherwise
from .exceptions import DuoflowError

__all__ = [
    "FlowSpec", "step", "Parameter", "IncludeFile", "JSONType", "current", "retry", "catch", "timeout",
    "environment", "resources", "DuoflowError", "__version__",
    "Flow", "Run", "Step", "Task", "DataArtifact", "namespace", "get_namespace",
    "default_namespace", "get_metadata", "metadata", "list_flows", "Runner",
]

# Every other name is imported on first use (PEP 562), from the module that defines it: a flow
# file's `from duoflow import FlowSpec, step` loads what flows need, and a notebook's
# `from duoflow import Flow` only the client (reading past runs back), not the flow machinery.
_LAZY = {
    "FlowSpec": "flowspec",
    "step": "decorators", "retry": "decorators", "catch": "decorators", "timeout": "decorators",
    "environment": "decorators", "resources": "decorators",
    "Parameter": "parameters", "IncludeFile": "parameters", "JSONType": "parameters",
    "Runner": "runner",
    "Flow": "client", "Run": "client", "Step": "client", "Task": "client", "DataArtifact": "client",
    "namespace": "client", "get_namespace": "client", "default_namespace": "client",
    "get_metadata": "client", "metadata": "client", "list_flows": "client",
}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError("module 'duoflow' has no attribute %r" % name)
    from importlib import import_module

    value = getattr(import_module("." + module, __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
