"""Issue 12, points 1 and 9-14: real-world mail that went wrong, one test per point.

Each test failed on the parsers of 3c1c3e9 and passes now.
"""

from __future__ import annotations

import base64

import pytest
from mailbuild import b64, encoded_word, raw_mail

from parsers.authres import dmarc_failure, verify_sender
from parsers.message import parse_message

MX = "mx.example.com"
HEAD = "From: Dana <dana@customer.example>\nTo: support@example.com\nMessage-ID: <rw@x>\n"


# Point 1: our MTA's own header fails closed.

BROKEN_BY_SENDER = {
    "HELO address literal": "spf=pass smtp.helo=[192.0.2.1]",
    "UTF-8 envelope sender": "spf=pass smtp.mailfrom=jürgen@customer.example",
    "parenthesis in the address": "spf=pass smtp.mailfrom=a(b@evil.example",
}


@pytest.mark.parametrize("breaker", BROKEN_BY_SENDER.values(), ids=BROKEN_BY_SENDER.keys())
def test_point01_unreadable_trusted_header_is_no_pass_and_the_forged_one_below_is_ignored(
        breaker):
    ours = f"{MX}; {breaker}; dkim=none; dmarc=fail header.from=example.com"
    forged = f"{MX}; dkim=pass header.d=example.com; dmarc=pass header.from=example.com"
    verdict = verify_sender((ours, forged), MX, "alice@example.com")
    assert not verdict.passed
    assert dmarc_failure((ours, forged), MX, "alice@example.com")  # its dmarc=fail still holds


def test_point01_unreadable_header_read_from_the_raw_mail_is_no_pass():
    raw = ("Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=jürgen@x.example;"
           "\n dmarc=fail header.from=example.com\n"
           "Authentication-Results: mx.example.com; dmarc=pass header.from=example.com\n"
           "From: Alice <alice@example.com>\nTo: support@example.com\nSubject: #status open\n")
    msg = parse_message(raw_mail(raw))
    assert not verify_sender(msg.authentication_results, MX, msg.from_addr).passed


def test_point01_dmarc_pass_without_header_from_names_no_domain():
    assert not verify_sender((f"{MX}; dmarc=pass",), MX, "alice@example.com").passed
    assert verify_sender((f"{MX}; dmarc=pass header.from=example.com",), MX,
                         "alice@example.com").passed


# Point 9: 8-bit parameters.

EIGHT_BIT_PARTS = {
    "filename": 'Content-Type: application/pdf\r\nContent-Disposition: attachment; '
                'filename="Prüfung.pdf"',
    "name": 'Content-Type: application/pdf; name="Prüfung.pdf"',
    "filename*": "Content-Type: application/pdf\r\nContent-Disposition: attachment; "
                 'filename*="Prüfung.pdf"',
    "continued": "Content-Type: application/pdf\r\nContent-Disposition: attachment; "
                 'filename*0="Prü"; filename*1="fung.pdf"',
}


@pytest.mark.parametrize("headers", EIGHT_BIT_PARTS.values(), ids=EIGHT_BIT_PARTS.keys())
def test_point09_8bit_filename_does_not_quarantine(headers):
    body = ("--B\r\nContent-Type: text/plain\r\n\r\nScan attached.\r\n--B\r\n" + headers
            + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(b"%PDF-1.4") + "\r\n--B--\r\n")
    msg = parse_message(raw_mail(HEAD + "Subject: scan\nMIME-Version: 1.0\n"
                                 "Content-Type: multipart/mixed; boundary=B\n", body))
    assert msg.text.strip() == "Scan attached."
    assert [(a.filename, a.data) for a in msg.attachments] == [("Prüfung.pdf", b"%PDF-1.4")]


# Point 10: a header line without its leading white space.

