"""Flow decorators (on the class): ``@project``, ``@schedule``, ``@trigger``,
``@trigger_on_finish``, ``@exit_hook`` and the ones only a remote system uses.

A local run has no scheduler and no event bus, so ``@schedule``, ``@trigger`` and
``@trigger_on_finish`` change nothing; they are accepted and recorded with the run, as Metaflow
accepts them on a local run. ``@project`` names the run's branch (``current.branch_name``,
``project:`` system tags), and ``@exit_hook`` functions run when the run ends. ``@pypi_base``
and ``@conda_base`` need an environment manager: a run refuses them (see :mod:`.remote`).

Decorators only record data on the class; the graph resolves config expressions in their
attributes (:func:`flow_decorators`).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional

from .exceptions import UsageError
from .graph.model import Decorator

# name -> default attributes (Metaflow's)
FLOW_SPECS: Dict[str, Dict[str, Any]] = {
    "project": {"name": None, "branch": None, "production": False},
    "schedule": {"hourly": False, "daily": True, "weekly": False, "cron": None, "timezone": None},
    "trigger": {"event": None, "events": [], "options": {}},
    "trigger_on_finish": {"flow": None, "flows": [], "options": {}},
    "exit_hook": {"on_success": [], "on_error": [], "options": {}},
    "airflow_external_task_sensor": None,  # None: any attributes (only Airflow reads them)
    "airflow_s3_key_sensor": None,
    "pypi_base": None,
    "conda_base": None,
}
MULTIPLE = ("exit_hook",)  # may be applied more than once, as in Metaflow
REMOTE_FLOW_DECORATORS = ("pypi_base", "conda_base")
_PROJECT_NAME = re.compile(r"[^a-z0-9_]")
_NAME_LEN = 128


def _make_flow_decorator(name: str) -> Callable:
    def decorator(cls: Any = None, **attributes: Any):
        defaults = FLOW_SPECS[name]
        unknown = [k for k in attributes if defaults is not None and k not in defaults]
        if unknown:
            raise UsageError("@%s does not take %s" % (name, ", ".join("%s=" % k for k in unknown)),
                             ["It takes: %s." % ", ".join("%s=" % k for k in defaults)])

        def apply(klass: Any) -> Any:
            existing = list(klass.__dict__.get("_duoflow_flow_decorators", ()))
            if name not in MULTIPLE and any(d.name == name for d in existing):
                raise UsageError("@%s is applied twice to flow %s" % (name, klass.__name__))
            given = Decorator(name, dict(attributes))
            klass._duoflow_flow_decorators = [given] + existing  # outermost last applied: first
            return klass

        if cls is not None and isinstance(cls, type) and not attributes:
            return apply(cls)  # used bare: @schedule
        if cls is not None:
            raise UsageError("@%s takes keyword arguments only" % name)
        return apply

    decorator.__name__ = decorator.__qualname__ = name
    decorator.__doc__ = "Flow decorator @%s (Metaflow's); see duoflow.flow_decorators." % name
    return decorator


project = _make_flow_decorator("project")
schedule = _make_flow_decorator("schedule")
trigger = _make_flow_decorator("trigger")
trigger_on_finish = _make_flow_decorator("trigger_on_finish")
exit_hook = _make_flow_decorator("exit_hook")
airflow_external_task_sensor = _make_flow_decorator("airflow_external_task_sensor")
airflow_s3_key_sensor = _make_flow_decorator("airflow_s3_key_sensor")
pypi_base = _make_flow_decorator("pypi_base")
conda_base = _make_flow_decorator("conda_base")


def given_flow_decorators(cls) -> List[Decorator]:
    """The flow decorators as written (config expressions not evaluated), base classes first."""
    found: List[Decorator] = []
    for klass in reversed(cls.__mro__):
        found.extend(klass.__dict__.get("_duoflow_flow_decorators", ()))
    return found


def flow_decorators(cls) -> List[Decorator]:
    """The flow decorators with their defaults filled in and config expressions evaluated."""
    configs = None
    if getattr(cls, "_duoflow_has_configs", False):
        from . import configs
    result = []
    for deco in given_flow_decorators(cls):
        attrs = dict(deco.attributes)
        if configs is not None and configs.has_delayed(attrs):
            attrs = configs.resolve_delayed(attrs, configs.values_by_name(cls))
        defaults = FLOW_SPECS[deco.name]
        result.append(Decorator(deco.name, dict(defaults or {}, **attrs)))
    return result


def decorator_record(decorators: List[Decorator]) -> List[Dict[str, Any]]:
    """The decorators as JSON (functions by name), for run.json."""
    return [{"name": d.name, "attributes": jsonable(d.attributes)} for d in decorators]


def jsonable(value: Any) -> Any:
    """``value`` as JSON data: containers kept, functions by name, anything else by repr."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if callable(value):
        return getattr(value, "__qualname__", None) or getattr(value, "__name__", repr(value))
    return repr(value)


# -- @project ---------------------------------------------------------------------------------

