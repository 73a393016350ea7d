"""What the code snapshot leaves out: built-in rules, ``.gitignore`` and ``.duoflowignore`` files.

Three layers, each in gitignore syntax, asked in this order; the last layer with a matching
pattern decides (within a layer, the last matching pattern, ``!negations`` included):

1. ``.gitignore`` files: those of the enclosing git repository above the flow's directory (from
   the repository root down) and those inside it, each applying to paths below its own folder.
2. :data:`DEFAULT_RULES`: secrets, keys and certificates, cloud and tool credential files,
   hidden folders (.git/, .aws/, .ssh/, .venv/, .duoflow/ ...), caches and environments. They
   come after ``.gitignore`` so that a ``!pattern`` there cannot bring a private key back.
3. ``.duoflowignore`` files (inside the flow's directory): more exclusions, or ``!pattern`` to
   include on purpose what a rule above left out.

A folder that is left out is not entered (as in git, nothing below it can be included again).
``pathspec`` (gitignore matching) is imported only when an ignore file exists: a flow without one
starts without its import (~8 ms here, most of a small run's start-up budget).
"""

from __future__ import annotations

import fnmatch
import os
import re
from typing import List, Optional, Tuple

GITIGNORE = ".gitignore"
DUOFLOWIGNORE = ".duoflowignore"

# Gitignore-syntax name patterns (no "/" inside them: each matches a file or folder name at any
# depth; a trailing "/" means folders only). Kept to names so they are matched without pathspec.
DEFAULT_RULES: Tuple[str, ...] = (
    # Hidden folders: version control (.git/, .hg/, .svn/), credentials (.aws/, .ssh/, .gnupg/,
    # .docker/, .kube/, .azure/, .config/), environments (.venv/), datastores (.duoflow/,
    # .metaflow/) and tool caches (.pytest_cache/, .ipynb_checkpoints/, .Rproj.user/).
    ".*/",
    # Environments, caches and build output.
    "__pycache__/", "venv/", "node_modules/", "*.egg-info/", "*.pyc",
    # Private keys, certificates and keystores.
    "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.ppk", "*.crt", "*.cer", "*.der",
    "*.gpg", "*.pgp", "*.asc", "*.kdbx", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*",
    # Environment files and tool credential files (R's .Renviron and .Rhistory included: they
    # hold tokens and whatever was typed at the console).
    ".env", ".env.*", "*.env", ".netrc", "_netrc", ".pgpass", ".my.cnf", ".git-credentials",
    ".npmrc", ".pypirc", ".dockercfg", ".htpasswd", ".boto", ".s3cfg", ".Renviron", ".Rhistory",
    ".RData", "kubeconfig",
    # Cloud credentials, OAuth client secrets and tokens, secret stores.
    "credentials", "credentials.*", "*-credentials.*", "*_credentials.*", "client_secret*.json",
    "*service?account*.json", "token.json", "token.pickle", "secrets", "secrets.*", "*.secret",
    "*.secrets", "*.tfstate", "*.tfstate.*", "*.tfvars",
)


class _NameRules:
    """Name patterns sorted by how they can be matched: exact names in a set, ``*suffix`` and
    ``prefix*`` with ``str.endswith``/``startswith``, and the few others with one regular
    expression compiled on first use. Every run snapshots its code, and compiling all the
    patterns into one expression cost each run 2-3 ms before it read a single file."""

    def __init__(self, patterns: Tuple[str, ...]):
        self.exact = set()
        suffixes, prefixes, others = [], [], []
        for pattern in patterns:
            body = pattern[1:] if pattern.startswith("*") else pattern[:-1] if pattern.endswith("*") else pattern
            if not any(c in body for c in "*?["):
                if pattern.startswith("*"):
                    suffixes.append(body)
                elif pattern.endswith("*"):
                    prefixes.append(body)
                else:
                    self.exact.add(pattern)
            else:
                others.append(pattern)
        self.suffixes, self.prefixes, self.others = tuple(suffixes), tuple(prefixes), others
        self._regex = None

    def match(self, name: str) -> bool:
        if name in self.exact or name.endswith(self.suffixes) or name.startswith(self.prefixes):
            return True
        if not self.others:
            return False
        if self._regex is None:
            self._regex = re.compile("|".join("(?:%s)" % fnmatch.translate(p) for p in self.others))
        return self._regex.match(name) is not None


# Folders are matched by every pattern, files only by those without a trailing "/".
_FILE_RULES = _NameRules(tuple(p for p in DEFAULT_RULES if not p.endswith("/")))
_DIR_RULES = _NameRules(tuple(p.rstrip("/") for p in DEFAULT_RULES))


