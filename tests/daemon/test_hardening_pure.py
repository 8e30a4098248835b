"""Issue 12: the pure pieces behind the end-to-end tests (tests/e2e/test_hardening_*.py)."""

from __future__ import annotations

import os
import stat

from daemon.notices.compose import one_line
from daemon.notices.outbox import excerpt
from daemon.staff.tokens import StaffTokens, load_secret, ticket_of_extension
from daemon.worker.apply import rate_key
from parsers.addresses import display_name, strip_controls


def test_point_2_the_key_is_made_once_private_and_shared(tmp_path):
    path = tmp_path / "state" / "ticketd.secret"
    assert load_secret(path, create=False) is None
    first = load_secret(path, create=True)
    assert first and load_secret(path, create=True) == first
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    tokens = StaffTokens(True, first)
    addr = tokens.reply_address("support@example.com", "Alice@Example.com", 42)
    assert ticket_of_extension(addr.split("+")[1].split("@")[0]) == 42
    assert tokens.vouches("alice@example.com", 42, [addr.upper()],
                          frozenset({"support@example.com"}))


def test_point_4_rate_key_and_excerpt():
    assert rate_key("Victim+17@Example.com") == "victim@example.com"
    short = excerpt("word " * 1000)
    assert len(short) < 520 and short.endswith("[...]\n")
    assert excerpt(" " * 600).endswith("[...]\n")
    assert excerpt("short") == "short"


def test_point_8_names_and_control_characters():
    assert display_name('alice@example.com') == ""
    assert display_name("alice\uff20example.com") == ""
    assert display_name("Dana \x1b[31mRed\x1b[0m") == "Dana [31mRed[0m"
    assert strip_controls("a\x1b]0;x\x07b\x9b\u202ec\nd") == "a]0;xbc\nd"
    assert one_line("Printer \x1b[2J on\r\n fire") == "Printer [2J on fire"