class ProjectFacts:
    """What ``@project`` makes of a run: Metaflow's ``current`` fields. (A plain class: a
    dataclass costs every run's start most of a millisecond to build.)"""

    def __init__(self, project_name: str, branch_name: str, is_user_branch: bool,
                 is_production: bool, project_flow_name: str):
        self.project_name, self.branch_name = project_name, branch_name
        self.is_user_branch, self.is_production = is_user_branch, is_production
        self.project_flow_name = project_flow_name

    def to_json(self) -> Dict[str, Any]:
        return dict(self.__dict__)

    def system_tags(self) -> List[str]:
        return ["project:%s" % self.project_name, "project_branch:%s" % self.branch_name]


def project_facts(decorators: List[Decorator], flow_name: str, user: str,
                  branch: Optional[str] = None, production: bool = False) -> Optional[ProjectFacts]:
    """The project branch of a run, by Metaflow's rules (None without ``@project``).

    ``branch``/``production`` come from the command line; giving one also in the decorator, with
    another value, is an error. The branch is ``user.<user>``, ``test.<branch>``, ``prod`` or
    ``prod.<branch>``; the flow's name in the project is ``<project>.<branch>.<Flow>``.
    """
    deco = next((d for d in decorators if d.name == "project"), None)
    if deco is None:
        if branch is not None or production:
            raise UsageError("--branch and --production need a @project decorator on the flow",
                             hint="Add @project(name=\"my_project\") above the flow class.")
        return None
    attrs = deco.attributes
    name = attrs.get("name")
    _check_name(name, "The @project name", "Try @project(name='some_name').")
    for option, given, default in (("branch", branch, None), ("production", production, False)):
        if given != default and attrs.get(option, default) not in (default, given):
            raise UsageError("You cannot pass %s as both a command-line argument and an attribute "
                             "of the @project decorator." % option)
    branch = attrs.get("branch") if attrs.get("branch") is not None else branch
    production = bool(attrs.get("production") or production)
    if branch:
        _check_name(branch, "The branch name", "Use --branch with lowercase letters, digits and _.")
        branch_name = ("prod.%s" if production else "test.%s") % branch
    else:
        branch_name = "prod" if production else "user.%s" % user
    return ProjectFacts(project_name=name, branch_name=branch_name,
                        is_user_branch=not branch and not production, is_production=production,
                        project_flow_name="%s.%s.%s" % (name, branch_name, flow_name))


def _check_name(value: Any, what: str, hint: str) -> None:
    if not value or not isinstance(value, str):
        raise UsageError("@project needs a name", hint=hint)
    if _PROJECT_NAME.search(value):
        raise UsageError("%s must contain only lowercase alphanumeric characters and underscores "
                         "(got %r)" % (what, value), hint=hint)
    if len(value) > _NAME_LEN:
        raise UsageError("%s must be shorter than %d characters" % (what, _NAME_LEN))


# -- @exit_hook -------------------------------------------------------------------------------

def check_exit_hooks(decorators: List[Decorator]) -> None:
    """Metaflow's rules for ``@exit_hook``: at least one hook, each a function or its name."""
    for deco in (d for d in decorators if d.name == "exit_hook"):
        if not deco.attributes.get("on_success") and not deco.attributes.get("on_error"):
            raise UsageError("@exit_hook: choose at least one of the options on_success/on_error")
        for key in ("on_success", "on_error"):
            for fn in deco.attributes.get(key) or ():
                if not (isinstance(fn, str) or callable(fn)):
                    raise UsageError("Exit hooks inside '%s' must be a function or a string "
                                     "referring to the function (got %r)" % (key, fn))


def run_exit_hooks(decorators: List[Decorator], module_name: str, run_getter: Callable[[], Any],
                   succeeded: bool) -> None:
    """Call the run's ``on_success`` (or, when it did not succeed, ``on_error``) hooks, as
    Metaflow does when a run ends: a hook that takes ``run`` (or ``**kwargs``) gets the run's
    client object; a failing hook is reported and does not change the run's outcome."""
    import inspect
    import sys

    key = "on_success" if succeeded else "on_error"
    for fn in [f for d in decorators if d.name == "exit_hook" for f in d.attributes.get(key) or ()]:
        label = fn if isinstance(fn, str) else getattr(fn, "__name__", repr(fn))
        try:
            hook = _find_hook(fn, sys.modules.get(module_name))
            spec = inspect.getfullargspec(hook)
            if "run" in spec.args or spec.varkw is not None:
                hook(run=run_getter())
            else:
                hook()
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - a hook never changes the run's outcome
            print("[exit_hook] Hook '%s' failed with error: %s: %s" % (label, type(exc).__name__, exc))
        sys.stdout.flush()


def _find_hook(fn: Any, module: Any) -> Callable:
    if callable(fn):
        return fn
    if module is not None and hasattr(module, fn):
        return getattr(module, fn)
    from importlib import import_module

    module_name, _, attr = fn.rpartition(".")
    if not module_name:
        raise UsageError("no function '%s' in the flow file" % fn)
    return getattr(import_module(module_name), attr)
