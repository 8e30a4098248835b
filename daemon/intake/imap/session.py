"""One logged-in IMAP connection: what to fetch, fetching, the `after` action, waiting.

Only protocol here; what is committed, and when, is decided by the poller.
All commands use UIDs, so a message expunged by someone else mid-loop can't
shift the others (user-pain §4, osTicket's sequence-number bug).
"""

from __future__ import annotations

import logging
import re
import threading
import time

from imapclient import DELETED, SEEN, IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

from daemon.config import ImapConfig
from daemon.intake.imap.state import Cursor

log = logging.getLogger("ticketd.imap")

BODY = b"BODY[]"
IDLE_CHECK_SECONDS = 1.0  # how often IDLE looks at the stop flag
NEWS_LINE = re.compile(rb"^\* \d+ (?:EXISTS|RECENT)\r?$", re.MULTILINE)


class ConnectionLost(Exception):
    pass


class FetchFailed(Exception):
    """The server refused to FETCH a message (not a lost connection)."""

    def __init__(self, uid: int | None, reason: str):
        what = f"UID {uid}" if uid is not None else "a batch"
        super().__init__(f"the server cannot FETCH {what}: {reason}")
        self.uid = uid


class Session:
    def __init__(self, client: IMAPClient, cfg: ImapConfig):
        self.client, self.cfg = client, cfg
        self.uidvalidity = 0
        self.uidnext = 0
        self.told_no_uidplus = False

    def select(self) -> None:
        info = self.client.select_folder(self.cfg.folder)
        self._pending_news()  # SELECT's own EXISTS and RECENT are not news
        self.uidvalidity = int(info[b"UIDVALIDITY"])
        self.uidnext = int(info.get(b"UIDNEXT") or 0)
        target = self.move_target
        if target and not self.client.folder_exists(target):
            self.client.create_folder(target)
            log.info("imap %s: created folder %r for handled mail", self.cfg.name, target)

    @property
    def move_target(self) -> str | None:
        return self.cfg.after[5:] if self.cfg.after.startswith("move:") else None

    def seen_up_to(self) -> int:
        """On a first start that skips read mail: the highest UID present now."""
        if self.uidnext:
            return self.uidnext - 1
        return max(self.client.search(["ALL"]) or [0])

    def new_uids(self, cursor: Cursor) -> list[int]:
        """UIDs after last_uid; within the first pass only those not yet \\Seen."""
        lo = cursor.last_uid + 1
        found: set[int] = set()
        if cursor.first_pass_until >= lo:
            found.update(self.client.search(["UID", f"{lo}:{cursor.first_pass_until}",
                                             "UNSEEN"]))
            lo = cursor.first_pass_until + 1
        # "n:*" always has a hit, the highest UID, even below n: it may be read mail of the
        # first pass, so only what is really from lo on counts
        found.update(u for u in self.client.search(["UID", f"{lo}:*"]) if u >= lo)
        return sorted(u for u in found if u >= cursor.last_uid + 1)

    def fetch(self, uids: list[int]) -> dict[int, bytes]:
        """Raw bytes by UID, without setting \\Seen. UIDs gone meanwhile are left out."""
        try:
            data = self.client.fetch(uids, ["BODY.PEEK[]"])
        except IMAPClientAbortError:
            raise
        except IMAPClientError as exc:  # a NO: the connection is still usable
            raise FetchFailed(uids[0] if len(uids) == 1 else None, describe_text(exc)) from None
        return {uid: bytes(v[BODY]) for uid, v in data.items() if v.get(BODY) is not None}

    def sizes(self, uids: list[int]) -> dict[int, int]:
        """RFC822.SIZE by UID: cheap, lets a batch be cut before it gets too big."""
        data = self.client.fetch(uids, ["RFC822.SIZE"])
        return {uid: int(v.get(b"RFC822.SIZE") or 0) for uid, v in data.items()}

    def after(self, uids: list[int]) -> None:
        """Flag, move or delete handled messages; all idempotent, so safe to repeat.

        Only our own messages are ever expunged: MOVE, or UID EXPUNGE (UIDPLUS). A plain
        EXPUNGE would also remove every message another client has marked \\Deleted and
        not yet expunged, so without UIDPLUS ours stay flagged \\Deleted (hidden by most
        clients) for the next client or server-side expunge to remove.
        """
        if not uids:
            return
        c, target = self.client, self.move_target
        if self.cfg.after == "seen":
            c.add_flags(uids, [SEEN], silent=True)
        elif target and c.has_capability("MOVE"):
            c.move(uids, target)
        else:
            if target:
                c.copy(uids, target)
            c.add_flags(uids, [DELETED], silent=True)
            if c.has_capability("UIDPLUS"):
                c.uid_expunge(uids)
            elif not self.told_no_uidplus:
                self.told_no_uidplus = True
                log.info("imap %s: the server has no UIDPLUS%s: handled mail stays flagged "
                         "\\Deleted in %r, since a plain EXPUNGE would also remove what other "
                         "clients marked deleted", self.cfg.name,
                         "" if not target else " nor MOVE", self.cfg.folder)

    def uids_between(self, lo: int, hi: int) -> list[int]:
        return [u for u in self.client.search(["UID", f"{lo}:{hi}"]) if lo <= u <= hi]

    def unseen_between(self, lo: int, hi: int) -> list[int]:
        if hi < lo:
            return []
        return [u for u in self.client.search(["UID", f"{lo}:{hi}", "UNSEEN"]) if lo <= u <= hi]

    # --- waiting for mail -------------------------------------------------------

    def can_idle(self) -> bool:
        return self.cfg.idle and self.client.has_capability("IDLE")

    def idle(self, stopping: threading.Event, at_most: float | None = None) -> bool:
        """IDLE until new mail, the renewal time (or `at_most` seconds: an access token
        falls due), or stop; True when mail arrived."""
        self.client.idle()
        deadline = time.monotonic() + _within(self.cfg.idle_renew_seconds, at_most)
        arrived = self._pending_news() or self._news_read_with_idle()
        while not stopping.is_set() and not arrived and time.monotonic() < deadline:
            started = time.monotonic()
            responses = self.client.idle_check(timeout=IDLE_CHECK_SECONDS)
            if any(_is_bye(r) for r in responses):
                raise ConnectionLost("the server said BYE during IDLE")
            if not responses and time.monotonic() - started < IDLE_CHECK_SECONDS / 2:
                # imapclient swallows EOF in idle_check: an early empty answer is a closed socket
                raise ConnectionLost("the server closed the connection during IDLE")
            arrived = any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses)
        self.client.idle_done()
        self._pending_news()  # what idle_done filed away: the drain that follows sees it
        return arrived

    def _pending_news(self) -> bool:
        """Mail that arrived between our last SEARCH and IDLE may be announced as an untagged
        EXISTS on an earlier answer; imaplib files those away where idle_check never looks,
        and the mail would wait for the next renewal. Consume them: at worst one needless
        drain."""
        pending = getattr(getattr(self.client, "_imap", None), "untagged_responses", None)
        if not isinstance(pending, dict):
            return False
        found = [pending.pop(name, None) for name in ("EXISTS", "RECENT")]
        return any(found)

    def _news_read_with_idle(self) -> bool:
        """Or the server sends "+ idling" and that EXISTS in one packet (Dovecot does):
        imaplib has read both into its buffer, where the poll() inside idle_check cannot
        see the second line. Peek at the buffer without blocking."""
        reader = getattr(getattr(self.client, "_imap", None), "file", None)
        if not hasattr(reader, "peek"):
            return False
        sock = self.client.socket()
        timeout = sock.gettimeout()
        sock.settimeout(0)
        try:
            buffered = reader.peek(0)  # reads the socket only when the buffer is empty
        except (OSError, ValueError):  # nothing there (a TLS socket says so by raising)
            return False
        finally:
            sock.settimeout(timeout)
        return bool(NEWS_LINE.search(buffered or b""))

    def poll_wait(self, stopping: threading.Event, at_most: float | None = None) -> None:
        stopping.wait(_within(self.cfg.poll_seconds, at_most))

    def close(self) -> None:
        try:
            self.client.logout()
        except Exception:  # the connection may be dead already; nothing to save
            try:
                self.client.shutdown()
            except Exception:
                pass


def refused_fetch(exc: BaseException) -> bool:
    """Did the server end the connection because a FETCH failed on its side (Dovecot sends
    BYE once part of the answer is out), rather than the network failing?"""
    text = str(exc)
    return "FETCH" in text and not any(w in text.lower() for w in ("socket", "eof", "timed out"))


def describe_text(exc: BaseException) -> str:
    """An exception's text without imaplib's b'...' wrapping."""
    text = str(exc)
    return text[2:-1] if text[:2] in ("b'", 'b"') else text


def _is_bye(response) -> bool:
    return bool(response) and response[0] == b"BYE"


def _within(seconds: float, at_most: float | None) -> float:
    return seconds if at_most is None else max(1.0, min(seconds, at_most))