def test_point10_broken_folded_line_does_not_end_the_header_block():
    raw = raw_mail("Received: from mx.customer.example\nby mail.example.com with ESMTP\n"
                   "From: Dana <dana@customer.example>\nSubject: Printer on fire\n"
                   "To: support@example.com\nMIME-Version: 1.0\n"
                   "Content-Type: text/html; charset=utf-8\n",
                   "<p>It is <b>burning</b>.</p>")
    msg = parse_message(raw)
    assert msg.from_addr == "dana@customer.example"
    assert msg.subject == "Printer on fire"
    assert msg.text == "It is burning."
    assert any("read as folded" in d for d in msg.defects)


def test_point10_space_before_the_colon_keeps_the_header():
    raw = raw_mail("From: Dana <dana@customer.example>\nSubject : Printer\n"
                   "To: support@example.com\nContent-Type: text/plain\n")
    msg = parse_message(raw)
    assert msg.subject == "Printer"
    assert msg.to == (("", "support@example.com"),)


# Point 11: valid addresses, bare MAILER-DAEMON, a junk first line.

def test_point11_quoted_local_part_is_an_address():
    msg = parse_message(raw_mail('From: "#FAX#123"@fax.customer.example\n'
                                 "To: support@example.com\nSubject: fax\n"))
    assert msg.from_addr == '"#fax#123"@fax.customer.example'


def test_point11_name_and_address_without_angle_brackets():
    msg = parse_message(raw_mail("From: Dana Customer dana@customer.example\n"
                                 "To: support@example.com\nSubject: hi\n"))
    assert msg.from_ == ("Dana Customer", "dana@customer.example")


def test_point11_bounce_from_a_bare_mailer_daemon_is_a_bounce():
    raw = raw_mail("From: MAILER-DAEMON\nTo: support@example.com\nReturn-Path: <>\n"
                   "Subject: Undelivered Mail Returned to Sender\n",
                   "Your message could not be delivered.\n\n"
                   "Message-ID: <ticketd.feed@example.com>\nSubject: [Ticket #9] x\n")
    msg = parse_message(raw)
    assert msg.from_addr == "mailer-daemon"
    assert msg.robot.is_bounce
    assert msg.bounce.message_ids == ("ticketd.feed@example.com",)


@pytest.mark.parametrize("junk", [">From dana@customer.example Mon Jan  6 10:00:00 2025",
                                  "Archived-by listkeeper 2.1"])
def test_point11_junk_first_line_before_the_headers_does_not_lose_the_message(junk):
    msg = parse_message(raw_mail(f"{junk}\n{HEAD}Subject: Printer\n", "It broke.\n"))
    assert msg.from_addr == "dana@customer.example"
    assert msg.subject == "Printer"
    assert msg.text.strip() == "It broke."


# Point 12: raw 8-bit headers and unlabelled bodies in legacy charsets.

def eight_bit(headers: str, charset: str, body: bytes, ctype: str) -> bytes:
    head = headers.replace("\n", "\r\n").encode(charset)
    return head + f"\r\nContent-Type: {ctype}\r\n\r\n".encode() + body


@pytest.mark.parametrize("charset,name,subject,body,ctype", [
    ("koi8-r", "Иван Петров", "Принтер сломался", "Принтер не печатает.".encode("koi8-r"),
     "text/plain; charset=koi8-r"),
    ("gbk", "王小明", "打印机坏了", "打印机坏了，请尽快处理。".encode(),
     "text/plain; charset=utf-8"),
    ("shift_jis", "山田太郎", "プリンター故障", "プリンターが故障しました。".encode("shift_jis"),
     "text/plain"),
], ids=["koi8-r", "gbk", "shift_jis"])
def test_point12_raw_8bit_headers_are_read_in_the_mail_s_own_charset(charset, name, subject,
                                                                      body, ctype):
    raw = eight_bit(f"From: {name} <x@customer.example>\nTo: support@example.com\n"
                    f"Subject: {subject}", charset, body, ctype)
    msg = parse_message(raw)
    assert msg.subject == subject
    assert msg.from_name == name
    assert "\ufffd" not in msg.text and msg.text.strip()[-1] in ".。"


