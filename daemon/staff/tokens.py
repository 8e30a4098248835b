"""Reply tokens: the second proof of a staff member, beside the From line.

Every notice to a staff member carries, in its Reply-To plus-address, an
HMAC of that member and ticket (`support+42.<token>@example.com`). Only that
member received it, so a reply that carries it came from someone who reads
their mail; a forged `From: alice@...` does not. The key is generated once
into the state directory (0600) by `ticketd run`; other commands only read it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from parsers.addresses import split_plus

log = logging.getLogger("ticketd.staff")

TOKEN_CHARS = 20  # hex digits: 80 bits
FORWARD = 0  # the "ticket" of a member's personal forwarding address
_EXTENSION = re.compile(rf"^(\d+|fwd)\.([0-9a-f]{{{TOKEN_CHARS}}})$")


def load_secret(path: Path, create: bool) -> bytes | None:
    """The key; with `create`, made on first use (atomically: two starts agree on one)."""
    try:
        return path.read_bytes().strip() or None
    except FileNotFoundError:
        if not create:
            return None
    except OSError as exc:
        log.warning("cannot read the reply-token key %s: %s", path, exc)
        return None
    try:
        _create(path)
    except OSError as exc:
        log.error("cannot create the reply-token key %s: %s", path, exc)
        return None
    log.info("reply-token key created in %s", path)
    return path.read_bytes().strip()


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(secrets.token_hex(32).encode() + b"\n")
        f.flush()
        os.fsync(f.fileno())
    try:
        os.link(tmp, path)  # fails if another process made it first: theirs wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def ticket_of_extension(extension: str | None) -> int | None:
    """`42.<token>` -> 42 (the plus-address rung of threading)."""
    m = _EXTENSION.match(extension or "")
    return int(m.group(1)) if m and m.group(1) != "fwd" else None


@dataclass(frozen=True)
class StaffTokens:
    enabled: bool  # `[security] staff_reply_token`
    secret: bytes | None  # None: off, or the key cannot be read (then nothing vouches)

    @property
    def usable(self) -> bool:
        return self.secret is not None

    def token(self, member: str, ticket_id: int) -> str:
        assert self.secret is not None
        data = f"{member.lower()}\0{int(ticket_id)}".encode()
        return hmac.new(self.secret, data, hashlib.sha256).hexdigest()[:TOKEN_CHARS]

    def reply_address(self, support: str, member: str, ticket_id: int) -> str:
        """Where `member` answers about `ticket_id` (FORWARD: their forwarding address)."""
        local, _, domain = support.partition("@")
        what = "fwd" if ticket_id == FORWARD else str(int(ticket_id))
        return f"{local.partition('+')[0]}+{what}.{self.token(member, ticket_id)}@{domain}"

    def vouches(self, member: str, ticket_id: int, addresses, own: frozenset[str]) -> bool:
        """Does one of the addresses the mail went to carry member's token for the ticket?"""
        if self.secret is None or not member:
            return False
        want = self.token(member, ticket_id)
        for addr in addresses:
            base, extension = split_plus((addr or "").lower())
            m = _EXTENSION.match(extension or "")
            if not m or base not in own:
                continue
            named = FORWARD if m.group(1) == "fwd" else int(m.group(1))
            if named == ticket_id and hmac.compare_digest(m.group(2), want):
                return True
        return False


OFF = StaffTokens(False, None)


def staff_tokens(config, create: bool = False) -> StaffTokens:
    """From the config: OFF when `[security] staff_reply_token` is false."""
    if not config.security.staff_reply_token:
        return OFF
    return StaffTokens(True, load_secret(config.resolve(config.security.secret_file), create))
