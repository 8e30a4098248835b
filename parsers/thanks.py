"""Is a reply only a thank-you? Then it should not reopen a finished ticket.

Deliberately narrow: a few words, a thanks word among them, no question and
nothing that says the problem is back. When unsure, it is not a thank-you
(a real follow-up must never be swallowed).
"""

from __future__ import annotations

import re

_THANKS = re.compile(r"\b(thanks?|thank you|thx|ty|cheers|danke|merci|gracias|grazie|obrigad[oa]|"
                     r"bedankt|tack|takk|kiitos|dziękuję|спасибо)\b", re.IGNORECASE)
_NOT_DONE = re.compile(r"\?|\b(but|still|not|no|again|however|doesn'?t|don'?t|isn'?t|won'?t|"
                       r"can'?t|aber|noch|nicht|mais|pas|pero|todavía|issue|problem|error)\b",
                       re.IGNORECASE)
MAX_WORDS = 12


def is_thanks_only(visible_text: str) -> bool:
    text = " ".join((visible_text or "").split())
    words = re.findall(r"[\w']+", text)
    if not words or len(words) > MAX_WORDS:
        return False
    return bool(_THANKS.search(text)) and not _NOT_DONE.search(text)
