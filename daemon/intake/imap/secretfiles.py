"""Secret files: read on every use (so a rotated secret needs no restart), replaced atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class SecretError(Exception):
    """The password or token could not be had: retried like a failed login."""


def read_secret_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip("\r\n")
    except OSError as exc:
        raise SecretError(f"cannot read {path}: {exc.strerror}") from None


def write_secret_file(path: Path, text: str) -> None:
    """Replace the file atomically: a temp file (0600) in the same folder, fsync, rename,
    fsync the folder. A crash leaves the old secret or the new, never half of one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def mtime_of(path: Path) -> int | None:
    """When the file last changed (None: missing), to notice an admin replacing it."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None
