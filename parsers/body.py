"""Bodies: HTML to readable text, and the visible part of a reply.

`visible_text` is what the author wrote now: without the quoted thread and
without the signature (parsers.quotes, parsers.htmlquotes,
parsers.signatures). When unsure we keep text rather than cut it, and an
empty result means "keep everything". Input is capped (parsers.limits) and
HTML is tidied (parsers.htmltidy) first, so each call is linear and bounded.
"""

from __future__ import annotations

import re

import html2text

from parsers.htmlquotes import strip_html_quotes
from parsers.htmltidy import cap_html, tidy_html
from parsers.limits import MAX_QUOTE_CHARS
from parsers.quotes import attribution_at, strip_quotes
from parsers.signatures import strip_signature

_MD_ESCAPE = re.compile(r"\\([-+*_#.!\[\]`])")
_HR_TAIL = re.compile(r"(\n\s*\* \* \*\s*)+$")  # html2text's <hr>, left over at the end
_UNSAFE_LINK = re.compile(r"\]\(\s*(?:javascript|vbscript|data):[^)]*\)", re.IGNORECASE)
_BLANK_RUN = re.compile(r"\n\s*\n(\s*\n)+")


def html_to_text(html: str) -> str:
    """Readable text from HTML: paragraphs and links kept; scripts, styles, comments dropped."""
    return tidy_text(tidy_html(cap_html(html or "")))


def tidy_text(html: str) -> str:
    """html_to_text for markup that parsers.htmltidy has tidied already."""
    try:
        text = _converter().handle(html)
    except Exception:  # html2text on hostile markup: fall back to the tags stripped
        text = re.sub(r"<[^<>]*>", " ", html)
    text = _UNSAFE_LINK.sub("]", text)
    text = _MD_ESCAPE.sub(r"\1", text).replace("\xa0", " ")
    text = "\n".join(ln.rstrip() for ln in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _converter() -> html2text.HTML2Text:
    conv = html2text.HTML2Text()
    conv.body_width = 0
    conv.ignore_images = True
    conv.ignore_emphasis = True
    conv.ignore_tables = True
    conv.protect_links = False
    conv.inline_links = True
    conv.unicode_snob = True
    conv.single_line_break = False
    return conv


def visible_text(text: str, bare_quotes: bool = True) -> str:
    """The author's own words in plain text: quoted thread and signature removed."""
    text = (text or "").replace("\r\n", "\n")[:MAX_QUOTE_CHARS]
    cut = strip_signature(strip_quotes(text, bare_quotes))
    cut = _BLANK_RUN.sub("\n\n", _drop_trailing_attribution(cut)).strip()
    return cut if cut else text.strip()


def visible_html_text(html: str, converted: str | None = None, tidy: bool = True) -> str:
    """The author's words from HTML: quotes found by markup, then by the text rules.

    `converted` is html_to_text(html) when the caller has it; `tidy=False` says the
    markup went through parsers.htmltidy (and the size cap) already."""
    html = tidy_html(cap_html(html or "")) if tidy else html
    stripped, found = strip_html_quotes(html)
    whole = converted if converted is not None or found else tidy_text(html)
    visible = visible_text(tidy_text(stripped) if found else whole, bare_quotes=False)
    shown = _HR_TAIL.sub("", visible)
    if shown or not found:
        return shown or visible
    return visible_text(whole if whole is not None else tidy_text(html), bare_quotes=False)


def _drop_trailing_attribution(text: str) -> str:
    lines = text.rstrip().split("\n")
    for n in (1, 2, 3):
        if len(lines) > n and attribution_at(lines, len(lines) - n) == n:
            return "\n".join(lines[:-n])
    return text
