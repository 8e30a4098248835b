"""The author's own words in a plain-text reply: quoted thread and signature cut.

Three shapes of quoting are recognised: an attribution line ("On ... wrote:"
in many languages) over `>` lines, which may sit above or below the new text
or between its paragraphs; an Outlook-style header block ("-----Original
Message-----", or From:/Sent:/To:/Subject: lines) over an unmarked copy of the
old mail, which always runs to the end; and bare `>` lines. When the rules
are unsure, text is kept: a reply cut short is worse than a long one.

The work is linear in the lines: facts about each line are computed once,
the patterns cannot backtrack on long runs of blanks, and the costly
attribution pattern runs only on windows ending in a colon, at most
MAX_ATTRIBUTION_TRIES times per text.
"""

from __future__ import annotations

import re

import quotequail

_WROTE = (
    r"wrote|schrieb|a écrit|escribió|escreveu|schreef|het volgende geschreven|ha scritto|"
    r"skrev|kirjoitti|napisał|pisze|napsal|(?:на)?писал(?:\(а\)|а)?|пишет|написав|пише|"
    r"yazdı|έγραψε|írta|a scris|"
    r"写道|寫道|のメッセージ|さんは書きました|書きました"
)
_LEAD = r"On|Am|Le|El|Em|Às|Op|Il|Il giorno|Den|På|Dne|W dniu|Το|В|在|於"
# Clients wrap long attributions inside the brackets: `Support <` / `support@x>:`.
_ANGLE_ADDR = r"< ?[^>\s]+@[^>\s]+ ?>"
# One attribution, possibly wrapped over up to three lines by the sender's client. It
# must name a date or an address, so "My colleague wrote:" in a sentence is not one.
_ATTRIBUTION = re.compile(
    rf"^\s*(?:"
    rf"(?:{_LEAD})\s.{{0,300}}?(?:{_WROTE}).{{0,200}}?"
    rf"|.{{0,200}}(?:{_WROTE})"
    rf"|.{{0,120}}\b(?:wrote|schrieb|schreef|skrev) (?:on|am|op|den)\b.{{0,120}}"
    rf"|.{{0,120}}\d[:.]\d\d\b.{{0,40}}\b(?:{_WROTE})\s.{{0,100}}@.{{0,100}}"
    rf"|\d{{4}}年\d{{1,2}}月\d{{1,2}}日.{{0,120}}{_ANGLE_ADDR}"
    rf"|.{{0,60}}\b\d{{1,2}}:\d\d\b.{{0,100}}{_ANGLE_ADDR}"
    rf"|\d{{4}}[/.-]\d{{1,2}}[/.-]\d{{1,2}}.{{0,120}}{_ANGLE_ADDR}"
    rf")\s*[:：]\s*$",
    re.IGNORECASE,
)
_EVIDENCE = re.compile(r"\d|@")
_ORIGINAL = re.compile(
    r"^\s*[-_=]{2,}\s*(original message|ursprüngliche nachricht|originalnachricht|"
    r"message d'origine|message original|mensaje original|mensagem original|"
    r"oorspronkelijk bericht|origineel bericht|messaggio originale|原始邮件|原始郵件|"
    r"元のメッセージ|オリジナルメッセージ|reply message|antwort-nachricht)\s*[-_=]{2,}\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*(_{10,}|-{10,})\s*$")
_HDR_FROM = re.compile(
    r"^\s*+[*>]*+\s*+(from|von|de|van|da|från|fra|od|от|送信者|差出人|发件人|發件人|寄件者|"
    r"发件人|kimden|mittente)\s*+[*]?\s*+[:：]", re.IGNORECASE)
_HDR_NEXT = re.compile(
    r"^\s*+[*>]*+\s*+(sent|date|gesendet|datum|envoyé|date d'envoi|enviado|enviada|fecha|"
    r"data|verzonden|verstuurd|inviato|skickat|sendt|送信日時|日時|发送时间|時間|日期|"
    r"to|an|à|para|aan|a|till|til|宛先|收件人|cc|kopie|"
    r"отправлено|дата|кому|копия|тема|"
    r"subject|betreff|objet|asunto|assunto|onderwerp|oggetto|ämne|emne|件名|主题|主旨)"
    r"\s*+[*]?\s*+[:：]", re.IGNORECASE)
_FORWARD = re.compile(r"^\s*(-{3,}\s*forwarded message|begin forwarded message:|"
                      r"-{3,}\s*weitergeleitete nachricht|-{3,}\s*message transféré)",
                      re.IGNORECASE)


MAX_ATTRIBUTION_TRIES = 600  # windows ending in a colon tested per text: 0.3 ms at worst each
_INVISIBLE = "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"


def strip_quotes(text: str, bare_quotes: bool = True) -> str:
    """Text without quoted history (signatures are cut by parsers.signatures).

    `bare_quotes=False` keeps `>` lines with no attribution: in text made from
    HTML they are <blockquote>s the markup did not mark as quotes."""
    lines = _Lines(text.split("\n"))
    start = _header_block_start(lines)
    if start == -1:
        return text  # a forward comes first: all of it is what the customer sends us
    if start is not None:
        return "\n".join(lines.text[:start])
    kept = _drop_attributed_quotes(lines)
    if kept is not None:
        return "\n".join(kept)
    if not bare_quotes:
        return text
    if any(lines.quoted) and lines.first_text < len(lines.text):
        return "\n".join(ln for ln, q in zip(lines.text, lines.quoted, strict=True) if not q)
    return _quotequail(text, lines)


