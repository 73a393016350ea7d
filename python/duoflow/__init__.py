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
    "Config", "config_expr", "project", "schedule", "trigger", "trigger_on_finish", "exit_hook", "card",
]

# Every other name is imported on first use (PEP 562), from the module that defines it: a flow
# file's `from duoflow import FlowSpec, step` loads what flows need, and a notebook's
# `from duoflow import Flow` only the client (reading past runs back), not the flow machinery.
# name -> module, or (module, attribute) where the attribute is named otherwise.
_LAZY = {
    "FlowSpec": "flowspec",
    "step": "decorators", "retry": "decorators", "catch": "decorators", "timeout": "decorators",
    "environment": "decorators", "resources": "decorators", "card": "decorators",
    "Parameter": "parameters", "IncludeFile": "parameters", "JSONType": "parameters",
    "JSONTypeClass": ("parameters", "_JSONTypeClass"),
    "Config": "configs", "ConfigValue": "configs", "config_expr": "configs",
    "Runner": "runner",
    "Flow": "client", "Run": "client", "Step": "client", "Task": "client", "DataArtifact": "client",
    "namespace": "client", "get_namespace": "client", "default_namespace": "client",
    "get_metadata": "client", "metadata": "client", "list_flows": "client", "Metaflow": "client",
    "default_metadata": "client",
    "parallel_map": "utilities", "parallel_imap_unordered": "utilities", "profile": "utilities",
    "yaml_parser": "utilities",
}
# Metaflow's decorators without a local effect, accepted and recorded (flow decorators) ...
_LAZY.update(dict.fromkeys(("project", "schedule", "trigger", "trigger_on_finish", "exit_hook",
                            "airflow_external_task_sensor", "airflow_s3_key_sensor", "pypi_base",
                            "conda_base"), "flow_decorators"))
# ... and those that need a remote system: a run refuses them, saying what to do instead.
_LAZY.update(dict.fromkeys(("batch", "kubernetes", "pypi", "conda", "secrets", "parallel",
                            "pytorch_parallel", "airflow_internal", "argo_workflows_internal",
                            "step_functions_internal", "unbounded_test_foreach_internal"), "decorators"))
# Metaflow's constants, with Metaflow's values.
_CONSTANTS = {"EXT_PKG": "metaflow_extensions", "USER_SKIP_STEP": {}}
# Names whose feature duoflow does not provide: they import, and raise when used.
_UNSUPPORTED = ("S3", "Deployer", "DeployedFlow", "NBDeployer", "NBRunner", "FlowMutator",
                "StepMutator", "UserStepDecorator", "user_step_decorator", "package_sources",
                "inspect_spin", "namespaced_event_name", "requirements_txt_parser",
                "pyproject_toml_parser", "conda_environment_yml_parser")


def __getattr__(name):
    if name in _CONSTANTS:
        value = _CONSTANTS[name]
    elif name in _UNSUPPORTED:
        from .unsupported import placeholder

        value = placeholder(name)
    elif name in _LAZY:
        from importlib import import_module

        module, attr = _LAZY[name] if isinstance(_LAZY[name], tuple) else (_LAZY[name], name)
        value = getattr(import_module("." + module, __name__), attr)
    else:
        raise AttributeError("module 'duoflow' has no attribute %r" % name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | set(_CONSTANTS) | set(_UNSUPPORTED))
