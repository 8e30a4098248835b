"""HTML made safe to hand to html.parser and html2text: linear work, bounded output.

Python's html.parser (3.11) is quadratic on some broken markup (`<a <a <a`,
an unclosed `<!--`), and html2text indents each nested list or quote, so its
output grows with the depth squared: 264 KB of nested lists took 124 s and
2.8 GB. One pass here, before either sees the markup: every `<` that does
not open a well-formed tag becomes `&lt;`; comments, declarations and
script/style/head content go; nesting past `max_depth` is flattened (the
text stays, each dropped block tag becomes a line break).
"""

from __future__ import annotations

import re

from parsers.limits import MAX_HTML_CHARS, MAX_HTML_DEPTH, MAX_HTML_TOKENS, cut_note

_TOKEN = re.compile(r"[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]{0,40})([^<>]{0,4000})>")
_DROP_CONTENT = frozenset("script style head title template noscript".split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# An open tag of these names is closed by the next of the same (HTML's implied end tags).
_IMPLIED = {"li": ("li",), "p": ("p",), "td": ("td", "th"), "th": ("td", "th"), "tr": ("tr",),
            "dt": ("dt", "dd"), "dd": ("dt", "dd"), "option": ("option",)}
_INLINE = frozenset("a abbr b bdi bdo big cite code em font i kbd mark q s samp small span "
                    "strike strong sub sup tt u var".split())


def cap_html(html: str, notes: list[str] | None = None) -> str:
    """The part of the HTML worth converting: MAX_HTML_CHARS and MAX_HTML_TOKENS at most."""
    size = len(html)
    html = html[:MAX_HTML_CHARS]
    cut = _nth_token(html, MAX_HTML_TOKENS)
    if cut is not None:
        html = html[:cut]
    if notes is not None and len(html) < size:
        notes.append(cut_note("HTML converted to text", len(html), size, "characters"))
    return html


def _nth_token(html: str, n: int) -> int | None:
    for i, m in enumerate(_TOKEN.finditer(html)):
        if i == n:
            return m.start()
    return None


def tidy_html(html: str, notes: list[str] | None = None, max_depth: int = MAX_HTML_DEPTH
              ) -> str:
    """Markup every later stage reads in linear time; see the module docstring.
    A flattening is said in `notes`, when given."""
    state = _State(max_depth)
    pos, size = 0, len(html)
    while pos < size:
        lt = html.find("<", pos)
        if lt == -1:
            state.out.append(html[pos:])
            break
        state.out.append(html[pos:lt])
        pos = state.markup(html, lt)
    if notes is not None and state.flattened:
        notes.append(f"HTML nested deeper than {max_depth} levels was flattened "
                     f"({state.flattened} tags) before conversion to text")
    return "".join(state.out)


class _State:
    def __init__(self, max_depth: int):
        self.out: list[str] = []
        self.stack: list[str] = []
        self.max_depth = max_depth
        self.flattened = 0

    def markup(self, html: str, lt: int) -> int:
        """Handle the markup at `lt`; return where the text goes on."""
        if html.startswith("<!--", lt):
            end = html.find("-->", lt + 4)
            return len(html) if end == -1 else end + 3
        m = _TAG.match(html, lt)
        if m is None:
            if html.startswith(("<!", "<?"), lt):  # a declaration or processing instruction
                end = html.find(">", lt)
                return len(html) if end == -1 else end + 1
            self.out.append("&lt;")
            return lt + 1
        closing, name = m.group(1) == "/", m.group(2).lower()
        if not closing and name in _DROP_CONTENT:
            end = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(html, m.end())
            return len(html) if end is None else end.end()
        if closing:
            self.close(name, m.group(0))
        else:
            self.open(name, m.group(0))
        return m.end()

    def open(self, name: str, tag: str) -> None:
        stack = self.stack
        if name in _VOID or tag.endswith("/>"):
            self.out.append(tag)
            return
        if stack and stack[-1] in _IMPLIED.get(name, ()):
            stack.pop()
        if len(stack) >= self.max_depth:
            self.flattened += 1
            self.out.append(" " if name in _INLINE else "<br>")
            return
        stack.append(name)
        self.out.append(tag)

    def close(self, name: str, tag: str) -> None:
        if name not in self.stack:
            self.out.append(" " if name in _INLINE else "<br>")
            return
        while self.stack.pop() != name:
            pass
        self.out.append(tag)
