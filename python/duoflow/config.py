"""Settings read from the environment, each with its default in one place."""

from __future__ import annotations

import os

DEFAULT_MAX_NUM_SPLITS = 10000
DEFAULT_LAUNCHER = "fork"
LAUNCHERS = ("fork", "spawn")
DATASTORE_DIRNAME = ".duoflow"

# Files of the flow's directory that go into the code snapshot of every run.
DEFAULT_PACKAGE_SUFFIXES = (".py", ".R", ".r", ".Rmd", ".txt", ".md", ".json", ".yaml", ".yml",
                            ".toml", ".cfg", ".ini", ".sql", ".sh")
CODE_PACKAGE_MAX_FILE_BYTES = 1024 * 1024
CODE_PACKAGE_MAX_TOTAL_BYTES = 20 * 1024 * 1024
# Directory entries the snapshot looks at before giving up (a flow in a huge folder stays fast).
CODE_PACKAGE_MAX_SCANNED = 20000


def default_max_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def default_launcher() -> str:
    """``DUOFLOW_LAUNCHER`` when set to a known launcher, else fork."""
    value = os.environ.get("DUOFLOW_LAUNCHER", DEFAULT_LAUNCHER).strip() or DEFAULT_LAUNCHER
    return value


def datastore_root_from_env():
    """``DUOFLOW_DATASTORE_ROOT`` or None."""
    return os.environ.get("DUOFLOW_DATASTORE_ROOT") or None


def datastore_kind_from_env():
    """``DUOFLOW_DATASTORE`` (local or s3) or None."""
    return (os.environ.get("DUOFLOW_DATASTORE") or "").strip().lower() or None


# -- S3 (see duoflow/datastore/storage/s3.py) ----------------------------------------------------
S3_MULTIPART_THRESHOLD = 16 * 1024 * 1024  # blobs at least this big go up (and down) in parts
S3_MULTIPART_CHUNK = 16 * 1024 * 1024


def s3_endpoint_url():
    """``DUOFLOW_S3_ENDPOINT_URL`` (MinIO, Ceph, moto...); None lets boto3 choose (incl. AWS_ENDPOINT_URL)."""
    return os.environ.get("DUOFLOW_S3_ENDPOINT_URL") or None


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError:
        return default


def s3_workers() -> int:
    """Parallel transfers per process (``DUOFLOW_S3_WORKERS``, default 16)."""
    return max(1, _env_int("DUOFLOW_S3_WORKERS", 16))


def s3_max_pending() -> int:
    """Blob uploads held in memory at once before ``write`` waits."""
    return 2 * s3_workers()


def s3_max_attempts() -> int:
    """Attempts per S3 request, retries of transient failures included (``DUOFLOW_S3_MAX_ATTEMPTS``)."""
    return max(1, _env_int("DUOFLOW_S3_MAX_ATTEMPTS", 6))


def s3_retry_mode() -> str:
    """botocore's retry mode: standard (default) or adaptive (``DUOFLOW_S3_RETRY_MODE``)."""
    mode = (os.environ.get("DUOFLOW_S3_RETRY_MODE") or "standard").strip()
    return mode if mode in ("standard", "adaptive", "legacy") else "standard"


def s3_connect_timeout() -> int:
    return max(1, _env_int("DUOFLOW_S3_CONNECT_TIMEOUT", 10))


def s3_cache_dir() -> str:
    return os.path.expanduser(os.environ.get("DUOFLOW_S3_CACHE_DIR") or "~/.cache/duoflow/s3")


def s3_cache_max_bytes() -> int:
    return max(0, _env_int("DUOFLOW_S3_CACHE_MAX_BYTES", 10 * 1024 ** 3))


def package_suffixes() -> tuple:
    """Suffixes of the files kept in the code snapshot (``DUOFLOW_PACKAGE_SUFFIXES``, comma-separated)."""
    value = os.environ.get("DUOFLOW_PACKAGE_SUFFIXES")
    if not value:
        return DEFAULT_PACKAGE_SUFFIXES
    return tuple(s.strip() if s.strip().startswith(".") else "." + s.strip()
                 for s in value.split(",") if s.strip())


def username() -> str:
    """Who runs the flow: ``DUOFLOW_USER``, then the login name; root is a user like any other.

    The login name is found as ``getpass.getuser()`` finds it (variables, then the password
    database), without importing getpass and termios (a few milliseconds at every start).
    """
    for var in ("DUOFLOW_USER", "USER", "USERNAME", "LOGNAME", "LNAME"):
        value = os.environ.get(var)
        if value:
            return value
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except Exception:  # no passwd entry (some containers), or no pwd module (Windows)
        return "unknown"
