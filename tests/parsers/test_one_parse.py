"""Issue 8, "Cheap hot path": one MIME parse per mail; mail-parser only where it helps.

A clean mail is read by the stdlib parser and our walk alone and carries no
defects. A mail the stdlib finds broken also gets mail-parser's diagnosis
(which header is broken) and the text mail-parser recovers from a misplaced
closing boundary.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mailbuild import raw_mail

from parsers.message import parse_message

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.corpus import new_ticket_mails  # noqa: E402

HEAD = ("From: Dana <dana@customer.example>\nSubject: broken\nMIME-Version: 1.0\n"
        "Date: Mon, 06 Jan 2025 10:00:00 +0000\nMessage-ID: <b@customer.example>\n")


def test_clean_mail_is_read_whole_with_no_defects():
    raw = new_ticket_mails(1)[0].raw
    msg = parse_message(raw)
    assert msg.defects == ()
    assert msg.subject.startswith("Problem with") and msg.from_addr.startswith("customer0@")
    assert msg.visible_text.startswith("Hello support,")
    assert "-- \n" not in msg.visible_text  # the signature is cut


def test_broken_mime_gets_mail_parser_s_diagnosis_of_the_headers():
    raw = raw_mail(HEAD + "To: Support <support@example.com\n"
                   'Content-Type: multipart/mixed; boundary="B"\n',
                   "The boundary never came.\r\n")
    msg = parse_message(raw)
    assert msg.text.strip() == "The boundary never came."
    assert "StartBoundaryNotFoundDefect" in msg.defects
    assert any(d.startswith("AddressHeaderDefect: to[0]") for d in msg.defects)


def test_part_after_a_misplaced_closing_boundary_is_recovered_by_mail_parser():
    raw = raw_mail(HEAD + "To: support@example.com\n"
                   'Content-Type: multipart/mixed; boundary="B"\n',
                   '--B\r\nContent-Type: multipart/alternative; boundary="C"\r\n\r\n--B--\r\n'
                   "--B\r\nContent-Type: text/plain\r\n\r\nThe printer is on fire.\r\n--B--\r\n")
    msg = parse_message(raw)
    assert msg.text.strip() == "The printer is on fire."
    assert "text recovered by mail-parser from a broken MIME structure" in msg.defects
