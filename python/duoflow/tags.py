"""Rules for the tags users put on runs."""

from __future__ import annotations

from typing import Iterable, List

from .exceptions import UsageError

MAX_TAG_LENGTH = 256
# Prefixes of the tags duoflow sets itself; users cannot set or remove them.
SYSTEM_TAG_PREFIXES = ("user:", "runtime:", "python_version:", "duoflow_version:", "r_version:",
                       "origin_run_id:")


def check_user_tags(tags: Iterable[str]) -> List[str]:
    """The tags, de-duplicated in order; a clear error for one that cannot be a user tag."""
    result: List[str] = []
    for tag in tags:
        if not tag or not tag.strip():
            raise UsageError("A tag cannot be empty", hint="Give it some text: --tag experiment-3.")
        if len(tag) > MAX_TAG_LENGTH:
            raise UsageError("Tag '%s...' is %d characters long; the limit is %d"
                             % (tag[:20], len(tag), MAX_TAG_LENGTH))
        if any(ord(c) < 32 for c in tag):
            raise UsageError("Tag %r contains control characters (such as a newline)" % tag)
        if tag.startswith(SYSTEM_TAG_PREFIXES):
            raise UsageError("Tag '%s' looks like a system tag" % tag,
                             ["Tags starting with %s are set by duoflow itself." % ", ".join(SYSTEM_TAG_PREFIXES)],
                             "Choose another prefix.")
        if tag not in result:
            result.append(tag)
    return result
