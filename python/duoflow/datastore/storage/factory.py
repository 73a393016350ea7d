"""The backend of a datastore root, chosen by its form."""

from __future__ import annotations

from typing import Optional

from .protocol import Storage


def is_s3_root(root: Optional[str]) -> bool:
    """True for an ``s3://bucket/prefix`` root."""
    return bool(root) and str(root).startswith("s3://")


def open_storage(root: str) -> Storage:
    """The backend of a datastore root: :class:`~.s3.S3Storage` for ``s3://bucket/prefix``, else
    :class:`~.local.LocalStorage` (boto3 is imported only when S3 is used)."""
    if is_s3_root(root):
        from .s3 import S3Storage

        return S3Storage(root)
    from .local import LocalStorage

    return LocalStorage(root)
