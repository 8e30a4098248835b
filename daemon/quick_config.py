"""config.toml read with tomllib alone, for the quick paths: `ticketd ingest` (a process per
mail) and `tickets list` / `show` (typed often). Loading the config schema takes ~100 ms,
so these take the few settings they need themselves, and anything not plainly given sends
them the full way, whose loader says what is wrong. (Not in daemon/config/: importing that
package loads the schema.)"""

from __future__ import annotations

import os
import tomllib

from daemon.store.locations import DEFAULT_DATABASE, absolute, spool_url_for


def read(config_path: str) -> tuple[dict, str] | None:
    """The file's tables and its folder (paths in it are relative to that), or None."""
    path = os.path.realpath(config_path)  # as the loader's Path.resolve()
    try:
        with open(path, encoding="utf-8") as f:
            return tomllib.loads(f.read()), os.path.dirname(path)
    except (OSError, ValueError):  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
        return None


def stores(data: dict, folder: str) -> tuple[str, str, int] | None:
    """(the ticket store's URL, the spool's, the lock timeout in seconds), as Config
    gives them."""
    daemon = data.get("daemon", {})
    if not isinstance(daemon, dict):
        return None
    database, spool = daemon.get("database", DEFAULT_DATABASE), daemon.get("spool", "")
    timeout = daemon.get("lock_timeout_seconds", 30)
    if not (isinstance(database, str) and isinstance(spool, str)) or \
            type(timeout) is not int or timeout <= 0:
        return None
    database = absolute(database, folder)
    return database, spool_url_for(database, absolute(spool, folder)), timeout


def tables(data: dict, name: str) -> list[dict] | None:
    """An array of tables ([[staff]], [[queues]] ...); None when it is something else."""
    found = data.get(name, [])
    if isinstance(found, list) and all(isinstance(t, dict) for t in found):
        return found
    return None
