"""Step decorators: ``@step`` and the ones that change how a step runs.

Decorators only record data on the step function (name and attributes, with defaults filled in);
the runtime reads that data. So the same decorators can come from Python, from ``--with`` on the
command line, or from an R flow's spec.
"""

from __future__ import annotations

import ast
import sys
from typing import Any, Callable, Dict, Tuple

from .exceptions import UsageError
from .graph.model import Decorator
from .util.suggest import did_you_mean


def _check_retry(attrs: Dict[str, Any]) -> None:
    _non_negative_int("retry", attrs, "times")
    _non_negative_number("retry", attrs, "minutes_between_retries")


def _check_catch(attrs: Dict[str, Any]) -> None:
    var = attrs["var"]
    if var is not None and (not isinstance(var, str) or not var.isidentifier() or var.startswith("_")):
        raise UsageError("@catch(var=%r) is not a valid artifact name" % (var,),
                         hint="Use a plain name such as var=\"error\".")


def _check_timeout(attrs: Dict[str, Any]) -> None:
    for key in ("seconds", "minutes", "hours"):
        _non_negative_number("timeout", attrs, key)
    if timeout_seconds(attrs) <= 0:
        raise UsageError("@timeout needs a positive duration",
                         hint="For example @timeout(seconds=30) or @timeout(minutes=5).")


def _check_environment(attrs: Dict[str, Any]) -> None:
    env = attrs["vars"]
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        raise UsageError("@environment(vars=...) takes a dict of strings to strings, got %r" % (env,),
                         hint="Write numbers as strings: @environment(vars={\"N\": \"4\"}).")


def _check_resources(attrs: Dict[str, Any]) -> None:
    for key in ("cpu", "gpu", "memory"):
        _non_negative_number("resources", attrs, key)


