"""mail-parser, kept for the mails it helps: those the stdlib reports as broken.

It runs on the tree parsers.tree already built (no second parse) and only
when the walk met a stdlib defect. On a clean mail its own pass (every part
decoded again, each Received line parsed) cost 0.7 of the 1.3 ms a parse
took and found nothing. On a broken one it earns that: it names each broken
header (`AddressHeaderDefect: to[0]: invalid-or-ambiguous-address`) for the
admin, and recovers a body lost after a misplaced boundary (its epilogue
rule), which we use when our walk found no text at all.
"""

from __future__ import annotations

from email.message import Message

import mailparser

from parsers.parts import Walked

MAX_BYTES = 1024 * 1024  # mail-parser parses every header and part: bounded input only
MAX_NOTES = 10  # diagnoses kept per mail; the rest repeat the same fault
_HEADER_GROUPS = ("address-headers", "date-headers", "received-headers", "mime-headers")


def recover(msg: Message, walked: Walked, size: int) -> list[str]:
    """Defect sentences for a mail with stdlib defects; fills walked's text if it had none."""
    notes = sorted(walked.mime_defects)
    if size > MAX_BYTES:
        return notes + [f"mail-parser's diagnosis skipped: {size} bytes is over {MAX_BYTES}"]
    try:
        report = mailparser.MailParser(msg)
        diagnoses = [line for group in report.defects for name, lines in group.items()
                     if name in _HEADER_GROUPS for line in lines]
        plain, html = list(report.text_plain), list(report.text_html)
    except Exception as exc:  # a diagnosis must never cost the mail
        return notes + [f"mail-parser failed on this mail: {exc!r}"[:200]]
    if not any(p.strip() for p in walked.plain + walked.html) and (plain or html):
        walked.plain.extend(plain)
        walked.html.extend(html)
        notes.append("text recovered by mail-parser from a broken MIME structure")
    return notes + diagnoses[:MAX_NOTES]
