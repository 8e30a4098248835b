"""What a reload (SIGHUP) can apply at once, and what only a restart changes. Pure.

The listener is rebuilt when its settings change (address, protocol, limits,
accepted recipients); the worker, sender and housekeeper re-read the config
themselves. The rest is named in one log line as needing a restart.
"""

from __future__ import annotations

from daemon.config import Config, SmtpConfig

# (what the admin reads, how to get it from a config); the README lists the same names
# (a test keeps them together). Everything else applies on reload: each child builds its
# work anew from the file, and the supervisor rebuilds the listener.
NEED_RESTART = (
    ("daemon.database", lambda c: c.database_url),
    ("daemon.spool", lambda c: c.spool_url),
    ("daemon.workers", lambda c: c.daemon.workers),
    ("daemon.log_level", lambda c: c.daemon.log_level),
    ("daemon.log_format", lambda c: c.daemon.log_format),
    ("daemon.lock_timeout_seconds", lambda c: c.daemon.lock_timeout_seconds),
    ("daemon.hang_seconds", lambda c: c.daemon.hang_seconds),
    ("daemon.restart_limit", lambda c: c.daemon.restart_limit),
    ("imap", lambda c: c.imap),
    ("metrics.listen", lambda c: c.metrics.listen),
    ("limits.worker_memory_mb", lambda c: c.limits.worker_memory_mb),
)
RESTART_ONLY = tuple(name for name, _ in NEED_RESTART)


def listener_changed(old: SmtpConfig, new: SmtpConfig) -> bool:
    return old != new


def same_address(old: SmtpConfig, new: SmtpConfig) -> bool:
    return old.enabled and new.enabled and old.listen == new.listen


def restart_needed(old: Config, new: Config) -> list[str]:
    """The settings that changed but take effect only after a restart."""
    return [name for name, get in NEED_RESTART if get(old) != get(new)]
