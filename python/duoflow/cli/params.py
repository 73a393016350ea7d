"""Flow parameters as click options of ``run``."""

from __future__ import annotations

from typing import Any, Dict, List

import click

from ..exceptions import BadParameterError
from ..parameters import JSONType, Parameter


class ParameterType(click.ParamType):
    """Converts with the Parameter's own rules; click reports failures as usage errors."""

    def __init__(self, parameter: Parameter):
        self.parameter = parameter
        self.name = parameter.type_name if parameter.separator is None else \
            "%s list (separated by %r)" % (parameter.type_name, parameter.separator)

    def convert(self, value: Any, param, ctx) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return self.parameter.convert(value)
        except BadParameterError:
            self.fail("%r is not a valid %s" % (value, self.name), param, ctx)


def parameter_options(parameters: Dict[str, Parameter], for_resume: bool = False) -> List[click.Option]:
    """One ``--name`` option per parameter, with its help, type and default shown.

    For resume, nothing is required and there are no defaults: unset parameters keep the
    origin run's values.
    """
    options = []
    for attr, param in parameters.items():
        default = None if for_resume else param.default_value()
        kwargs: Dict[str, Any] = dict(
            help=param.help or "",
            show_default=param.show_default and default is not None,
            required=param.required and default is None and not for_resume,
        )
        if param.is_flag:
            if not for_resume:
                kwargs["default"] = bool(default)
            options.append(click.Option(["--%s/--no-%s" % (param.name, param.name), attr], **kwargs))
            continue
        if default is not None:
            # Newer click treats an explicit default=None as a value, so pass defaults only when set.
            kwargs["default"] = _shown_default(param, default)
        options.append(click.Option(["--%s" % param.name, attr], type=_click_type(param),
                                    metavar=param.type_name.upper(), **kwargs))
    return options


def _shown_default(param: Parameter, default: Any) -> Any:
    if param.type is JSONType and not isinstance(default, str):
        import json

        return json.dumps(default)
    if param.separator is not None and isinstance(default, (list, tuple)):
        return param.separator.join(str(v) for v in default)
    return default


def _click_type(param: Parameter):
    if param.separator is None and param.type in (int, float, str):
        return {int: click.INT, float: click.FLOAT, str: click.STRING}[param.type]
    if param.separator is None and param.type is bool:
        return click.BOOL
    return ParameterType(param)


def collect_parameter_values(parameters: Dict[str, Parameter], kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """Parameter values by attribute name, taken out of the command's keyword arguments."""
    values = {}
    for attr, param in parameters.items():
        value = kwargs.pop(attr, None)
        if isinstance(value, str) and param.type is not str:
            value = param.convert(value)  # defaults given as strings
        elif isinstance(value, str) and param.separator is not None:
            value = param.convert(value)
        values[attr] = value
    return values
