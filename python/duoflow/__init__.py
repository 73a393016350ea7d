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
]
