"""Before the daemon starts: can this user write in every folder the config names?

Each problem is one line with its sysexits code, so `ticketd run` ends with a
sentence instead of a traceback (and the unit's RestartPreventExitStatus keeps
systemd from restarting it every 5 s over a problem only the admin can mend),
and `ticketd check-config` names the same problems before the daemon starts.
Unreadable secret files are config errors already (daemon/config/checks.py).
These are not: `ticketd status` run by a monitoring user need not write anywhere.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from daemon.config import Config

EX_UNAVAILABLE = 69  # a port in use
EX_CANTCREAT = 73  # a folder that cannot be created or written
EX_TEMPFAIL = 75  # the database unreachable: it may come back, a restart may work


class StartupProblem(Exception):
    """Why ticketd cannot start, in one line, and the exit code to end with."""

    def __init__(self, code: int, text: str):
        super().__init__(text)
        self.code, self.text = code, text


def folders(config: Config) -> list[tuple[str, Path]]:
    """(config key, folder) for every folder ticketd writes to."""
    out = []
    for key, url in (("daemon.database", config.database_url),
                     ("daemon.spool", config.spool_url)):
        if url.startswith("sqlite:///") and not url.endswith(":memory:"):
            out.append((key, Path(url[len("sqlite:///"):]).parent))
    if config.outbound.directory:
        out.append(("outbound.directory", config.resolve(config.outbound.directory)))
    for m in config.imap:  # a rotated refresh token is written beside the old one
        if m.oauth2_refresh_token_file:
            out.append((f"imap {m.name}: oauth2_refresh_token_file",
                        config.resolve(m.oauth2_refresh_token_file).parent))
    return out


def folder_problems(config: Config) -> list[StartupProblem]:
    found = []
    for key, folder in folders(config):
        why = unwritable(folder)
        if why:
            found.append(StartupProblem(EX_CANTCREAT, f"{key}: {folder}: {why}"))
    return found


def unwritable(folder: Path) -> str | None:
    """Why this user cannot write in `folder` (or create it), or None when it can."""
    if folder.is_dir():
        try:  # a real write: access() does not know about read-only mounts for every case
            fd, probe = tempfile.mkstemp(prefix=".ticketd-probe-", dir=folder)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            return f"cannot write there ({exc.strerror})"
        return None
    if folder.exists():
        return "is not a folder"
    parent = folder.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        return f"cannot be created: {parent} is not a folder"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"cannot be created: {parent} is not writable by this user"
    return None
