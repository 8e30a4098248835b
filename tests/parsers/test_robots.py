"""§2, §21, §27, §30: machines recognised by their headers; bounces name what bounced."""

from __future__ import annotations

from mailbuild import raw_mail

from parsers.message import parse_message

HEAD = "From: Dana <dana@customer.example>\nTo: support@example.com\nMessage-ID: <r@x>\n"


def robot(extra: str, subject: str = "Hello") -> tuple[str | None, str]:
    msg = parse_message(raw_mail(HEAD + f"Subject: {subject}\n" + extra))
    return msg.robot.kind, msg.robot.reason


def test_user_pain_02_auto_replies_are_recognised_by_every_usual_sign():
    assert robot("Auto-Submitted: auto-replied\n")[0] == "auto_reply"
    assert robot("Auto-Submitted: auto-generated\n")[0] == "auto_reply"
    assert robot("X-Autoreply: yes\n")[0] == "auto_reply"
    assert robot("X-Autorespond: yes\n")[0] == "auto_reply"
    assert robot("Precedence: bulk\n")[0] == "bulk"
    assert robot("Precedence: junk\n")[0] == "bulk"
    assert robot("Precedence: list\n")[0] == "list"
    assert robot("List-Id: <users.lists.example>\n")[0] == "list"
    assert robot("", "Automatic reply: Re: [Ticket #42] Printer")[0] == "auto_reply"
    assert robot("", "Out of Office: Printer")[0] == "auto_reply"
    assert robot("", "Abwesenheitsnotiz: Drucker")[0] == "auto_reply"
    assert robot("Return-Path: <>\n")[0] == "auto_reply"


def test_user_pain_02_outlook_x_auto_response_suppress_is_a_person():
    assert robot("X-Auto-Response-Suppress: All\nX-MS-Has-Attach: yes\n") == (None, "")
    assert robot("Auto-Submitted: no\n") == (None, "")


def test_user_pain_30_other_helpdesk_loops_are_stopped_by_hop_count_and_our_header():
    received = "".join(f"Received: from hop{i}.example by hop{i + 1}.example\n"
                       for i in range(30))
    assert robot(received)[0] == "loop"
    assert robot("Received: from a by b\n" * 5) == (None, "")
    assert robot("X-Ticketd-Ticket: 42\n")[0] == "loop"


DSN = """From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>
To: support@example.com
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn1@mx.customer.example>
Return-Path: <>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

This is the mail system. Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.customer.example

Final-Recipient: rfc822; gone@customer.example
Original-Recipient: rfc822;gone@customer.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <gone@customer.example>: Recipient address rejected

--B
Content-Type: {returned}

From: Example Support <support@example.com>
To: gone@customer.example
Subject: [Ticket #7] Printer
Message-ID: <ticketd.abc123@example.com>

--B--
"""


def test_user_pain_21_dsn_names_the_returned_message_id_and_failed_recipient():
    for returned in ("text/rfc822-headers", "message/rfc822"):
        msg = parse_message(raw_mail(DSN.replace("{returned}", returned)))
        assert msg.robot.is_bounce
        assert msg.bounce.message_ids == ("ticketd.abc123@example.com",)
        assert msg.bounce.recipients == ("gone@customer.example",)
        assert msg.bounce.status == "5.1.1" and msg.bounce.permanent
        assert "5.1.1" in msg.bounce.summary()


def test_user_pain_21_plain_text_bounce_found_by_message_id_line():
    raw = raw_mail("From: MAILER-DAEMON@old.example\nTo: support@example.com\n"
                   "Subject: failure notice\nX-Failed-Recipients: gone@old.example\n",
                   "Hi. This is the qmail-send program.\n\n--- Below this line is a copy.\n\n"
                   "Message-ID: <ticketd.feed@example.com>\nSubject: [Ticket #9] x\n")
    msg = parse_message(raw)
    assert msg.bounce.message_ids == ("ticketd.feed@example.com",)
    assert msg.bounce.recipients == ("gone@old.example",)


def test_user_pain_27_spam_flags():
    def spam(extra):
        return parse_message(raw_mail(HEAD + "Subject: x\n" + extra)).is_spam

    assert spam("X-Spam-Flag: YES\n")
    assert spam("X-Spam-Status: Yes, score=9.1 required=5.0\n")
    assert not spam("X-Spam-Status: No, score=0.1\n")
    assert not spam("X-Spam-Flag: NO\n")
