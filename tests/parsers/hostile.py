"""Hostile mails, built deterministically (issue 8, "Bounded work per mail").

Each generator returns the raw bytes of one mail that once cost the parser
seconds to minutes of CPU or gigabytes of memory. tests/parsers/test_bounds.py
asserts the caps; bench/parse_adversarial.py measures them.
"""

from __future__ import annotations

HEAD = ("From: Mallory <mallory@attacker.example>\r\nTo: support@example.com\r\n"
        "Message-ID: <hostile@attacker.example>\r\nDate: Mon, 06 Jan 2025 10:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\n")


def many_references(n: int = 75_000) -> bytes:
    """One References header naming n Message-IDs (75,000 make ~2 MB)."""
    ids = "\r\n ".join(f"<ref{i:06d}.a1b2c3@thread.example>" for i in range(n))
    return (HEAD + f"Subject: Re: long thread\r\nIn-Reply-To: <ref{n - 1:06d}.a1b2c3"
            f"@thread.example>\r\nReferences: {ids}\r\nContent-Type: text/plain\r\n\r\n"
            "Still broken.\r\n").encode()


def nested_lists_html(size: int = 264_000) -> bytes:
    """An HTML-only body of lists nested inside each other until it is `size` bytes."""
    levels = size // len("<ul><li>x</li></ul>")
    html = "<html><body><p>Help</p>" + "<ul><li>x" * levels + "</li></ul>" * levels
    return (HEAD + "Subject: lists\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            + html + "</body></html>\r\n").encode()


def nested_forwards(levels: int = 200) -> bytes:
    """message/rfc822 directly inside message/rfc822, `levels` deep, under a line of text."""
    inner = "Content-Type: text/plain\r\n\r\nthe first mail\r\n"
    for i in range(levels, 0, -1):
        inner = (f"From: hop{i}@forward.example\r\nSubject: Fwd: level {i}\r\n"
                 f"Content-Type: message/rfc822\r\n\r\n{inner}")
    return (HEAD + "Subject: Fwd: matryoshka\r\nContent-Type: multipart/mixed; "
            "boundary=\"top\"\r\n\r\n--top\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n"
            f"--top\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--top--\r\n").encode()


def many_cc(n: int = 10_000) -> bytes:
    """One Cc header with n distinct named addresses."""
    cc = ",\r\n ".join(f'"Person {i}" <person{i}@cc.example>' for i in range(n))
    return (HEAD + f"Subject: everyone\r\nCc: {cc}\r\nContent-Type: text/plain\r\n\r\n"
            "Hello all.\r\n").encode()


def colon_lines(n: int = 40_000) -> bytes:
    """A plain body whose every line could start an attribution ("On ... wrote ...:")."""
    body = "".join(f"On {i} wrote a@b.example, and wrote again on line {i}:\r\n" for i in range(n))
    return (HEAD + "Subject: colons\r\nContent-Type: text/plain\r\n\r\n" + body).encode()


def broken_tags_html(size: int = 600_000) -> bytes:
    """HTML of unclosed tag starts (`<a <a <a`), quadratic for Python's html.parser."""
    return (HEAD + "Subject: tags\r\nContent-Type: text/html\r\n\r\n<p>Help</p>"
            + "<a " * (size // 3)).encode()


def many_header_fields(n: int = 125_000) -> bytes:
    """A megabyte of short header fields above the real ones' body."""
    return (HEAD + "Subject: fields\r\n" + "X-A: b\r\n" * n + "\r\nStill broken.\r\n").encode()
