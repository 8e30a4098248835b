"""What a reload (SIGHUP) cannot apply: the settings the listener, the mailboxes and the
process family took at start. The README lists the same; a test keeps them together."""

from __future__ import annotations

from daemon.config import Config

# Everything else (rules, queues, staff, templates, [tickets], [outbound], fields, SLA,
# calendar, retention...) applies on reload: each child builds its work anew from the file.
RESTART_ONLY = (
    "daemon.database", "daemon.spool", "daemon.workers", "daemon.log_level",
    "daemon.lock_timeout_seconds", "daemon.hang_seconds", "daemon.restart_limit",
    "smtp", "imap", "limits.worker_memory_mb",
)


def _value(config: Config, key: str):
    value = config
    for part in key.split("."):
        value = getattr(value, part)
    return value


def needs_restart(old: Config, new: Config) -> list[str]:
    """The restart-only settings that differ between the running config and the new one."""
    return [key for key in RESTART_ONLY if _value(old, key) != _value(new, key)]
