"""duoflow: reproducible pipelines for Python and R data scientists.

Flows are written as with Metaflow (change only the import line)::

    from duoflow import FlowSpec, step, Parameter, current, retry, catch, timeout

This module only re-exports; heavy parts load when first used.
"""

__version__ = "0.1.0"

from .current import current
from .decorators import catch, environment, resources, retry, step, timeout
from .exceptions import DuoflowError
from .flowspec import FlowSpec
from .parameters import IncludeFile, JSONType, Parameter

__all__ = [
    "FlowSpec", "step", "Parameter", "IncludeFile", "JSONType", "current", "retry", "catch", "timeout",
    "environment", "resources", "DuoflowError", "__version__",
    "Flow", "Run", "Step", "Task", "DataArtifact", "namespace", "get_namespace",
    "default_namespace", "get_metadata", "metadata", "list_flows", "Runner",
]

# The client (reading past runs back) is imported on first use (PEP 562), so that
# `import duoflow` in a flow file stays light.
_CLIENT_NAMES = frozenset(("Flow", "Run", "Step", "Task", "DataArtifact", "namespace", "get_namespace",
                           "default_namespace", "get_metadata", "metadata", "list_flows"))


def __getattr__(name):
    if name == "Runner":
        from .runner import Runner

        return Runner
    if name in _CLIENT_NAMES:
        from . import client

        value = getattr(client, name)
        globals()[name] = value
        return value
    raise AttributeError("module 'duoflow' has no attribute %r" % name)
