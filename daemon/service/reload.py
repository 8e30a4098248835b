"""What a reload (SIGHUP) can apply at once, and what only a restart changes. Pure.

The listener is rebuilt when its settings change (address, protocol, limits,
accepted recipients); the worker, sender and housekeeper re-read the config
themselves. The rest is named in one log line as needing a restart.
"""

from __future__ import annotations

from daemon.config import Config, SmtpConfig

# (what the admin reads, how to get it from a config)
NEED_RESTART = (
    ("daemon.database", lambda c: c.database_url),
    ("daemon.spool", lambda c: c.spool_url),
    ("daemon.workers", lambda c: c.daemon.workers),
    ("daemon.log_level", lambda c: c.daemon.log_level),
    ("daemon.log_format", lambda c: c.daemon.log_format),
    ("[[imap]]", lambda c: c.imap),
    ("metrics.listen", lambda c: c.metrics.listen),
)


def listener_changed(old: SmtpConfig, new: SmtpConfig) -> bool:
    return old != new


def same_address(old: SmtpConfig, new: SmtpConfig) -> bool:
    return old.enabled and new.enabled and old.listen == new.listen


def restart_needed(old: Config, new: Config) -> list[str]:
    """The settings that changed but take effect only after a restart."""
    return [name for name, get in NEED_RESTART if get(old) != get(new)]
