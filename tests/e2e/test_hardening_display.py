"""Issue 12, point 8: names that pose as addresses, terminal escapes, and file modes."""

from __future__ import annotations

import os
import stat

from conftest import config_text, make_mail, send, wait_for
from staffmail import body, mail_to

ESCAPES = "\x1b]0;owned\x07\x1b[2J\x9b31m\u202e"


def test_point_8_a_display_name_cannot_pass_for_an_address(daemon, sink):
    daemon.send(make_mail(frm='"alice@example.com" <evil@evil.example>',
                          cc='"ceo@example.com" <helper@evil.example>'))
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    notice = mail_to(sink, ticket["assignee"], f"[Ticket #{ticket['id']}]")[0]
    shown = next(ln for ln in body(notice).splitlines() if ln.startswith("From:"))
    assert "evil@evil.example" in shown and "alice@example.com" not in shown
    ack = mail_to(sink, "evil@evil.example", "[Ticket #")[0]
    assert "alice@example.com" not in body(ack)
    assert "ceo@example.com" not in daemon.cli("tickets", "show", str(ticket["id"])
                                               ).stdout.decode()


def test_point_8_control_characters_leave_no_subject_we_send_nor_the_cli(daemon, sink):
    raw = ("From: Dana Customer <dana@customer.example>\r\nTo: support@example.com\r\n"
           f"Subject: Printer {ESCAPES} on fire\r\nMessage-ID: <esc-1@customer.example>\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\nIt burns.\r\n").encode()
    send(daemon.port, raw, mail_from="dana@customer.example")
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    ack = mail_to(sink, "dana@customer.example", "[Ticket #")[0]
    subject = ack["Subject"]
    assert "Printer" in subject and "on fire" in subject
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in subject
    for args in (("tickets", "list"), ("tickets", "show", str(ticket["id"]))):
        out = daemon.cli(*args).stdout.decode()
        assert "Printer" in out
        for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert bad not in out, args


def test_point_8_files_are_private_whatever_the_umask(daemon_factory, sink):
    old = os.umask(0)
    try:
        daemon = daemon_factory(config_text(directory="outbox"))
    finally:
        os.umask(old)
    daemon.send(make_mail())
    wait_for(lambda: list((daemon.folder / "outbox").glob("*.eml")), what="a notice written")
    files = [daemon.folder / "ticketd.secret", *(daemon.folder / "outbox").glob("*.eml"),
             *daemon.folder.glob("*.db"), *daemon.folder.glob("*.db-wal")]  # SQLite's
    assert len(files) >= 2
    for f in files:
        mode = stat.S_IMODE(f.stat().st_mode)
        assert mode & 0o027 == 0, f"{f.name}: {oct(mode)}"
