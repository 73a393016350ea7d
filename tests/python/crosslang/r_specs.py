"""Flow specs as the R package hands them to Python through reticulate, for the bridge's tests."""

from __future__ import annotations


def r_spec(*steps, name="RFlow"):
    """A spec as the R package hands it over through reticulate."""
    return {"name": name, "steps": list(steps), "parameters": []}


def r_step(name, next_steps=(), **extra):
    # a length-1 R vector arrives as a plain string; file and line are unknown under Rscript
    nxt = next_steps[0] if len(next_steps) == 1 else list(next_steps)
    data = {"name": name, "next": nxt, "foreach": None, "join": False, "decorators": [], "file": "",
            "line": 0}
    data.update(extra)
    return data
