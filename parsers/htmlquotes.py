"""Quoted history in HTML mail, found by the markup each client writes.

Gmail wraps the quote in `div.gmail_quote`; Apple Mail and Thunderbird use
`<blockquote type="cite">` under an attribution (`div.moz-cite-prefix`);
Outlook puts `<div id="divRplyFwdMsg">` or a bordered div with a bold
"From:" over an unmarked copy of the old mail, so everything after it goes.
A plain `<blockquote>` without an attribution is formatting, and is kept.
The HTML has been decoded already, so quoted-printable (`id=3D"..."`) is gone,
and tidied (parsers.htmltidy), so every tag closes within a bounded length. An
attribution is looked for in the few thousand characters above a blockquote
only, so the work stays linear in the size of the mail.
"""

from __future__ import annotations

import re

from parsers.quotes import attribution_at

# Everything from here to the end of the document is history (Outlook and friends).
_CUT_TO_END = re.compile(
    r"""<div[^>]*\bid\s*=\s*["']?(?:x_)?(?:divRplyFwdMsg|appendonsend|"""
    r"""mail-editor-reference-message-container)\b"""
    r"""|<hr[^>]*\bid\s*=\s*["']?(?:ecx)?stopSpelling\b"""
    r"""|<div[^>]*\bname\s*=\s*["']?messageReplySection"""
    r"""|<div[^>]*\bclass\s*=\s*["'][^"']*\b(?:x_)?(?:OutlookMessageHeader|yahoo_quoted|"""
    r"""zmail_extra|protonmail_quote)\b"""
    r"""|<(?:div|hr)[^>]*\bdata-marker\s*=\s*["']__(?:QUOTED_TEXT|DIVIDER|HEADERS)__"""
    r"""|<div[^>]*style\s*=\s*["'][^"']*border-top\s*:\s*solid\s*#(?:E1E1E1|B5C4DF)[^>]*>"""
    r"""\s*(?:<p[^>]*>\s*)?(?:<[bs][^>]*>|<span[^>]*>\s*<b>)""",
    re.IGNORECASE | re.DOTALL,
)
# Elements removed whole, text after them kept (bottom-posting works).
_QUOTE_ELEMENT = re.compile(
    r"""<(div|blockquote)\b[^>]*\bclass\s*=\s*["'][^"']*\b(?:gmail_quote|gmail_quote_container|"""
    r"""moz-cite-prefix|gmail_attr|protonmail_quote)\b[^>]*>"""
    r"""|<(div)\b[^>]*\bname\s*=\s*["']quote["'][^>]*>"""
    r"""|<(blockquote)\b[^>]*\btype\s*=\s*["']?cite\b[^>]*>""",
    re.IGNORECASE,
)
_SIGNATURE_ELEMENT = re.compile(
    r"""<(div|span|table)\b[^>]*\b(?:class|id)\s*=\s*["'][^"']*\b(?:gmail_signature|"""
    r"""gmail_signature_prefix|protonmail_signature_block|"""
    r"""moz-signature|Signature|x_Signature)\b[^>]*>""",
    re.IGNORECASE,
)
_BARE_BLOCKQUOTE = re.compile(r"<blockquote\b[^>]*>", re.IGNORECASE)
ABOVE = 3000  # characters of markup above a blockquote that can hold its attribution
MAX_REMOVED = 50  # quote elements removed per kind; a mail with more is not a reply
_MAX_BOUNDARIES = 20  # tag boundaries tried when cutting an attribution's markup


def strip_html_quotes(html: str) -> tuple[str, bool]:
    """(HTML without quoted history and signature blocks, whether anything was found)."""
    found = False
    m = _CUT_TO_END.search(html)
    if m:
        html, found = _cut_hr_before(html[: m.start()]), True
    for pattern in (_QUOTE_ELEMENT, _SIGNATURE_ELEMENT):
        html, n = _remove_elements(html, pattern)
        found = found or n > 0
    html, n = _remove_attributed_blockquotes(html)
    return html, found or n > 0


def _cut_hr_before(html: str) -> str:
    """Outlook puts an <hr> (or an empty styled div) right above the header block."""
    return re.sub(r"(?is)<hr[^>]*>\s*(</?div[^>]*>\s*)*$", "", html)


def _remove_elements(html: str, pattern: re.Pattern) -> tuple[str, int]:
    count, pos = 0, 0
    for _ in range(MAX_REMOVED):
        m = pattern.search(html, pos)
        if not m:
            break
        tag = next(g for g in m.groups() if g).lower()
        end = element_end(html, m.start(), tag)
        html, pos = html[: m.start()] + html[end:], m.start()
        count += 1
    return html, count


def element_end(html: str, start: int, tag: str) -> int:
    """Index after the element opened at `start`, by counting its nested same-name tags."""
    token = re.compile(rf"<(/?){tag}\b[^>]*>", re.IGNORECASE)
    depth = 0
    for m in token.finditer(html, start):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.end()
    return len(html)


def _remove_attributed_blockquotes(html: str) -> tuple[str, int]:
    """A bare <blockquote> is a quote only when an attribution line sits right above it."""
    from parsers.body import html_to_text

    count, pos = 0, 0
    for _ in range(MAX_REMOVED):
        m = _BARE_BLOCKQUOTE.search(html, pos)
        if not m:
            break
        before = html_to_text(_above(html, m.start())).rstrip().split("\n")
        tail = [ln for ln in before[-3:] if ln.strip()]
        n_lines = len(tail)
        if tail and any(attribution_at(tail, i) for i in range(n_lines)):
            end = element_end(html, m.start(), "blockquote")
            head = _drop_attribution_markup(html[: m.start()])
            html = head + html[end:]
            pos = len(head)
            count += 1
        else:
            pos = m.end()
    return html, count


def _drop_attribution_markup(head: str) -> str:
    """Cut the attribution before a removed blockquote: back to the furthest tag
    boundary whose following text is still nothing but the attribution."""
    from parsers.body import html_to_text

    best, size = None, 0
    near = list(_BOUNDARY.finditer(head, max(0, len(head) - ABOVE)))[-_MAX_BOUNDARIES:]
    for m in reversed(near):
        lines = [ln for ln in html_to_text(head[m.start():]).split("\n") if ln.strip()]
        if not lines:
            continue
        if len(lines) > 3 or attribution_at(lines, 0) != len(lines) or size not in (0,
                                                                                  len(lines)):
            break  # more text than the attribution the first boundary found
        best, size = m.start(), len(lines)
    return head[:best] if best is not None else head


def _above(html: str, start: int) -> str:
    """The markup just above `start`, from a tag boundary: where an attribution sits."""
    if start <= ABOVE:
        return html[:start]
    lt = html.find("<", start - ABOVE, start)
    return html[lt if lt != -1 else start - ABOVE : start]


_BOUNDARY = re.compile(r"<(?:br|/p|/div|p|div)\b[^>]*>", re.IGNORECASE)