class _Lines:
    """The lines of a text with what every rule asks of them, computed once."""

    def __init__(self, text: list[str]):
        self.text = text
        right = [ln.rstrip().rstrip(_INVISIBLE) for ln in text]
        left = [ln.lstrip() for ln in right]
        self.quoted = [ln.startswith(">") for ln in left]
        self.blank = [not ln.strip() for ln in text]
        self.colon = [ln.endswith((":", "：")) for ln in right]
        self.line_end = [ln[-1:] in (":", ">") for ln in right]
        self.marker = [_maybe_marker(ln) for ln in left]
        self.first_text = next((i for i, (q, b) in enumerate(zip(self.quoted, self.blank,
                                                                  strict=True))
                                if not q and not b), len(text))
        self.tries = MAX_ATTRIBUTION_TRIES

    def text_before(self, i: int) -> bool:
        return self.first_text < i

    def attribution_at(self, i: int) -> int:
        if self.tries <= 0 or not any(self.colon[i:i + 3]):
            return 0
        return attribution_at(self.text, i, self)


def _maybe_marker(left: str) -> bool:
    """Could a header-block, rule or forward pattern match? (a cheap test, most lines fail)"""
    bare = left.lstrip("*>").lstrip()
    return bare[:1] in ("-", "_", "=") or ":" in bare[:40] or "：" in bare[:40]


def _header_block_start(lines: _Lines) -> int | None:
    """Outlook and friends: the old mail follows unmarked, so everything below goes.
    -1 when a forwarded message comes before any quote."""
    text = lines.text
    for i, line in enumerate(text):
        if not lines.marker[i]:
            continue
        if _FORWARD.match(line):
            return -1
        if _ORIGINAL.match(line) and lines.text_before(i):
            return i
        j = i + 1 if _RULE.match(line) else i
        if j < len(text) and _is_header_block(text, j) and lines.text_before(i):
            return i
    return None


def _is_header_block(lines: list[str], i: int) -> bool:
    """Three or more header lines from here, one of them From (GMX puts Sent first)."""
    if not (_HDR_FROM.match(lines[i]) or _HDR_NEXT.match(lines[i])):
        return False
    count, has_from = 0, False
    for line in lines[i : i + 10]:
        if _HDR_FROM.match(line):
            count, has_from = count + 1, True
        elif _HDR_NEXT.match(line):
            count += 1
        elif not line.strip():
            break
    return has_from and count >= 3


def attribution_at(lines: list[str], i: int, budget: _Lines | None = None) -> int:
    """Lines in the attribution starting at i (1-3), or 0 when there is none."""
    for n in (1, 2, 3):
        if i + n > len(lines) or not lines[i + n - 1].strip():
            break  # a wrapped attribution never spans a blank line
        if not lines[i + n - 1].rstrip().rstrip(_INVISIBLE).endswith((":", "：")):
            continue  # every attribution ends in a colon: skip the costly match
        if budget is not None:
            budget.tries -= 1
        joined = " ".join(ln.strip().strip(_INVISIBLE) for ln in lines[i : i + n])
        if len(joined) < 400 and _ATTRIBUTION.match(joined) and _EVIDENCE.search(joined):
            return n
    return 0


def _drop_attributed_quotes(lines: _Lines) -> list[str] | None:
    """Remove each attribution and the `>` block under it; keep text around them."""
    text, quoted, blank = lines.text, lines.quoted, lines.blank
    out: list[int] = []
    i, found = 0, False
    while i < len(text):
        n = lines.attribution_at(i) if not quoted[i] else 0
        if n:
            k = i + n
            while k < len(text) and blank[k]:
                k += 1
            if k < len(text) and quoted[k]:
                found = True
                while k < len(text) and (quoted[k] or blank[k]):
                    k += 1
                i = k
                continue
            if k >= len(text) or (lines.text_before(i) and not quoted[k]):
                # attribution over an unmarked copy (or nothing): the rest is history
                if lines.text_before(i):
                    return [text[j] for j in out]
        out.append(i)
        i += 1
    if not found:
        return None
    kept = [text[j] for j in out if not quoted[j]]
    return kept if any(ln.strip() for ln in kept) else None


def _quotequail(text: str, lines: _Lines) -> str:
    """Last resort: quotequail's own markers; only trusted when it keeps some text.

    Every quotequail pattern ends a line with ':' or '>' or holds a run of '-' or '_';
    text without such a line cannot match, and quotequail costs ~7 ms per mail."""
    if not any(lines.line_end) and "---" not in text and "________" not in text:
        return text
    try:
        parts = quotequail.quote(text)
    except Exception:  # quotequail documents no exceptions; it must never cost a mail
        return text
    shown = "\n".join(chunk for visible, chunk in parts if visible)
    if len(parts) > 1 and shown.strip():
        return shown
    return text
