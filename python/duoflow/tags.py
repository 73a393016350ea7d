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


def edit_run_tags(flow_store, run_id: str, add: Iterable[str] = (), remove: Iterable[str] = ()) -> List[str]:
    """Add and remove user tags of a run; returns the new user tags. System tags cannot change.

    The edit applies to the tags as they are when it is stored: several edits at once (ten
    ``tag add`` processes) all count."""
    from .datastore.run_info import update_user_tags

    info = flow_store.read_run(run_id)
    removing = list(remove)
    immutable = [t for t in removing if t in set(info.system_tags)]
    if immutable:
        raise UsageError("Cannot remove %s: system tags never change" % ", ".join("'%s'" % t for t in immutable),
                         hint="Only tags given with --tag or tag add can be removed.")
    adding = check_user_tags(add)

    def change(tags: List[str]) -> List[str]:
        missing = [t for t in removing if t not in tags]
        if missing:
            raise UsageError("Run %s/%s has no user tag %s" % (flow_store.flow, run_id, ", ".join("'%s'" % t for t in missing)),
                             ["Its user tags: %s." % (", ".join(tags) or "none")])
        result = [t for t in tags if t not in removing]
        return result + [t for t in adding if t not in result]

    return sorted(update_user_tags(flow_store, run_id, info, change))
