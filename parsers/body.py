"""Bodies: HTML to readable text, and the visible part of a reply.

`visible_text` is what the author wrote now: without the quoted thread and
without the signature. Quote detection uses quotequail, plus the markers it
misses; when unsure we keep text rather than cut it.
"""

from __future__ import annotations

import re

import html2text
import quotequail

_SIGNATURE = re.compile(r"^(-- ?|__+|Sent from my \w+.*|Get Outlook for \w+.*|"
                        r"Von meinem \w+ gesendet.*|Envoyé de mon \w+.*)$",
                        re.IGNORECASE)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*(-{3,}\s*(original message|ursprüngliche nachricht|message d'origine|"
    r"mensaje original|mensagem original|oorspronkelijk bericht|原始邮件)\s*-{3,}|"
    r"_{10,})\s*$", re.IGNORECASE)
_OUTLOOK_HEADER = re.compile(r"^\s*\*?(from|von|de|van|da|从|發件人|差出人)\s*:\*?\s",
                             re.IGNORECASE)
_NEXT_HEADER = re.compile(r"^\s*\*?(sent|date|gesendet|datum|envoyé|enviado|verzonden|"
                          r"to|an|à|para|aan|subject|betreff|objet|asunto|assunto|onderwerp)"
                          r"\s*:", re.IGNORECASE)


def html_to_text(html: str) -> str:
    """Readable text from HTML: paragraphs and links kept, scripts and styles dropped."""
    html = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", html or "")
    conv = html2text.HTML2Text()
    conv.body_width = 0
    conv.ignore_images = True
    conv.ignore_emphasis = True
    conv.protect_links = False
    conv.inline_links = True
    conv.unicode_snob = True
    text = conv.handle(html)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def visible_text(text: str) -> str:
    """The author's own words: quoted thread and signature removed."""
    text = (text or "").replace("\r\n", "\n")
    cut = _cut_quote(text)
    cut = _cut_signature(cut)
    cut = cut.strip()
    return cut if cut else text.strip()


def _cut_quote(text: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _ORIGINAL_MESSAGE.match(line) and any(ln.strip() for ln in lines[:i]):
            return "\n".join(lines[:i])
        if (_OUTLOOK_HEADER.match(line) and i + 1 < len(lines)
                and _NEXT_HEADER.match(lines[i + 1]) and any(ln.strip() for ln in lines[:i])):
            return "\n".join(lines[:i])
    try:
        parts = quotequail.quote(text)
    except Exception:  # quotequail has no documented exceptions; never let it cost a mail
        parts = [(True, text)]
    shown = [chunk for visible, chunk in parts if visible]
    if shown and len(parts) > 1:
        result = "\n".join(shown)
        if result.strip():
            return _drop_trailing_attribution(result)
    return "\n".join(ln for ln in lines if not ln.startswith(">")) if _mostly_top(lines) else text


def _mostly_top(lines: list[str]) -> bool:
    """Top-posted: the `>` lines come after every written line."""
    written = [i for i, ln in enumerate(lines) if ln.strip() and not ln.startswith(">")]
    quoted = [i for i, ln in enumerate(lines) if ln.startswith(">")]
    return bool(quoted and written) and max(written) < min(quoted) + 2


def _drop_trailing_attribution(text: str) -> str:
    lines = text.rstrip().split("\n")
    if lines and re.search(r"(wrote|schrieb|a écrit|escribió|escreveu|schreef)\s*:\s*$",
                           lines[-1], re.IGNORECASE):
        lines = lines[:-1]
    return "\n".join(lines)


def _cut_signature(text: str) -> str:
    lines = text.split("\n")
    for i in range(len(lines) - 1, -1, -1):
        if _SIGNATURE.match(lines[i].rstrip()) and len(lines) - i <= 12 and i > 0:
            return "\n".join(lines[:i])
    return text
