"""``Parameter`` and ``JSONType``: values given on the command line, read-only inside steps."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Optional

from .exceptions import BadParameterError, ReadOnlyError
from .graph.names import RESERVED_NAMES, is_valid_name

# Run options a parameter may not shadow (they share the command line of `run`).
RUN_OPTION_NAMES = frozenset({
    "max_workers", "max_num_splits", "tag", "with", "launcher", "datastore", "datastore_root",
    "run_id_file", "quiet", "help", "origin_run_id", "package_suffixes",
})


class _JSONTypeClass:
    """Parameter type for JSON values: ``Parameter("cfg", type=JSONType, default='{"a": 1}')``."""

    name = "JSON"

    def __repr__(self) -> str:
        return "JSONType"


JSONType = _JSONTypeClass()

_TYPE_NAMES = {str: "str", int: "int", float: "float", bool: "bool"}


class Parameter:
    """A flow parameter, declared as a class attribute of the flow.

    ``Parameter(name, default=None, type=None, help=None, required=False, is_flag=False,
    separator=None)``. The type is inferred from the default when not given. Inside a step the
    attribute reads the run's value; assigning to it is an error.
    """

    def __init__(self, name: str, default: Any = None, type: Any = None, help: Optional[str] = None,
                 required: bool = False, is_flag: bool = False, separator: Optional[str] = None,
                 show_default: bool = True):
        if not is_valid_name(name) or name.startswith("_"):
            raise BadParameterError("Parameter name %r is not valid" % (name,),
                                    hint="Use letters, digits and underscores, starting with a letter.")
        if name in RESERVED_NAMES or name in RUN_OPTION_NAMES:
            raise BadParameterError(
                "Parameter name '%s' is reserved" % name,
                ["It would clash with %s." % ("the run option --%s" % name if name in RUN_OPTION_NAMES
                                               else "an attribute of every flow")],
                "Rename the parameter.")
        self.name = name
        self.attr = name  # the attribute (and artifact) name; set by __set_name__
        self.default = default
        self.type = _resolve_type(name, type, default, is_flag)
        self.help = help
        self.required = bool(required)
        self.is_flag = bool(is_flag)
        self.separator = separator
        self.show_default = show_default
        if separator is not None and self.type not in (str, int, float):
            raise BadParameterError("Parameter '%s' has a separator but type %s"
                                    % (name, self.type_name), hint="separator works with str, int and float values.")

    @property
    def type_name(self) -> str:
        return _TYPE_NAMES.get(self.type, getattr(self.type, "name", str(self.type)))

    def convert(self, value: Any) -> Any:
        """Turn a raw command-line (or API) value into the parameter's type; clear errors."""
        if value is None:
            return None
        if self.separator is not None and isinstance(value, str):
            return [self._convert_one(part.strip()) for part in value.split(self.separator)]
        return self._convert_one(value)

    def _convert_one(self, value: Any) -> Any:
        if self.type is JSONType:
            if not isinstance(value, str):
                return value
            try:
                return json.loads(value)
            except ValueError as exc:
                raise BadParameterError("--%s: %r is not valid JSON (%s)" % (self.name, value, exc),
                                        hint="Quote JSON for the shell: --%s '{\"a\": 1}'." % self.name) from None
        if self.type is bool:
            return _to_bool(self.name, value)
        try:
            return self.type(value)
        except (TypeError, ValueError):
            raise BadParameterError("--%s: %r is not a valid %s" % (self.name, value, self.type_name)) from None

    def default_value(self) -> Any:
        """The default, converted (a callable default is called with no arguments)."""
        default = self.default() if callable(self.default) else self.default
        if self.is_flag and default is None:
            return False
        return self.convert(default) if isinstance(default, str) and self.type is not str else default

    def to_spec(self) -> Dict[str, Any]:
        return {"name": self.name, "type": self.type_name, "help": self.help, "required": self.required,
                "is_flag": self.is_flag, "separator": self.separator,
                "default": None if callable(self.default) else self.default}

    # -- descriptor: the value inside a step ----------------------------------------------
    def __set_name__(self, owner, attr: str) -> None:
        if not is_valid_name(attr) or attr in RESERVED_NAMES:
            raise BadParameterError("Parameter '%s' is assigned to the reserved attribute '%s'"
                                    % (self.name, attr), hint="Rename the attribute.")
        self.attr = attr

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return obj._parameter_value(self.attr)

    def __set__(self, obj, value):
        raise ReadOnlyError(
            "Parameter '%s' is read-only inside a step" % self.attr,
            hint="Store a new artifact instead, e.g. self.%s_used = ..." % self.attr)

    def __repr__(self) -> str:
        return "Parameter(%r, default=%r, type=%s)" % (self.name, self.default, self.type_name)


