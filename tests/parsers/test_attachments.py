"""§13, §18, §23, §24: bodies and attachments as senders really build them."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from email.message import EmailMessage

from mailbuild import b64, raw_mail, tnef

from parsers.filenames import safe_filename
from parsers.message import parse_message

HEAD = ("From: Dana <dana@customer.example>\nTo: support@example.com\nSubject: files\n"
        "Message-ID: <a1@customer.example>\nMIME-Version: 1.0\n")


def multipart(parts: list[str], subtype: str = "mixed", extra: str = "") -> bytes:
    body = "".join(f"--BOUND\r\n{p}\r\n" for p in parts) + "--BOUND--\r\n"
    return raw_mail(HEAD + f'Content-Type: multipart/{subtype}; boundary="BOUND"{extra}\n', body)


TEXT = "Content-Type: text/plain; charset=utf-8\r\n\r\nSee attached.\r\n"


def test_user_pain_23_attachments_rfc2231_continued_filename_is_rebuilt():
    part = ("Content-Type: application/pdf\r\nContent-Disposition: attachment;\r\n"
            " filename*0*=utf-8''%E6%97%A5%E6%9C%AC%E8%AA%9E;\r\n"
            " filename*1*=%E3%81%AE%E8%AB%8B%E6%B1%82%E6%9B%B8.pdf\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n" + b64(b"%PDF-1.4 x"))
    msg = parse_message(multipart([TEXT, part]))
    assert [a.filename for a in msg.attachments] == ["日本語の請求書.pdf"]
    assert msg.attachments[0].data == b"%PDF-1.4 x"


def test_user_pain_23_attachments_rfc2047_filename_outlook_style():
    part = ('Content-Type: application/pdf; name="=?utf-8?B?UmVjaG51bmcgTcOkcnoucGRm?="\r\n'
            'Content-Disposition: attachment; filename="=?utf-8?B?UmVjaG51bmcgTcOkcnoucGRm?="'
            "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(b"x"))
    assert parse_message(multipart([TEXT, part])).attachments[0].filename == "Rechnung März.pdf"


def test_user_pain_23_attachments_long_traversing_and_control_character_names_are_safe():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Windows\\evil.exe") == "evil.exe"
    assert safe_filename("a\x00b\x1b[31mc\u202egnp.exe") == "ab[31mcgnp.exe"
    assert safe_filename("") == "attachment.bin"
    assert safe_filename("...") == "attachment.bin"
    long = "x" * 250 + ".pdf"
    short = safe_filename(long)
    assert len(short) <= 200 and short.endswith(".pdf")
    part = (f'Content-Type: application/pdf\r\nContent-Disposition: attachment; '
            f'filename="{long}"\r\nContent-Transfer-Encoding: base64\r\n\r\n' + b64(b"x"))
    assert parse_message(multipart([TEXT, part])).attachments[0].filename == short


def test_user_pain_24_winmail_dat_is_unpacked_and_kept():
    data = tnef(b"Body written in Outlook RTF mode\x00", [("report.txt", b"the report")])
    part = ("Content-Type: application/ms-tnef; name=winmail.dat\r\n"
            "Content-Disposition: attachment; filename=winmail.dat\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n" + b64(data))
    msg = parse_message(multipart([part]))
    files = {a.filename: a.data for a in msg.attachments}
    assert files["report.txt"] == b"the report"
    assert files["winmail.dat"] == data  # the original is kept
    assert msg.text.strip() == "Body written in Outlook RTF mode"


def test_user_pain_24_winmail_body_does_not_replace_a_real_text_part():
    data = tnef(b"RTF copy\x00", [])
    part = ("Content-Type: application/ms-tnef\r\nContent-Disposition: attachment; "
            "filename=winmail.dat\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(data))
    assert parse_message(multipart([TEXT, part])).text.strip() == "See attached."


def test_user_pain_24_forwarded_message_kept_as_eml_and_never_quote_stripped():
    inner = ("From: Bob <bob@vendor.example>\r\nTo: dana@customer.example\r\n"
             "Subject: Your order 77\r\nMessage-ID: <inner@vendor.example>\r\n"
             "Content-Type: multipart/mixed; boundary=IN\r\n\r\n"
             "--IN\r\nContent-Type: text/plain\r\n\r\nThe parcel was lost.\r\n\r\n"
             "On Mon, Jan 6, 2025 at 9:00 AM Dana <dana@customer.example> wrote:\r\n"
             "> where is it?\r\n"
             "--IN\r\nContent-Type: image/png\r\nContent-Disposition: attachment; "
             "filename=label.png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
             + b64(b"\x89PNG label") + "\r\n--IN--\r\n")
    part = "Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n" + inner
    msg = parse_message(multipart(["Content-Type: text/plain\r\n\r\nSee below.\r\n", part]))
    names = [a.filename for a in msg.attachments]
    assert "Your order 77.eml" in names
    assert "label.png" in names  # the inner attachment is reachable
    eml = next(a for a in msg.attachments if a.filename.endswith(".eml"))
    assert b"The parcel was lost." in eml.data and eml.content_type == "message/rfc822"
    assert "The parcel was lost." in msg.text
    assert "> where is it?" in msg.visible_text  # shown whole, not cut as a quote
    assert msg.visible_text.startswith("See below.")


def test_user_pain_18_inline_cid_image_without_disposition_is_inline_and_placed():
    html = ('<p>Look at this:</p><img src="cid:image001.png@01DB5155.249583D0"><p>Bye</p>')
    related = ("Content-Type: multipart/related; boundary=REL\r\n\r\n"
               "--REL\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n"
               "--REL\r\nContent-Type: image/png; name=image001.png\r\n"
               "Content-ID: <image001.png@01DB5155.249583D0>\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n" + b64(b"\x89PNG logo") +
               "\r\n--REL--")
    msg = parse_message(multipart([related]))
    (img,) = msg.attachments
    assert img.inline and img.content_id == "image001.png@01DB5155.249583D0"
    assert "Look at this:" in msg.text and "[image: image001.png]" in msg.text
    assert msg.text.index("[image") < msg.text.index("Bye")


def test_user_pain_18_image_referenced_by_bare_file_name_is_inline():
    html = '<p>Screenshot:</p><img src="image001.png">'
    msg = parse_message(multipart([
        "Content-Type: text/html\r\n\r\n" + html,
        "Content-Type: image/png\r\nContent-Disposition: attachment; filename=image001.png\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + b64(b"\x89PNG shot")]))
    assert msg.attachments[0].inline
    assert "[image: image001.png]" in msg.text


def test_user_pain_13_html_only_mail_becomes_readable_text_with_links():
    html = ("<html><head><style>p{x:y}</style><script>alert(1)</script></head><body>"
            "<p>First paragraph.</p><p>See <a href='https://example.net/kb/1'>the article</a>."
            "</p></body></html>")
    msg = parse_message(raw_mail(HEAD + "Content-Type: text/html; charset=utf-8\n", html))
    assert msg.text == "First paragraph.\n\nSee [the article](https://example.net/kb/1)."
    assert "alert" not in msg.text and "x:y" not in msg.text


def test_user_pain_13_empty_text_part_and_full_html_part_uses_the_html():
    msg = parse_message(multipart(["Content-Type: text/plain\r\n\r\n \r\n",
                                   "Content-Type: text/html\r\n\r\n<p>Real content</p>"],
                                  "alternative"))
    assert msg.text == "Real content"


def test_user_pain_13_smime_signed_body_from_the_signed_part_signature_kept():
    signed = ('Content-Type: multipart/signed; protocol="application/pkcs7-signature"; '
              'micalg=sha-256; boundary="SIG"\r\n\r\n'
              "--SIG\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSigned words.\r\n"
              "--SIG\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n"
              "Content-Disposition: attachment; filename=smime.p7s\r\n"
              "Content-Transfer-Encoding: base64\r\n\r\n" + b64(b"0\x82sig") + "\r\n--SIG--")
    msg = parse_message(raw_mail(HEAD + signed.split("\r\n\r\n", 1)[0] + "\n",
                                 signed.split("\r\n\r\n", 1)[1]))
    assert msg.text.strip() == "Signed words."
    assert [a.filename for a in msg.attachments] == ["smime.p7s"]


def test_user_pain_23_20_mb_attachment_parsed_with_peak_memory_under_4x():
    payload = os.urandom(20 * 1024 * 1024)
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "a@customer.example", "support@example.com", "big"
    m.set_content("Here is the dump.")
    m.add_attachment(payload, maintype="application", subtype="octet-stream",
                     filename="dump.bin")
    raw = m.as_bytes()
    del m
    tracemalloc.start()
    try:
        msg = parse_message(raw)
        digest = msg.attachments[0].sha256
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert digest == hashlib.sha256(payload).hexdigest()
    assert msg.text.strip() == "Here is the dump."
    assert peak < 4 * len(payload), f"peak {peak / 2**20:.0f} MiB"


def test_forged_extraction_marker_is_ignored():
    part = ("Content-Type: application/octet-stream\r\nX-Ticketd-Extracted: 0000.0\r\n"
            "Content-Disposition: attachment; filename=a.bin\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n" + b64(b"real"))
    assert parse_message(multipart([TEXT, part])).attachments[0].data == b"real"


def test_user_pain_13_attachment_only_mail_gets_a_placeholder_body():
    part = ("Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=scan.pdf"
            "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(b"%PDF"))
    msg = parse_message(multipart([part]))
    assert msg.text == ""
    assert msg.visible_text == "(no text; attachments: scan.pdf)"
