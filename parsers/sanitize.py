"""HTML made safe to show: an allowlist of tags and attributes, nothing active.

We store the raw HTML as received (evidence, reprocessing) and show only
this: scripts, styles, event handlers, forms and frames are dropped,
`javascript:`/`data:` links removed, and remote images replaced by their alt
text (no tracking pixels); `cid:` images stay, they are our attachments.
The markup is tidied first (parsers.htmltidy): html.parser is quadratic on
some broken markup, and a stored mail is shown again and again.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from parsers.htmltidy import tidy_html

ALLOWED_TAGS = frozenset(
    "a abbr b blockquote br caption code dd div dl dt em font h1 h2 h3 h4 h5 h6 hr i img li "
    "ol p pre s small span strong sub sup table tbody td tfoot th thead tr u ul".split())
ALLOWED_ATTRS = frozenset("href src alt title colspan rowspan align dir lang width height".split())
DROP_WITH_CONTENT = frozenset("script style head title template noscript iframe object embed "
                              "frame frameset applet form textarea select svg math".split())
VOID = frozenset("br hr img".split())
_SAFE_URL = re.compile(r"^(https?:|mailto:|cid:|#)", re.IGNORECASE)


def sanitize_html(raw: str) -> str:
    """Markup that can be inserted into a page as it is."""
    cleaner = _Cleaner()
    try:
        cleaner.feed(tidy_html(raw or ""))
        cleaner.close()
    except Exception:  # html.parser on hostile input: fall back to escaped text
        return html.escape(raw or "")
    return "".join(cleaner.out)


class _Cleaner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DROP_WITH_CONTENT:
            self.skip += 1
            return
        if self.skip or tag not in ALLOWED_TAGS:
            return
        kept = []
        for name, value in attrs:
            value = value or ""
            if name not in ALLOWED_ATTRS:
                continue
            if name in ("href", "src"):
                clean = "".join(value.split())
                if not _SAFE_URL.match(clean):
                    continue
                if tag == "img" and name == "src" and not clean.lower().startswith("cid:"):
                    continue  # remote images are blocked by default (tracking pixels)
            kept.append(f' {name}="{html.escape(value, quote=True)}"')
        if tag == "a":
            kept.append(' rel="noopener noreferrer nofollow"')
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in DROP_WITH_CONTENT:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip or tag not in ALLOWED_TAGS or tag in VOID or tag not in self.open:
            return
        while self.open:
            top = self.open.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data):
        if not self.skip:
            self.out.append(html.escape(data, quote=False))

    def close(self):
        super().close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