def _resolve_type(name: str, type_: Any, default: Any, is_flag: bool) -> Any:
    if is_flag:
        return bool
    if type_ is None:
        sample = default() if callable(default) else default
        if isinstance(sample, bool):
            return bool
        if isinstance(sample, (int, float, str)):
            return type(sample)
        if isinstance(sample, (dict, list)):
            return JSONType
        return str
    if type_ in (str, int, float, bool) or type_ is JSONType:
        return type_
    aliases = {"str": str, "string": str, "int": int, "integer": int, "float": float, "double": float,
               "numeric": float, "bool": bool, "logical": bool, "json": JSONType, "JSON": JSONType}
    if isinstance(type_, str) and type_ in aliases:
        return aliases[type_]
    raise BadParameterError("Parameter '%s' has an unsupported type %r" % (name, type_),
                            hint="Use str, int, float, bool or JSONType.")


def _to_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "t", "yes", "y", "1", "on"):
        return True
    if text in ("false", "f", "no", "n", "0", "off"):
        return False
    raise BadParameterError("--%s: %r is not a valid bool" % (name, value), hint="Use true or false.")


def flow_parameters(cls) -> Dict[str, Parameter]:
    """The parameters of a flow class by attribute name, base classes included, in order."""
    found: Dict[str, Parameter] = {}
    for klass in reversed(cls.__mro__):
        for attr, value in vars(klass).items():
            if isinstance(value, Parameter):
                found[attr] = value
    names: Dict[str, str] = {}
    for attr, param in found.items():
        if param.name in names and names[param.name] != attr:
            raise BadParameterError("Two parameters are named '%s' (attributes %s and %s)"
                                    % (param.name, names[param.name], attr), hint="Rename one of them.")
        names[param.name] = attr
    return found


class IncludeFile(Parameter):
    """A parameter naming a file whose content is stored as the artifact when the run starts.

    ``IncludeFile("data", default="data.csv", is_text=True, encoding="utf-8")``: steps read
    ``self.data`` as the file's text (or bytes with ``is_text=False``), so the run keeps the exact
    input it used even if the file changes later.
    """

    def __init__(self, name: str, default: Any = None, help: Optional[str] = None, required: bool = False,
                 is_text: bool = True, encoding: str = "utf-8", show_default: bool = True):
        super().__init__(name, default=default, type=str, help=help, required=required, show_default=show_default)
        self.is_text = is_text
        self.encoding = encoding

    def read(self, path: Optional[str], flow_file: str) -> Any:
        """The content of ``path`` (relative to the current directory, else to the flow file's)."""
        import os

        if path is None:
            return None
        candidates = [path]
        if not os.path.isabs(path) and flow_file:
            candidates.append(os.path.join(os.path.dirname(os.path.abspath(flow_file)), path))
        for candidate in candidates:
            if os.path.isfile(candidate):
                try:
                    with open(candidate, "rb") as handle:
                        data = handle.read()
                    return data.decode(self.encoding) if self.is_text else data
                except (OSError, UnicodeDecodeError) as exc:
                    raise BadParameterError("--%s: cannot read %s (%s)" % (self.name, candidate, exc),
                                            hint="Pass is_text=False to IncludeFile for binary files."
                                            if isinstance(exc, UnicodeDecodeError) else None) from None
        raise BadParameterError("--%s: file '%s' does not exist" % (self.name, path),
                                ["Looked in: %s." % ", ".join(os.path.abspath(c) for c in candidates)],
                                "Give an existing path: --%s PATH." % self.name)


def materialize(parameters: Dict[str, Parameter], values: Dict[str, Any], flow_file: str) -> Dict[str, Any]:
    """Parameter values as the run stores them: an IncludeFile's path becomes the file's content."""
    result = dict(values)
    for attr, definition in parameters.items():
        if isinstance(definition, IncludeFile) and result.get(attr) is not None:
            result[attr] = definition.read(result[attr], flow_file)
    return result
