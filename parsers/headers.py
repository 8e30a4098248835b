"""The top-level header block, indexed once: lower-case name -> every value, in order.

Values come as written (raw 8-bit bytes kept by the parser as surrogates)
and are decoded here with what the rest of the mail says about its charset
(parsers.detect.Hint), not turned into U+FFFD or Latin-1 mojibake.
"""

from __future__ import annotations

from email.message import Message

from parsers.addresses import header_addresses, parse_address_list
from parsers.charsets import decode_header_value, unescape_8bit
from parsers.detect import NO_HINT, Hint


class Headers:
    def __init__(self, msg: Message, hint: Hint = NO_HINT):
        self.hint = hint
        self._index: dict[str, list[str]] = {}
        for name, value in _raw_items(msg):
            self._index.setdefault(str(name).strip().lower(), []).append(_text(value))

    def __bool__(self) -> bool:
        return bool(self._index)

    def all(self, name: str) -> list[str]:
        """Every value, 8-bit bytes decoded, RFC 2047 words left as written."""
        return [unescape_8bit(v, self.hint) for v in self._index.get(name, ())]

    def first(self, name: str) -> str | None:
        values = self._index.get(name)
        return unescape_8bit(values[0], self.hint) if values else None

    def count(self, name: str) -> int:
        return len(self._index.get(name, ()))

    def firsts(self) -> dict[str, str]:
        """Lower-case name -> first value: what ParsedMessage.headers holds."""
        return {k: unescape_8bit(v[0], self.hint) for k, v in self._index.items()}

    def decoded(self, name: str) -> str:
        """The first value with encoded words decoded and white space folded."""
        return " ".join(decode_header_value(self.first(name) or "", self.hint).split())

    def addresses(self, name: str, label: str) -> tuple[tuple[tuple[str, str], ...], str]:
        """(name, addr) pairs of every `name` header, capped; "" or the cut as a defect."""
        return header_addresses(self.all(name), label)

    def envelope(self, *names: str) -> tuple[str, ...]:
        """Addresses from X-Original-To, Delivered-To and the like, without repeats."""
        out: dict[str, None] = {}
        for name in names:
            for _, addr in parse_address_list(self.all(name)):
                out[addr] = None
        return tuple(out)


def _raw_items(msg: Message):
    try:
        return list(msg.raw_items())
    except Exception:
        return []


def _text(value) -> str:
    return value if isinstance(value, str) else str(value)
