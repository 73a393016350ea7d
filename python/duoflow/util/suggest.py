"""Did-you-mean suggestions for names the user typed."""

from __future__ import annotations

from typing import Iterable, Optional


def closest(name: str, candidates: Iterable[str]) -> Optional[str]:
    """The candidate closest to ``name``, or None when nothing is close enough."""
    import difflib  # only error messages get here: not imported at every start

    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` Did you mean 'x'?`` (with a leading space) or an empty string."""
    match = closest(name, candidates)
    return " Did you mean '%s'?" % match if match else ""


def quoted_list(names: Iterable[str], empty: str = "none") -> str:
    """``'a', 'b', 'c'`` for messages, or ``empty`` when there are none."""
    names = list(names)
    return ", ".join("'%s'" % n for n in names) if names else empty
