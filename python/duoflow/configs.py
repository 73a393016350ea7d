"""``Config`` and ``config_expr``: values fixed before a flow's class is finalised.

As in Metaflow, a config is read before anything runs (from ``--config NAME PATH``,
``--config-value NAME JSON``, or its defaults), so it may set decorator arguments at class
definition: ``@timeout(seconds=config.timeout)``. At that point the value is not known yet, so
``config.timeout`` is a :class:`DelayedValue`; decorators keep it as it is and the graph
resolves it once the configs are (:func:`resolve_delayed`). Inside a step ``self.config`` is
the value, a read-only :class:`ConfigValue`; every task stores it as an artifact.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from .exceptions import ReadOnlyError, UsageError

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ConfigValue(dict):
    """A config's value: a dict whose keys also read as attributes (``cfg.a.b``), read-only."""

    def __init__(self, data: Mapping[str, Any]):
        super().__init__((k, _wrap(v)) for k, v in dict(data).items())

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError("config has no key '%s' (it has: %s)"
                                 % (name, ", ".join(map(str, self)) or "none")) from None

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise ReadOnlyError("A config cannot be changed inside a flow",
                            hint="Copy it first: d = cfg.to_dict(); d['key'] = ...")

    __setitem__ = __delitem__ = __setattr__ = __delattr__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def to_dict(self) -> Dict[str, Any]:
        """A plain, changeable copy (nested configs become plain dicts too)."""
        return {k: v.to_dict() if isinstance(v, ConfigValue) else v for k, v in self.items()}

    def __reduce__(self):  # stored and loaded like the plain dict it is
        return (ConfigValue, (self.to_dict(),))


def _wrap(value: Any) -> Any:
    if isinstance(value, dict) and not isinstance(value, ConfigValue):
        return ConfigValue(value)
    return value


class DelayedValue:
    """An expression over configs, evaluated once they are known (``config.a.b``,
    ``config["a"]``, ``config_expr("config.a * 2")``)."""

    def __init__(self, expr: str, namespace: Optional[Dict[str, Any]] = None,
                 access: Tuple[Any, ...] = ()):
        self._expr = expr
        self._namespace = namespace
        self._access = access

    def __getattr__(self, name: str) -> "DelayedValue":
        if name.startswith("__"):
            raise AttributeError(name)
        return DelayedValue(self._expr, self._namespace, self._access + (("attr", name),))

    def __getitem__(self, key: Any) -> "DelayedValue":
        return DelayedValue(self._expr, self._namespace, self._access + (("item", key),))

    def evaluate(self, configs: Dict[str, Any]) -> Any:
        """The value, given every config of the flow by name."""
        scope = dict(configs)
        try:
            value = eval(self._expr, dict(self._namespace or {}), scope)  # noqa: S307 - the flow's own code
            for kind, key in self._access:
                key = resolve_delayed(key, configs)
                value = value[key] if kind == "item" else getattr(value, key)
        except Exception as exc:
            raise UsageError("Config expression '%s' could not be evaluated: %s: %s"
                             % (self.describe(), type(exc).__name__, exc),
                             ["Configs of this flow: %s." % (", ".join(sorted(configs)) or "none")],
                             "Refer to a config by the name given to Config(...).") from None
        return value

    def describe(self) -> str:
        text = self._expr
        for kind, key in self._access:
            text += ".%s" % key if kind == "attr" else "[%r]" % (key,)
        return text

    def __repr__(self) -> str:
        return "config_expr(%r)" % self.describe()


def config_expr(expr: str) -> DelayedValue:
    """An expression over configs for places a config object cannot be named directly, such as
    flow decorators above the class: ``@project(name=config_expr("config.project"))``."""
    caller = sys._getframe(1).f_globals  # so the expression may call the module's functions
    return DelayedValue(expr, caller)


