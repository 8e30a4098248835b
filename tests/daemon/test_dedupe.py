"""The spool's dedupe key (issue 12 point 7): identical deliveries share it, whatever trace
headers the MTAs on the way put on top; different mails with one Message-ID do not."""

from __future__ import annotations

from daemon.store.dedupe import dedupe_key, without_trace

MAIL = b"From: a@b.example\r\nMessage-ID: <same@b.example>\r\nSubject: Hi\r\n\r\nHello\r\n"


def test_trace_headers_on_top_do_not_change_the_key():
    via_mx1 = (b"Return-Path: <a@b.example>\r\nReceived: from mx1 (mx1 [192.0.2.1])\r\n"
               b"\tby us; Mon, 1 Jan 2026 10:00:00 +0000\r\nDelivered-To: support@x\r\n" + MAIL)
    via_mx2 = b"Received: from mx2\r\n by us; Mon, 1 Jan 2026 10:00:05 +0000\r\n" + MAIL
    assert dedupe_key(via_mx1) == dedupe_key(via_mx2) == dedupe_key(MAIL)
    assert without_trace(via_mx1) == MAIL


def test_different_mails_with_one_message_id_have_different_keys():
    other = MAIL.replace(b"Hello", b"Something else")
    assert dedupe_key(other) != dedupe_key(MAIL)


def test_a_received_header_below_the_top_is_content():
    inside = MAIL.replace(b"Subject: Hi\r\n", b"Subject: Hi\r\nReceived: later\r\n")
    assert dedupe_key(inside) != dedupe_key(MAIL)