def default_rule(name: str, is_dir: bool) -> Optional[str]:
    """The built-in pattern that leaves out a file or folder of this name, or None."""
    if not (_DIR_RULES if is_dir else _FILE_RULES).match(name):
        return None
    for pattern in DEFAULT_RULES:  # which one, for the listing (rare: only when one matched)
        if (is_dir or not pattern.endswith("/")) and fnmatch.fnmatchcase(name, pattern.rstrip("/")):
            return pattern
    return None  # pragma: no cover - the sorted rules and the loop agree


class IgnoreFile:
    """One ``.gitignore``/``.duoflowignore`` file and where its patterns apply.

    ``below`` is its folder relative to the snapshot's directory ("" for the directory itself,
    or for a file of an enclosing repository); ``prefix`` is the snapshot directory's path seen
    from an enclosing repository's folder ("flows/" for ``repo/.gitignore`` when the flow lives
    in ``repo/flows``), "" otherwise.
    """

    def __init__(self, path: str, below: str = "", prefix: str = ""):
        import pathspec  # only flows with an ignore file pay for this import

        with open(path, encoding="utf-8", errors="replace") as handle:
            self.lines = handle.read().splitlines()
        self.path, self.below, self.prefix = path, below, prefix
        self.spec = pathspec.GitIgnoreSpec.from_lines(self.lines)

    def decide(self, rel: str, is_dir: bool) -> Optional[Tuple[bool, str]]:
        """``(left out?, the deciding rule)`` for a path relative to the snapshot's directory,
        or None when no pattern of this file matches it."""
        if self.below:
            if not rel.startswith(self.below + "/"):
                return None
            rel = rel[len(self.below) + 1:]
        result = self.spec.check_file(self.prefix + rel + ("/" if is_dir else ""))
        if result.include is None:
            return None
        return bool(result.include), self._describe(result.index)

    def _describe(self, index: Optional[int]) -> str:
        # check_file gives the index of the deciding pattern among the file's lines.
        pattern = self.lines[index].strip() if index is not None and index < len(self.lines) else "?"
        where = (self.below + "/" if self.below else "") + os.path.basename(self.path)
        if self.prefix:
            where = self.path
        return "%s: %s" % (where, pattern)


class SnapshotRules:
    """Every rule that applies below one directory; :meth:`excluded` is asked for each entry."""

    def __init__(self, directory: str):
        self.directory = directory
        self.gitignores: List[IgnoreFile] = _enclosing_gitignores(directory)
        self.duoflowignores: List[IgnoreFile] = []

    def enter(self, rel: str, names) -> None:
        """Note the ignore files of the folder ``rel`` (relative; "" for the top), whose entry
        names are ``names``; call it before asking about that folder's entries."""
        folder = os.path.join(self.directory, rel) if rel else self.directory
        for name, layer in ((GITIGNORE, self.gitignores), (DUOFLOWIGNORE, self.duoflowignores)):
            if name in names:
                try:
                    layer.append(IgnoreFile(os.path.join(folder, name), below=rel))
                except OSError:  # unreadable: as if absent (git does the same)
                    pass

    def excluded(self, rel: str, name: str, is_dir: bool) -> Optional[str]:
        """The rule that leaves ``rel`` out (for the listing), or None when it is kept."""
        decision: Optional[Tuple[bool, str]] = _last(self.gitignores, rel, is_dir)
        pattern = default_rule(name, is_dir)
        if pattern is not None:
            decision = (True, "default rule: %s" % pattern)
        decision = _last(self.duoflowignores, rel, is_dir) or decision
        if decision is None or not decision[0]:
            return None
        return decision[1]


def _last(files: List[IgnoreFile], rel: str, is_dir: bool) -> Optional[Tuple[bool, str]]:
    """The decision of the deepest (last-read) file of a layer that has one for ``rel``."""
    decision = None
    for ignore in files:
        found = ignore.decide(rel, is_dir)
        if found is not None:
            decision = found
    return decision


def _enclosing_gitignores(directory: str) -> List[IgnoreFile]:
    """The ``.gitignore`` files of the folders above ``directory`` up to its git repository's
    root, root first; none when ``directory`` is not inside a repository (git would not read
    them either). The directory's own files are found by :meth:`SnapshotRules.enter`."""
    found = []
    current = directory
    for _ in range(64):  # a bound, not a depth anyone has
        if os.path.exists(os.path.join(current, ".git")):
            break
        parent = os.path.dirname(current)
        if parent == current:
            return []  # no repository above: no .gitignore of a parent applies
        current = parent
        found.append(current)
    else:
        return []
    files = []
    for folder in reversed(found):
        path = os.path.join(folder, GITIGNORE)
        if os.path.isfile(path):
            prefix = os.path.relpath(directory, folder).replace(os.sep, "/") + "/"
            try:
                files.append(IgnoreFile(path, prefix=prefix))
            except OSError:
                pass
    return files