def _non_negative_int(deco: str, attrs: Dict[str, Any], key: str) -> None:
    value = attrs[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UsageError("@%s(%s=%r) must be a whole number of 0 or more" % (deco, key, value))


def _non_negative_number(deco: str, attrs: Dict[str, Any], key: str) -> None:
    value = attrs[key]
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise UsageError("@%s(%s=%r) must be a number of 0 or more" % (deco, key, value))


def _no_check(attrs: Dict[str, Any]) -> None:
    """Decorators kept only as a record (``@card``) or refused when a run starts (remote ones)."""


# name -> (default attributes, check)
SPECS: Dict[str, Tuple[Dict[str, Any], Callable[[Dict[str, Any]], None]]] = {
    "retry": ({"times": 3, "minutes_between_retries": 0}, _check_retry),
    "catch": ({"var": None, "print_exception": True}, _check_catch),
    "timeout": ({"seconds": 0, "minutes": 0, "hours": 0}, _check_timeout),
    "environment": ({"vars": {}}, _check_environment),
    "resources": ({"cpu": 1, "gpu": 0, "memory": 4096, "disk": None}, _check_resources),
    # Accepted and recorded; rendering cards is not done yet (Metaflow's defaults).
    "card": ({"type": "default", "id": None, "options": {}, "timeout": 45, "save_errors": True,
              "customize": False, "refresh_interval": 5}, _no_check),
}
# Decorators that need a system duoflow does not have: a flow may carry them (check and show
# work), a run refuses them before any task starts (see remote.refuse_remote_decorators). Their
# attributes are kept as given: each system has many, and none of them is used here.
REMOTE_DECORATORS = ("batch", "kubernetes", "pypi", "pypi_base", "conda", "conda_base", "secrets",
                     "parallel", "pytorch_parallel", "airflow_internal", "argo_workflows_internal",
                     "step_functions_internal", "unbounded_test_foreach_internal")
SPECS.update({name: ({}, _no_check) for name in REMOTE_DECORATORS})
# Step decorators a step may carry more than once (@card, one per id, as in Metaflow).
MULTIPLE = ("card",)


def timeout_seconds(attrs: Dict[str, Any]) -> float:
    """Total duration of a ``@timeout``'s attributes, in seconds."""
    return float(attrs.get("seconds") or 0) + 60.0 * float(attrs.get("minutes") or 0) \
        + 3600.0 * float(attrs.get("hours") or 0)


def normalize(name: str, attributes: Dict[str, Any]) -> Decorator:
    """A checked :class:`Decorator` with defaults filled in; a clear error for anything unknown."""
    if name not in SPECS:
        raise UsageError("Unknown decorator '%s'.%s" % (name, did_you_mean(name, SPECS)),
                         ["Known decorators: %s." % ", ".join(sorted(SPECS))])
    defaults, check = SPECS[name]
    if name in REMOTE_DECORATORS:
        return Decorator(name, dict(attributes))
    unknown = [k for k in attributes if k not in defaults]
    if unknown:
        raise UsageError("@%s does not take %s" % (name, ", ".join("%s=" % k for k in unknown)),
                         ["It takes: %s." % ", ".join("%s=" % k for k in defaults)],
                         did_you_mean(unknown[0], defaults).strip() or None)
    attrs = dict(defaults)
    attrs.update(attributes)
    check(attrs)
    return Decorator(name, attrs)


def step(func: Callable) -> Callable:
    """Mark a method of a ``FlowSpec`` as a step."""
    func._duoflow_step = True
    if not hasattr(func, "_duoflow_decorators"):
        func._duoflow_decorators = []
    return func


class PendingDecorator(Decorator):
    """A decorator whose attributes use configs (``@timeout(seconds=config.t)``): checked once
    the configs are read, when the flow's graph is built."""


def _make_step_decorator(name: str) -> Callable:
    def decorator(func: Callable = None, **attributes: Any):
        # A config value (Config, config_expr) exists only once duoflow.configs is loaded: a flow
        # without configs never loads it here.
        configs = sys.modules.get("duoflow.configs")
        delayed = configs is not None and configs.has_delayed(attributes)
        deco = PendingDecorator(name, attributes) if delayed else normalize(name, attributes)

        def apply(f: Callable) -> Callable:
            existing = getattr(f, "_duoflow_decorators", [])
            if name not in MULTIPLE and any(d.name == name for d in existing):
                raise UsageError("@%s is applied twice to step '%s'" % (name, f.__name__))
            f._duoflow_decorators = existing + [deco]
            return f

        if func is not None and callable(func) and not attributes:
            return apply(func)  # used bare: @retry
        if func is not None:
            raise UsageError("@%s takes keyword arguments only, e.g. @%s(%s=...)"
                             % (name, name, next(iter(SPECS[name][0]), "key")))
        return apply

    decorator.__name__ = name
    decorator.__qualname__ = name
    decorator.__doc__ = "Step decorator @%s; attributes (defaults): %s." % (
        name, ", ".join("%s=%r" % kv for kv in SPECS[name][0].items()))
    return decorator


retry = _make_step_decorator("retry")
catch = _make_step_decorator("catch")
timeout = _make_step_decorator("timeout")
environment = _make_step_decorator("environment")
resources = _make_step_decorator("resources")
card = _make_step_decorator("card")
# Refused when a run starts, with what to do instead; see remote.py.
batch = _make_step_decorator("batch")
kubernetes = _make_step_decorator("kubernetes")
pypi = _make_step_decorator("pypi")
conda = _make_step_decorator("conda")
secrets = _make_step_decorator("secrets")
parallel = _make_step_decorator("parallel")
pytorch_parallel = _make_step_decorator("pytorch_parallel")
airflow_internal = _make_step_decorator("airflow_internal")
argo_workflows_internal = _make_step_decorator("argo_workflows_internal")
step_functions_internal = _make_step_decorator("step_functions_internal")
unbounded_test_foreach_internal = _make_step_decorator("unbounded_test_foreach_internal")


def parse_with_option(text: str) -> Decorator:
    """Parse ``--with NAME[:key=value,key=value]`` into a checked decorator."""
    name, _, rest = text.partition(":")
    attributes: Dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise UsageError("--with %s: '%s' is not key=value" % (text, item),
                             hint="Write it as --with %s:times=2" % (name or "retry"))
        attributes[key.strip()] = _literal(raw.strip())
    return normalize(name.strip(), attributes)


def _literal(raw: str) -> Any:
    try:
        return ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw
