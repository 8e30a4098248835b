"""§7 and issue 5 point 1: parse_message never raises anything but ParseError.

Arbitrary bytes, mutated real messages and hostile MIME either give a
ParsedMessage or a ParseError (which the pipeline quarantines with its
reason); memory stays bounded on 1,000-level nesting. Timing is measured in
bench/parse_adversarial.py, not asserted here.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mailbuild import nested

from parsers.message import TOO_DEEP, ParsedMessage, ParseError, parse_message

DATA = Path(__file__).parent.parent / "data"
REAL = sorted((DATA / "replies").glob("*.eml"))[::4] + sorted(DATA.glob("*.eml"))
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def parses_or_parse_error(raw: bytes) -> ParsedMessage | None:
    try:
        msg = parse_message(raw)
    except ParseError:
        return None
    assert isinstance(msg.text, str) and isinstance(msg.visible_text, str)
    assert isinstance(msg.subject, str) and "\n" not in msg.subject
    for att in msg.attachments:
        assert "/" not in att.filename and "\x00" not in att.filename
    return msg


@SETTINGS
@given(st.binary(max_size=4000))
def test_user_pain_07_malformed_arbitrary_bytes_never_raise(raw):
    parses_or_parse_error(raw)


@SETTINGS
@given(st.sampled_from(REAL), st.data())
def test_user_pain_07_malformed_mutated_real_messages_never_raise(path, data):
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        op = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate", "dup"]))
        pos = data.draw(st.integers(0, max(0, len(raw) - 1)))
        if op == "flip" and raw:
            raw[pos] = data.draw(st.integers(0, 255))
        elif op == "insert":
            raw[pos:pos] = data.draw(st.sampled_from(
                [b"\r\n", b"\n\n", b"--", b"=?utf-8?B?", b"?=", b"\x1b$B", b"\x00", b"\xff",
                 b"Content-Type: multipart/mixed; boundary=x\r\n", b"=\r\n", b"<", b">"]))
        elif op == "delete":
            del raw[pos:pos + data.draw(st.integers(1, 50))]
        elif op == "truncate":
            del raw[pos:]
        elif op == "dup":
            raw[pos:pos] = raw[pos:pos + 200]
    parses_or_parse_error(bytes(raw))


HEADER_VALUES = st.sampled_from([
    "", "<>", "=?utf-8?B?invalid?=", "=?x-unknown?Q?=FF?=", "multipart/mixed", "\udcff",
    "text/plain; charset=utf-99", "multipart/alternative; boundary=\"\"", "message/rfc822",
    "application/ms-tnef", "base64", "quoted-printable", "x" * 2000, "a@b, <<>>, \"\" <@>",
    "Tue, 1 Apr 2025 09:00:00 +9900", "attachment; filename*0*=utf-8''%E6; filename*1=x",
])
HEADER_NAMES = st.sampled_from([
    "From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
    "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Return-Path",
    "Auto-Submitted", "Received",
])


@SETTINGS
@given(st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=15),
       st.binary(max_size=2000))
def test_user_pain_07_malformed_hostile_headers_never_raise(headers, body):
    head = "\r\n".join(f"{k}: {v}" for k, v in headers)
    parses_or_parse_error(head.encode("utf-8", "surrogateescape") + b"\r\n\r\n" + body)



def test_user_pain_07_malformed_1000_level_nested_mime_in_bounded_memory():
    raw = nested(1000)
    tracemalloc.start()
    try:
        msg = parse_message(raw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert msg.subject == "deep" and msg.from_addr == "deep@customer.example"
    assert TOO_DEEP in msg.defects
    assert peak < 20 * len(raw) + 10_000_000, f"peak {peak} bytes for {len(raw)} bytes in"


def test_moderately_nested_mime_is_read_up_to_the_depth_limit():
    assert parse_message(nested(30)).text.strip() == "innermost"
    msg = parse_message(nested(150))
    assert any("deeper than" in d for d in msg.defects)
