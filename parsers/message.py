"""Raw bytes -> ParsedMessage: one MIME parse, one walk, no database, no network.

A parse never raises on bad input: broken MIME, unknown or lying charsets and
NUL bytes give a message with `defects` listed and text decoded with U+FFFD.
Only input with nothing usable raises ParseError, which the pipeline turns
into a quarantine entry. The steps: mend the raw header block
(parsers.repair), take big attachments out (parsers.bigparts), build the
stdlib tree once (parsers.tree), walk it once (parsers.mime); mail-parser
looks at the same tree only when the stdlib found it broken
(parsers.recover). Every derived value is capped (parsers.limits) and each
cut is named in `defects`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from parsers.addresses import robot_sender
from parsers.bigparts import extract_big_parts
from parsers.charsets import decode_header_value, raw_hint
from parsers.dates import message_date
from parsers.detect import NO_HINT, Hint, script_of
from parsers.dsn import BounceReport, parse_dsn
from parsers.headers import Headers
from parsers.mime import Attachment, Forward, Walked, walk
from parsers.readable import readable
from parsers.recover import recover
from parsers.references import capped_id_list, normalize_message_id
from parsers.repair import repair
from parsers.robots import HUMAN, RobotFinding, detect_robot
from parsers.tree import TOO_DEEP, build

__all__ = ["TOO_DEEP", "Attachment", "Forward", "ParseError", "ParsedMessage", "parse_message"]


class ParseError(Exception):
    """The bytes hold nothing we can make a message of."""


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    from_: tuple[str, str] | None  # (name, addr); addr is a bare `mailer-daemon` for bounces
    reply_to: tuple[tuple[str, str], ...]
    to: tuple[tuple[str, str], ...]
    cc: tuple[tuple[str, str], ...]
    original_to: tuple[str, ...]  # X-Original-To, Envelope-To: the address before aliases
    delivered_to: tuple[str, ...]  # Delivered-To: often the final mailbox, after aliases
    subject: str
    date: datetime | None  # the author's Date in UTC; the receive time when it is unusable
    text: str
    html: str
    visible_text: str
    attachments: tuple[Attachment, ...]
    robot: RobotFinding
    headers: dict[str, str] = field(repr=False)  # lower-case name -> first value
    authentication_results: tuple[str, ...] = ()
    defects: tuple[str, ...] = ()
    sha256: str = ""
    size: int = 0
    forwards: tuple[Forward, ...] = ()
    received_count: int = 0
    bounce: BounceReport | None = None  # for delivery status notifications

    @property
    def from_addr(self) -> str | None:
        return self.from_[1] if self.from_ else None

    @property
    def from_name(self) -> str:
        return self.from_[0] if self.from_ else ""

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Every Message-ID this mail says it answers: In-Reply-To first."""
        return tuple(dict.fromkeys(self.in_reply_to + tuple(reversed(self.references))))

    @property
    def is_spam(self) -> bool:
        flag = self.headers.get("x-spam-flag", "").strip().lower()
        status = self.headers.get("x-spam-status", "").strip().lower()
        return flag == "yes" or status.startswith("yes")


def parse_message(raw: bytes, received_at: datetime | None = None) -> ParsedMessage:
    """Parse one RFC 5322 message; see the module docstring for the guarantees."""
    if not raw or not raw.strip():
        raise ParseError("empty message")
    mended = repair(raw)
    extracted = extract_big_parts(mended.raw)
    hint = None if extracted.raw.isascii() else raw_hint(extracted.raw)
    try:
        msg, too_deep = build(extracted.raw, hint or NO_HINT)
        walked = _walk(msg, extracted, hint or NO_HINT, too_deep)
    except Exception as exc:  # the stdlib parser and walk on input nobody foresaw
        raise ParseError(f"the MIME structure could not be read: {exc!r}") from exc
    defects = list(mended.notes) + walked.defects
    if walked.mime_defects:
        defects += recover(msg, walked, len(extracted.raw))
    headers = Headers(msg, _body_hint(hint, walked))
    if not headers:
        raise ParseError("no header lines found")
    return _assemble(raw, headers, walked, msg, defects, received_at)


def _walk(msg, extracted, hint: Hint, too_deep: bool) -> Walked:
    if too_deep:  # nesting too deep for any MIME parser: say why the body is missing
        return Walked(plain=[f"({TOO_DEEP}; the raw message is kept.)"], defects=[TOO_DEEP])
    return walk(msg, extracted, hint)


def _body_hint(hint: Hint | None, walked: Walked) -> Hint:
    """Raw 8-bit headers are read in the script the body is written in."""
    if hint is None or not hint.sample:
        return NO_HINT  # no raw 8-bit header line: nothing to decode
    body = "\n".join(walked.plain[:3] + walked.html[:3])
    return Hint(hint.codecs, script_of(body) or hint.script, hint.sample)


def _assemble(raw, headers: Headers, walked: Walked, msg, defects: list[str],
              received_at) -> ParsedMessage:
    subject = headers.decoded("subject")
    firsts = headers.firsts()
    from_, reply_to, to, cc = _participants(headers, defects)
    shown = readable(walked, subject, defects)
    robot = _robot(firsts, headers, from_, subject)
    in_reply_to, _ = capped_id_list("In-Reply-To", headers.first("in-reply-to"))
    references, note = capped_id_list("References", headers.first("references"))
    date, date_note = message_date(headers.first("date"), received_at)
    defects += [n for n in (note, date_note) if n]
    return ParsedMessage(
        message_id=normalize_message_id(headers.first("message-id")),
        in_reply_to=in_reply_to, references=references,
        from_=from_, reply_to=reply_to, to=to, cc=cc,
        original_to=headers.envelope("x-original-to", "envelope-to"),
        delivered_to=headers.envelope("delivered-to"),
        subject=subject, date=date,
        text=shown.text, html=shown.html, visible_text=shown.visible,
        attachments=shown.attachments,
        robot=robot,
        headers=firsts,
        authentication_results=tuple(decode_header_value(v, headers.hint)
                                     for v in headers.all("authentication-results")),
        defects=tuple(dict.fromkeys(defects)),
        sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        forwards=tuple(walked.forwards),
        received_count=headers.count("received"),
        bounce=_bounce(msg, headers, robot),
    )


def _participants(headers: Headers, defects: list[str]):
    """From, Reply-To, To and Cc, each capped; a bare MAILER-DAEMON is a usable From."""
    out = []
    for name, label in (("from", "From"), ("reply-to", "Reply-To"), ("to", "To"), ("cc", "Cc")):
        pairs, note = headers.addresses(name, label)
        out.append(pairs)
        if note:
            defects.append(note)
    from_list = out[0]
    if not from_list:
        robot = robot_sender(headers.decoded("from"))
        from_list = (robot,) if robot else ()
    return (from_list[0] if from_list else None), out[1], out[2], out[3]


def _robot(firsts: dict[str, str], headers: Headers, from_, subject: str) -> RobotFinding:
    try:
        return detect_robot(firsts, headers.first("content-type") or "",
                            headers.first("return-path"), from_[1] if from_ else None, subject,
                            received=headers.count("received"))
    except Exception:
        return HUMAN


def _bounce(msg, headers: Headers, robot: RobotFinding) -> BounceReport | None:
    """Only mail that looks like a bounce is searched for the Message-ID it returns."""
    if not robot.is_bounce:
        return None
    try:
        return parse_dsn(msg, headers.first("x-failed-recipients") or "")
    except Exception:  # a broken report is still a bounce, of an unknown mail
        return BounceReport((), ())

