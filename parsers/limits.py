"""Bounds on the work one mail can cause (issue 8): every derived value is capped.

Each cap is far above what people write and far below what makes a stage
slow; a mail past one is still parsed, and the cut is named in `defects` with
a sentence an admin can read.
"""

from __future__ import annotations

# Threading needs the root and the nearest ancestors; the middle of a long thread never helps.
MAX_REFERENCES = 50
# Per address header: every participant is mailed on each change, so more than 200
# is a mailing list or an attack, not a conversation (RFC 5321 asks servers for 100).
MAX_ADDRESSES = 200
# A forward of a forward of a forward...: past five levels nobody reads the inner ones,
# which stay inside the outer .eml attachment.
MAX_FORWARD_DEPTH = 5
# HTML given to html2text (~1 s per MB): half a million characters is about a hundred
# pages; the HTML itself is kept whole.
MAX_HTML_CHARS = 500_000
# html2text spends ~10 µs on each tag or entity, whatever its size: 20,000 of them is a long
# newsletter; the conversion stops there.
MAX_HTML_TOKENS = 20_000
# html2text indents every nested list and quote level, so its output grows with the depth
# squared; deeper levels are flattened (no mail client shows 32 levels anyway).
MAX_HTML_DEPTH = 32
# Text searched for quoted history and signatures: the author's new words come first.
MAX_QUOTE_CHARS = 300_000


def cut_note(what: str, kept: int, total: int, unit: str = "") -> str:
    """`References cut to 50 of 75000` as a defect sentence."""
    unit = f" {unit}" if unit else ""
    return f"{what} cut to the first {kept} of {total}{unit}"
