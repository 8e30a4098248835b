"""Bad input is accepted and kept, never a crash or a silent drop; bad config exits 2."""

from __future__ import annotations

import pytest
from conftest import send, wait_for

BROKEN_BOUNDARY = b"""From: Dana <dana@customer.example>\r
To: support@example.com\r
Subject: Broken boundary\r
Message-ID: <broken@customer.example>\r
MIME-Version: 1.0\r
Content-Type: multipart/mixed; boundary="AAA"\r
\r
--AAA\r
Content-Type: text/plain\r
\r
The body before the boundary breaks.\r
--AA\r
Content-Type: application/octet-stream\r
\r
never closed"""

UNKNOWN_CHARSET = (b"From: dana@customer.example\r\nTo: support@example.com\r\n"
                   b"Subject: Unknown charset\r\nMessage-ID: <charset@customer.example>\r\n"
                   b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-klingon-9\r\n\r\n"
                   b"Caf\xe9 and na\xefve\r\n")

NUL_BYTES = (b"From: dana@customer.example\r\nTo: support@example.com\r\n"
             b"Subject: Nul\x00 bytes\r\nMessage-ID: <nul@customer.example>\r\n\r\n"
             b"before\x00after\r\n")

EIGHT_BIT_HEADERS = ("From: J\u00fcrgen M\u00fcller <juergen@customer.example>\r\n"
                     "To: support@example.com\r\n"
                     "Subject: Gr\u00fc\u00dfe aus K\u00f6ln\r\n"
                     "Message-ID: <8bit@customer.example>\r\n\r\n"
                     "Grüße\r\n").encode("utf-8")


@pytest.mark.parametrize("raw, subject, text", [
    (BROKEN_BOUNDARY, "Broken boundary", "The body before the boundary breaks."),
    (UNKNOWN_CHARSET, "Unknown charset", "Caf"),
    (NUL_BYTES, "Nul bytes", "beforeafter"),
    (EIGHT_BIT_HEADERS, "Grüße aus Köln", "Grüße"),
], ids=["broken-boundary", "unknown-charset", "nul-bytes", "8bit-headers"])
def test_malformed_mail_is_accepted_and_kept(daemon, raw, subject, text):
    assert send(daemon.port, raw, mail_from="dana@customer.example") == {}
    tickets = wait_for(daemon.tickets, what="a ticket")
    assert tickets[0]["subject"] == subject
    body = daemon.ticket(tickets[0]["id"])["messages"][0]["text"]
    assert text in body
    assert daemon.proc.poll() is None  # still running


def test_every_malformed_mail_in_one_burst_is_kept(daemon):
    for raw in (BROKEN_BOUNDARY, UNKNOWN_CHARSET, NUL_BYTES, EIGHT_BIT_HEADERS,
                b"\x00\x00 no headers at all \x00"):
        assert send(daemon.port, raw, mail_from="dana@customer.example") == {}
    wait_for(lambda: len(daemon.tickets()) == 4, what="four tickets")
    quarantined = wait_for(lambda: daemon.json("quarantine", "list"), what="the fifth kept")
    assert len(quarantined) == 1
    assert daemon.spool_sql("SELECT state, count(*) FROM spool GROUP BY state ORDER BY state") == [
        ("done", 4), ("quarantined", 1)]


@pytest.mark.parametrize("old, new, messages", [
    ('assign = "least_open"', 'assign = "lottery"',
     ["queues['billing'].assign: 'lottery' is not one of manual, round_robin, least_open"]),
    ('tag_prefix = "Ticket"', 'tag_prefix = 7\ncolour = "blue"',
     ["tickets.tag_prefix: must be a string", "tickets.colour: unknown key"]),
])
def test_bad_config_names_the_key_and_exits_2(daemon_factory, sink, old, new, messages):
    from conftest import config_text

    d = daemon_factory(config_text(sink.port).replace(old, new), start=False)
    for command in (["check-config"], ["run"]):
        r = d.cli(*command, check=False)
        assert r.returncode == 2
        err = r.stderr.decode()
        for message in messages:
            assert message in err
