"""§6: charsets and encoded words arrive as correct Unicode, whatever the label says."""

from __future__ import annotations

import base64

from mailbuild import b64, encoded_word, raw_mail

from parsers.charsets import decode_bytes, decode_header_value
from parsers.message import parse_message

HEAD = "From: a@customer.example\nTo: support@example.com\nMessage-ID: <c@x>\nMIME-Version: 1.0\n"


def plain(charset: str | None, body: bytes, subject: str = "test", cte: str = "8bit") -> bytes:
    ctype = "text/plain" + (f"; charset={charset}" if charset else "")
    return raw_mail(f"{HEAD}Subject: {subject}\nContent-Type: {ctype}\n"
                    f"Content-Transfer-Encoding: {cte}\n", body)


def test_user_pain_06_charsets_folded_iso_2022_jp_subject_decodes_fully():
    text = "プリンターが壊れました、至急対応をお願いします"
    words = "\n ".join(encoded_word(text[i:i + 6], "iso-2022-jp") for i in range(0, 24, 6))
    msg = parse_message(plain("iso-2022-jp", "本文です。".encode("iso-2022-jp"), words, "7bit"))
    assert msg.subject == text
    assert msg.text.strip() == "本文です。"


def test_user_pain_06_charsets_gb2312_label_holding_gbk_text_decodes_as_gb18030():
    text = "打印机坏了 – 请尽快处理 镕"  # en dash and 镕 are not in GB2312
    msg = parse_message(plain("gb2312", text.encode("gb18030"), encoded_word(text, "gb18030")
                              .replace("gb18030", "gb2312")))
    assert msg.text.strip() == text
    assert msg.subject == text


def test_user_pain_06_charsets_unlabelled_esc_dollar_b_is_iso_2022_jp():
    body = "こんにちは、サポートの皆さん".encode("iso-2022-jp")
    assert b"\x1b$B" in body
    msg = parse_message(plain(None, body, cte="7bit"))
    assert msg.text.strip() == "こんにちは、サポートの皆さん"
    assert "\x1b" not in msg.text


def test_user_pain_06_charsets_iso_8859_1_label_with_0x93_0x94_is_windows_1252():
    msg = parse_message(plain("iso-8859-1", b"He said \x93hello\x94 \x96 ok \x80 5"))
    assert msg.text.strip() == "He said \u201chello\u201d \u2013 ok \u20ac 5"


def test_user_pain_06_charsets_adjacent_words_splitting_a_character_are_joined():
    value = encoded_word("日本語のテキスト", "utf-8", split_at=4)  # cuts 本 in half
    assert decode_header_value(value) == "日本語のテキスト"
    msg = parse_message(plain("utf-8", b"x", value))
    assert msg.subject == "日本語のテキスト"


def test_user_pain_06_charsets_undecodable_byte_becomes_replacement_character():
    msg = parse_message(plain("utf-8", b"caf\xc3\xa9 \xff\xfe broken \xc3"))
    assert msg.text.startswith("caf")
    assert "broken" in msg.text


def test_user_pain_06_charsets_unknown_label_falls_back_to_detection():
    text = "Привет, у нас не работает принтер в офисе, помогите пожалуйста"
    msg = parse_message(plain("x-no-such-charset", text.encode("koi8-r")))
    assert msg.text.strip() == text


def test_user_pain_06_charsets_lying_utf8_label_on_latin1_bytes_is_detected():
    text = "Grüße aus München, die Drucker funktionieren nicht mehr, bitte helfen Sie"
    msg = parse_message(plain("utf-8", text.encode("cp1252")))
    assert msg.text.strip() == text


def test_user_pain_06_charsets_big5_shift_jis_koi8r_and_quoted_printable():
    cases = {"big5": "印表機壞了，請幫忙", "shift_jis": "プリンターが故障しました",
             "koi8-r": "Принтер сломался", "windows-1251": "Принтер не печатает"}
    for charset, text in cases.items():
        body = b64(text.encode(charset))
        msg = parse_message(plain(charset, body.encode(), encoded_word(text, charset),
                                  "base64"))
        assert msg.text.strip() == text, charset
        assert msg.subject == text, charset


def test_user_pain_06_charsets_8bit_utf8_and_latin1_headers():
    raw = ("From: Jürgen Müller <jm@customer.example>\nTo: support@example.com\n"
           "Subject: Größe ändern\n\nbody\n").encode()
    msg = parse_message(raw)
    assert msg.subject == "Größe ändern"
    assert msg.from_ == ("Jürgen Müller", "jm@customer.example")
    raw = "From: x@customer.example\nSubject: Prüfung\n\nbody\n".encode("latin-1")
    assert parse_message(raw).subject == "Prüfung"


def test_user_pain_06_charsets_rfc2047_display_name():
    name = "=?utf-8?q?Fran=C3=A7oise_L=C3=A9vesque?="
    raw = raw_mail(f"From: {name} <fl@customer.example>\nTo: support@example.com\nSubject: x\n")
    assert parse_message(raw).from_ == ("Françoise Lévesque", "fl@customer.example")


def test_decode_bytes_never_raises_on_any_label():
    for label in ("utf-8", "gb2312", "iso-2022-jp", "unknown-8bit", "", None, "utf-7", "x"):
        assert isinstance(decode_bytes(bytes(range(256)), label), str)


def test_base64_subject_in_iso_2022_jp_with_raw_escape():
    word = "=?ISO-2022-JP?B?" + base64.b64encode("件名".encode("iso-2022-jp")).decode() + "?="
    assert decode_header_value(word) == "件名"


def test_user_pain_06_charsets_encoded_comma_stays_in_the_display_name():
    raw = raw_mail("From: =?utf-8?q?M=C3=BCller=2C_J=C3=BCrgen?= <jm@customer.example>\n"
                   "To: =?utf-8?q?Support=2C_Team?= <support@example.com>, b@x.example\n"
                   "Subject: x\n")
    msg = parse_message(raw)
    assert msg.from_ == ("Müller, Jürgen", "jm@customer.example")
    assert msg.to == (("Support, Team", "support@example.com"), ("", "b@x.example"))
