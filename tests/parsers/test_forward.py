"""The author of a forwarded mail, from the forwarded block's From line."""

from __future__ import annotations

from parsers.forward import forwarded_sender


def test_gmail_forward():
    text = ("See below.\n\n---------- Forwarded message ---------\n"
            "From: Dana Customer <dana@customer.example>\nDate: Mon, 2 Mar 2026 at 10:00\n"
            "Subject: Printer\nTo: <alice@example.com>\n\nMy printer is on fire.\n")
    assert forwarded_sender(text) == ("Dana Customer", "dana@customer.example")


def test_outlook_german_forward():
    text = ("FYI\n\nVon: Dana Kunde <dana@customer.example>\nGesendet: Montag, 2. März 2026\n"
            "An: Alice\nBetreff: Drucker\n\nDer Drucker brennt.\n")
    assert forwarded_sender(text) == ("Dana Kunde", "dana@customer.example")


def test_html_converted_outlook_forward():
    text = ("FYI\n\n* * *\n\n**From:** Dana [dana@customer.example](mailto:dana@customer.example)"
            "\n**Sent:** Monday\n**To:** Alice\n\nhi\n")
    assert forwarded_sender(text)[1] == "dana@customer.example"


def test_no_forward():
    assert forwarded_sender("Hello\nFrom: the desk of Dana\n\nbye") is None


def test_attached_message():
    from parsers.forward import attached_sender

    raw = b"From: =?utf-8?q?Dana_K=C3=BCnde?= <dana@customer.example>\nSubject: x\n\nhi\n"
    assert attached_sender(raw) == ("Dana K\u00fcnde", "dana@customer.example")
    assert attached_sender(b"Subject: no from\n\nhi\n") is None
