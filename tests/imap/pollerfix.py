"""An in-process Poller against the Dovecot fixture, with a client factory as the seam.

The factory returns real IMAPClient connections; `RecordingClient` only notes
which commands it sent, and `fault` lets a test break the real connection at
a chosen command (the server is never faked here).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from imapclient import IMAPClient
from imapfix import config_text, imap_section

from daemon.config import load_config
from daemon.intake.imap.poller import Poller
from daemon.store.db import open_spool


class RecordingClient(IMAPClient):
    def __init__(self, *args, calls: list, faults: dict, **kw):
        super().__init__(*args, **kw)
        self.calls, self.faults = calls, faults

    def _maybe_fail(self, name: str) -> None:
        hook = self.faults.pop(name, None)
        if hook is not None:
            hook(self)

    def fetch(self, messages, data, modifiers=None):
        if "RFC822.SIZE" in data:
            self.calls.append(("size", list(messages)))
            return super().fetch(messages, data, modifiers)
        self.calls.append(("fetch", list(messages)))
        self._maybe_fail("fetch")
        return super().fetch(messages, data, modifiers)

    def add_flags(self, messages, flags, silent=False):
        self.calls.append(("store", list(messages)))
        self._maybe_fail("store")
        return super().add_flags(messages, flags, silent)

    def idle(self):
        self.calls.append(("idle",))
        return super().idle()


class PollerRig:
    """A Poller thread plus the database it writes, for one test."""

    def __init__(self, dovecot, folder: Path, db=None, **options):
        self.folder = folder
        self.config_path = folder / "config.toml"
        self.config_path.write_text(config_text(
            directory="outbox", extra=imap_section(dovecot, folder, **options)))
        self.config = load_config(self.config_path)
        # models bind to one database object per process: a second rig shares the first's
        self.db = db or open_spool(self.config.spool_url, create=True)
        self.calls: list = []
        self.faults: dict = {}
        self.stopping = threading.Event()
        self.woken = threading.Event()
        cfg = self.config.imap[0]

        def factory(c):
            return RecordingClient(c.host, port=c.port, ssl=False, timeout=c.timeout_seconds,
                                   calls=self.calls, faults=self.faults)

        self.poller = Poller(self.config, cfg, self.db, self.stopping, self.woken.set, factory)

    def start(self) -> PollerRig:
        self.poller.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.poller.thread.join(30)
        assert not self.poller.thread.is_alive()

    def spool_keys(self) -> list[str]:
        con = sqlite3.connect(self.folder / "ticketd-spool.db", timeout=30)
        try:
            return [k for (k,) in con.execute("SELECT message_id FROM spool WHERE "
                                              "outcome IS NOT 'duplicate' ORDER BY id")]
        finally:
            con.close()

    def fetched_uids(self) -> list[int]:
        return [u for c in self.calls if c[0] == "fetch" for u in c[1]]

    def count(self, name: str) -> int:
        return sum(1 for c in self.calls if c[0] == name)
