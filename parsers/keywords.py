"""Rule keywords: a word, a phrase, a /regex/ or an address, each compiled once.

Keywords are whole words or phrases, case-insensitive and Unicode-aware;
`/.../` is a regular expression; in `from` and `to` a keyword with `@` is an
address (`bob@x`) or a domain (`@x`). Pure: the config checks compile them to
find bad patterns, the router to match mail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.addresses import split_plus


def compile_pattern(word: str) -> re.Pattern:
    """A keyword -> regex: `/re/` as written, else a whole-word phrase."""
    word = word.strip()
    if len(word) > 2 and word.startswith("/") and word.endswith("/"):
        return re.compile(word[1:-1], re.IGNORECASE)
    phrase = r"\s+".join(re.escape(part) for part in word.split())
    return re.compile(rf"(?<!\w){phrase}(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Keyword:
    text: str
    pattern: re.Pattern
    address: bool  # matched against addresses, not text

    def matches_text(self, text: str) -> bool:
        return bool(self.pattern.search(text))

    def matches_address(self, addr: str) -> bool:
        kw = self.text.lower()
        if kw.startswith("@"):
            return addr.endswith(kw) or addr.endswith("." + kw[1:])
        return addr == kw or split_plus(addr)[0] == kw
