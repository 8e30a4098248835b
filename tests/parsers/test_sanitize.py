"""§33: inbound HTML is kept raw but shown only through an allowlist."""

from __future__ import annotations

from mailbuild import raw_mail

from parsers.message import parse_message
from parsers.sanitize import sanitize_html

HOSTILE = ('<p onclick="steal()">Hi <b>there</b></p><img src=x onerror="alert(1)">'
           '<script>alert(2)</script><a href="javascript:alert(3)">click</a>'
           '<a href=" JaVaScRiPt:alert(4)">x</a><img src="https://track.example/p.gif" width=1>'
           '<iframe src="https://evil.example"></iframe><style>body{}</style>'
           '<a href="https://ok.example/">ok</a><img src="cid:logo@x" alt="logo">')


def test_user_pain_33_html_sanitised_for_display_raw_kept():
    safe = sanitize_html(HOSTILE)
    for bad in ("onclick", "onerror", "<script", "alert", "javascript", "iframe",
                "track.example", "<style"):
        assert bad not in safe.lower(), bad
    assert "<b>there</b>" in safe
    assert 'href="https://ok.example/"' in safe
    assert 'src="cid:logo@x"' in safe  # our own inline attachment
    msg = parse_message(raw_mail("From: a@customer.example\nSubject: x\n"
                                 "Content-Type: text/html\n", HOSTILE))
    assert "<script>" in msg.html  # stored as received
    assert "alert" not in msg.text and "javascript" not in msg.text.lower()


def test_user_pain_33_unclosed_script_drops_everything_after_it():
    msg = parse_message(raw_mail("From: a@customer.example\nSubject: x\n"
                                 "Content-Type: text/html\n", "<p>Hi</p><script>evil()"))
    assert msg.text == "Hi"
    assert sanitize_html("<p>Hi</p><script>evil()") == "<p>Hi</p>"
