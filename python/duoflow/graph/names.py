"""Names a step, parameter or artifact may not take, and the rule for valid names."""

from __future__ import annotations

import keyword
import re

# Methods and properties of every flow object inside a step: a step, parameter or artifact with
# one of these names would shadow them.
RESERVED_NAMES = frozenset({"next", "input", "index", "foreach_stack", "merge_artifacts"})

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def is_valid_name(name: object) -> bool:
    """A Python identifier that is not a keyword (so it works as ``self.name`` and ``self$name``)."""
    return isinstance(name, str) and bool(_IDENTIFIER.match(name)) and not keyword.iskeyword(name)
