"""Metaflow names whose feature duoflow does not provide.

Each imports (so a flow written for Metaflow loads unchanged) and raises
:class:`UnsupportedFeatureError` when used: the error says what the feature is, that duoflow
does not run it, and what to do instead. Classes meant to be subclassed (``FlowMutator``) may be
subclassed; using the subclass raises.
"""

from __future__ import annotations

from typing import Any, Dict, Tuple

from .exceptions import UsageError


class UnsupportedFeatureError(UsageError):
    """A Metaflow feature duoflow does not have was used (exit code 2, like other bad input)."""

    code = "unsupported"

    def __init__(self, name: str, feature: str, instead: str):
        super().__init__("%s: %s; duoflow does not run it" % (name, feature), hint=instead)


_MUTATORS = ("custom decorators and mutators (Metaflow 2.16+)",
             "Put the code in the step itself, or in a plain Python function the step calls.")
_DEPLOY = ("deploying flows to a production scheduler (Argo Workflows, Step Functions, Airflow)",
           "Start runs from your own scheduler (cron, CI) with `python flow.py run` or duoflow.Runner.")
_PIP_PARSER = ("a parser for @pypi/@conda configs (environment managers)",
               "Install the packages into the active environment (pip install -r requirements.txt).")

# name -> (what the feature is, what to do instead)
FEATURES: Dict[str, Tuple[str, str]] = {
    "S3": ("Metaflow's S3 client (metaflow.S3)",
           "Use boto3 directly; duoflow itself stores runs on S3 with --datastore-root s3://bucket/prefix."),
    "Deployer": _DEPLOY, "DeployedFlow": _DEPLOY, "NBDeployer": _DEPLOY,
    "NBRunner": ("running a flow defined in a notebook cell",
                 "Save the flow class to a .py file and run it with duoflow.Runner(\"flow.py\").run()."),
    "FlowMutator": _MUTATORS, "StepMutator": _MUTATORS, "UserStepDecorator": _MUTATORS,
    "user_step_decorator": _MUTATORS, "package_sources": _MUTATORS,
    "inspect_spin": ("spin, re-running one step of a past run in isolation",
                     "Resume the run from that step: python flow.py resume STEP --origin-run-id RUN."),
    "namespaced_event_name": ("event names for @trigger on Argo Workflows",
                              "Local runs are not triggered by events; start them with `python flow.py run`."),
    "requirements_txt_parser": _PIP_PARSER, "pyproject_toml_parser": _PIP_PARSER,
    "conda_environment_yml_parser": _PIP_PARSER,
}
CLASSES = ("Deployer", "DeployedFlow", "NBDeployer", "NBRunner", "S3", "FlowMutator", "StepMutator",
           "UserStepDecorator", "package_sources")


def error(name: str) -> UnsupportedFeatureError:
    feature, instead = FEATURES[name]
    return UnsupportedFeatureError(name, feature, instead)


class _Refused:
    """Base of the placeholder classes: subclassing works, making an object raises."""

    _feature_name = ""

    def __init__(self, *args: Any, **kwargs: Any):
        raise error(self._feature_name)

    @classmethod
    def __init_subclass__(cls, **kwargs: Any) -> None:  # Metaflow's mutators take class kwargs
        super().__init_subclass__()


def _placeholder_class(name: str) -> type:
    return type(name, (_Refused,), {"_feature_name": name, "__doc__": "%s: not provided by duoflow (%s)."
                                    % (name, FEATURES[name][0]), "__module__": "duoflow"})


def _placeholder_function(name: str):
    def refused(*args: Any, **kwargs: Any):
        raise error(name)

    refused.__name__ = refused.__qualname__ = name
    refused.__doc__ = "%s: not provided by duoflow (%s)." % (name, FEATURES[name][0])
    return refused


def placeholder(name: str) -> Any:
    """The object ``from duoflow import NAME`` gives for a Metaflow name duoflow does not provide."""
    if name == "user_step_decorator":
        return _user_step_decorator
    return _placeholder_class(name) if name in CLASSES else _placeholder_function(name)


def _user_step_decorator(func: Any = None, **kwargs: Any):
    """Defining a custom step decorator works; applying it to a step raises."""
    def applied(*args: Any, **kw: Any):
        raise error("user_step_decorator")

    return applied if func is not None else (lambda f: applied)