def has_delayed(value: Any) -> bool:
    """True when ``value`` (or anything inside a dict, list, tuple or set) waits for configs."""
    if isinstance(value, (DelayedValue, Config)):
        return True
    if isinstance(value, dict):
        return any(has_delayed(k) or has_delayed(v) for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return any(has_delayed(v) for v in value)
    return False


def resolve_delayed(value: Any, configs: Dict[str, Any]) -> Any:
    """``value`` with every delayed expression inside it evaluated against ``configs``."""
    if isinstance(value, Config):
        return configs[value._config_name]
    if isinstance(value, DelayedValue):
        return value.evaluate(configs)
    if isinstance(value, dict):
        return {resolve_delayed(k, configs): resolve_delayed(v, configs) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return type(value)(resolve_delayed(v, configs) for v in value)
    return value


class Config:
    """A flow config, declared as a class attribute: ``config = Config("config",
    default="config.json")``.

    ``Config(name, default=None, default_value=None, help=None, required=None, parser=None,
    plain=False)``: ``default`` is a file path, ``default_value`` a JSON string or a dict (one
    or the other); ``parser`` turns the text into a dict (a function, or its dotted name such
    as ``"tomllib.loads"``); ``plain=True`` gives the parsed value as it is, not a ConfigValue.
    """

    def __init__(self, name: str, default: Any = None, default_value: Any = None,
                 help: Optional[str] = None, required: Optional[bool] = None,
                 parser: Any = None, plain: bool = False, **kwargs: Any):
        if not isinstance(name, str) or not _NAME.match(name):
            raise UsageError("Config name %r is not valid" % (name,),
                             hint="Use letters, digits and underscores, starting with a letter.")
        if default is not None and default_value is not None:
            raise UsageError("For config '%s', you can only give default or default_value, not both"
                             % name)
        object.__setattr__(self, "_config_name", name)
        object.__setattr__(self, "_config_attr", name)
        object.__setattr__(self, "_default_file", default)
        object.__setattr__(self, "_default_value", default_value)
        object.__setattr__(self, "_help", help)
        object.__setattr__(self, "_required", bool(required))
        object.__setattr__(self, "_parser", parser)
        object.__setattr__(self, "_plain", bool(plain))

    # -- at class definition: every access waits for the value ------------------------------
    def __getattr__(self, name: str) -> DelayedValue:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(DelayedValue(self._config_name), name)

    def __getitem__(self, key: Any) -> DelayedValue:
        return DelayedValue(self._config_name)[key]

    def __set_name__(self, owner, attr: str) -> None:
        from .graph.names import RESERVED_NAMES

        if attr in RESERVED_NAMES:
            raise UsageError("Config '%s' is assigned to the reserved attribute '%s'"
                             % (self._config_name, attr), hint="Rename the attribute.")
        object.__setattr__(self, "_config_attr", attr)
        owner._duoflow_has_configs = True  # FlowSpec documents the flag

    # -- inside a step: the value -----------------------------------------------------------
    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj._parameter_value(self._config_attr)
        return value if self._plain or not isinstance(value, dict) else ConfigValue(value)

    def __set__(self, obj, value):
        raise ReadOnlyError("Config '%s' is read-only inside a step" % self._config_name,
                            hint="Store a new artifact instead, e.g. self.%s_used = ..." % self._config_attr)

    def __repr__(self) -> str:
        return "Config(%r)" % self._config_name

    # -- reading the value ------------------------------------------------------------------
    def read(self, path: Optional[str], text: Optional[str], flow_file: str) -> Any:
        """The config's value from a file (``--config``), a text (``--config-value``) or its
        defaults; None when there is none and it is not required."""
        where = "--config-value %s" % self._config_name
        if path is not None:
            text, where = _read_file(self._config_name, path, flow_file, "--config %s" % self._config_name)
        elif text is None and self._default_file is not None:
            text, where = _read_file(self._config_name, self._default_file, flow_file,
                                     "the default file of config '%s'" % self._config_name)
        elif text is None and self._default_value is not None:
            default = self._default_value
            default = default() if callable(default) else default
            if not isinstance(default, str):
                return _plain_data(default)
            text, where = default, "the default_value of config '%s'" % self._config_name
        if text is None:
            if self._required:
                raise UsageError("Config '%s' is required" % self._config_name,
                                 hint="Give it: --config %s PATH or --config-value %s JSON (before "
                                      "the command)." % (self._config_name, self._config_name))
            return None
        return _plain_data(self._parse(text, where))

    def _parse(self, text: str, where: str) -> Any:
        parser = _load_parser(self._parser) if self._parser is not None else None
        try:
            return parser(text) if parser is not None else json.loads(text)
        except Exception as exc:
            raise UsageError("Config '%s' could not be parsed from %s: %s"
                             % (self._config_name, where, exc),
                             hint=None if parser else "The text must be JSON, or give Config(..., parser=...).") from None


def _plain_data(value: Any) -> Any:
    return value.to_dict() if isinstance(value, ConfigValue) else value


def _read_file(name: str, path: str, flow_file: str, what: str) -> Tuple[str, str]:
    """``(text, description)`` of a config file: relative to the current directory, else to the
    flow file's."""
    candidates = [path]
    if not os.path.isabs(path) and flow_file:
        candidates.append(os.path.join(os.path.dirname(os.path.abspath(flow_file)), path))
    for candidate in candidates:
        if os.path.isfile(candidate):
            with open(candidate, encoding="utf-8") as handle:
                return handle.read(), candidate
    raise UsageError("Config '%s': %s '%s' could not be read" % (name, what, path),
                     ["Looked in: %s." % ", ".join(os.path.abspath(c) for c in candidates)],
                     "Give an existing file: --config %s PATH." % name)


def _load_parser(parser: Any) -> Callable[[str], Any]:
    if callable(parser):
        return parser
    from importlib import import_module

    module_name, _, attr = str(parser).rpartition(".")
    if module_name.startswith(".") or module_name == "":
        module_name = "duoflow" + module_name if module_name else "duoflow"
    try:
        return getattr(import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise UsageError("Config parser '%s' could not be loaded: %s" % (parser, exc),
                         hint="Name a function by its module, e.g. parser=\"tomllib.loads\".") from None


def flow_configs(cls) -> Dict[str, Config]:
    """The configs of a flow class by attribute name, base classes included."""
    found: Dict[str, Config] = {}
    for klass in reversed(cls.__mro__):
        for attr, value in vars(klass).items():
            if isinstance(value, Config):
                found[attr] = value
    return found


def resolve_configs(cls, paths: Mapping[str, str], texts: Mapping[str, str], flow_file: str,
                    parsed: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Read every config of ``cls`` (by attribute), remember the values on the class (graph and
    decorators read them), and return them. ``paths``/``texts`` come from ``--config`` and
    ``--config-value``, by config name; ``parsed`` holds values a run already read (its tasks
    started afresh get them so)."""
    configs = flow_configs(cls)
    parsed = parsed or {}
    names = {c._config_name for c in configs.values()}
    for given in list(paths) + list(texts) + list(parsed):
        if given not in names:
            raise UsageError("This flow has no config '%s'" % given,
                             hint="Its configs: %s." % (", ".join(sorted(names)) or "none"))
    both = set(paths) & set(texts)
    if both:
        raise UsageError("Config '%s' is given both as a file and as a value" % sorted(both)[0],
                         hint="Give --config or --config-value, not both.")
    values = {attr: parsed[c._config_name] if c._config_name in parsed
              else c.read(paths.get(c._config_name), texts.get(c._config_name), flow_file)
              for attr, c in configs.items()}
    if cls.__dict__.get("_duoflow_configs") != values and "_duoflow_graph" in cls.__dict__:
        del cls._duoflow_graph  # built with other values (the same class run again in-process)
    cls._duoflow_configs = values
    return values


def config_values(cls) -> Dict[str, Any]:
    """The values read by :func:`resolve_configs` (defaults only when it was never called), by
    attribute name."""
    values = cls.__dict__.get("_duoflow_configs")
    if values is None:
        from .util.source import flow_file_of

        values = resolve_configs(cls, {}, {}, flow_file_of(cls))
    return values


def values_by_name(cls) -> Dict[str, Any]:
    """The config values by config name, as expressions see them (ConfigValue unless plain)."""
    configs = flow_configs(cls)
    values = config_values(cls)
    return {c._config_name: values[attr] if c._plain or not isinstance(values[attr], dict)
            else ConfigValue(values[attr]) for attr, c in configs.items()}