@pytest.mark.parametrize("charset,text", [("koi8-r", "Добрый день, принтер опять сломался."),
                                          ("gb2312", "你好，打印机又坏了。")])
def test_point12_unlabelled_body_is_read_in_the_charset_the_subject_declares(charset, text):
    subject = encoded_word(text.split("，")[0].split(",")[0], charset)
    raw = raw_mail(HEAD + f"Subject: {subject}\nContent-Type: text/plain\n",
                   text.encode(charset))
    assert parse_message(raw).text.strip() == text


def windows_iso_2022_jp(text: str) -> bytes:
    """ISO-2022-JP as Outlook writes it (code page 50221): NEC row 13 included."""
    out, kanji = b"", False
    for ch in text:
        sjis = ch.encode("cp932")
        if len(sjis) == 1:
            out += b"\x1b(B" * kanji + sjis
            kanji = False
            continue
        s1, s2 = sjis[0] - (0x40 if sjis[0] >= 0xE0 else 0) - 0x81, sjis[1]
        j1 = s1 * 2 + 0x21 + (s2 >= 0x9F)
        j2 = s2 - 0x7E if s2 >= 0x9F else s2 - (0x1F if s2 < 0x7F else 0x20)
        out += b"\x1b$B" * (not kanji) + bytes((j1, j2))
        kanji = True
    return out + b"\x1b(B" * kanji


def test_point12_iso_2022_jp_vendor_characters_are_kept():
    text = "①の件、Ⅱ型プリンターを㈱テストに送りました。"
    subject = "=?ISO-2022-JP?B?" + base64.b64encode(windows_iso_2022_jp("①件")).decode() + "?="
    raw = raw_mail(HEAD + f"Subject: {subject}\nContent-Type: text/plain; charset=iso-2022-jp\n"
                   "Content-Transfer-Encoding: 7bit\n", windows_iso_2022_jp(text))
    msg = parse_message(raw)
    assert msg.text.strip() == text
    assert msg.subject == "①件"


# Point 13: an attached message's own name.

@pytest.mark.parametrize("headers", [
    'Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename="complaint.eml"',
    'Content-Type: message/rfc822; name="complaint.eml"\r\nContent-Disposition: attachment',
], ids=["filename", "name"])
def test_point13_attached_message_keeps_the_name_it_was_sent_with(headers):
    inner = "From: Bob <bob@vendor.example>\r\nSubject: Your order 77\r\n\r\nLost.\r\n"
    body = ("--B\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--B\r\n" + headers
            + "\r\n\r\n" + inner + "\r\n--B--\r\n")
    msg = parse_message(raw_mail(HEAD + "Subject: fwd\nMIME-Version: 1.0\n"
                                 "Content-Type: multipart/mixed; boundary=B\n", body))
    assert [a.filename for a in msg.attachments] == ["complaint.eml"]
    assert msg.forwards[0].subject == "Your order 77"


# Point 14: attributions wrapped over two lines.

WRAPPED = {
    "Gmail ru, wrapped inside <>": ("пт, 6 янв. 2025 г. в 10:00, Example Support <",
                                    "support@example.com>:"),
    "Thunderbird ru": ("06.01.2025 10:00, Example Support", "пишет:"),
    "Android ru, написал(а)": ('02.04.2012 14:20 пользователь "Example Support" '
                               "<support@example.com>", "написал(а):"),
    "trailing direction mark": ("On Mon, 6 Jan 2025 at 10:00, Example Support "
                                "<support@example.com>", "wrote:\u200e"),
}


@pytest.mark.parametrize("attribution", WRAPPED.values(), ids=WRAPPED.keys())
def test_point14_attribution_wrapped_over_two_lines_is_cut(attribution):
    body = "\n".join(["Спасибо, всё работает.", "", *attribution, "",
                      "> Здравствуйте,", "> перезагрузите принтер.", ""])
    msg = parse_message(raw_mail(HEAD + "Subject: Re: Printer\n"
                                 "Content-Type: text/plain; charset=utf-8\n", body))
    assert msg.visible_text == "Спасибо, всё работает."
