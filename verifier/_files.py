"""Replacing a file atomically (not public API): trust lists and bundles are edited in place, and
a failed write (a full disk, a directory in the way, no permission) must leave the old file
whole and no stray temporary file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from skillpass.errors import MalformedValueError

__all__ = ["replace_file"]


def replace_file(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a synced temporary file in the same directory
    and an atomic rename (``output_unwritable`` when that fails; ``path`` is then unchanged)."""
    target = Path(path)
    if target.is_dir():
        raise MalformedValueError(
            f"cannot write {target}: it is a directory", code="output_unwritable"
        )
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            # Keep the old file's permissions (mkstemp creates 0600).
            os.chmod(tmp, os.stat(target).st_mode & 0o7777 if target.exists() else 0o644)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise MalformedValueError(
            f"cannot write {target}: {exc.strerror or exc}", code="output_unwritable"
        ) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
