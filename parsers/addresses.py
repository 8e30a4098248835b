"""Email addresses: parse, normalise, compare.

Addresses are compared lower-cased; the display name is kept for greetings.
Plus-addressing (`support+42@x`) is split here so routing can use it. What
real mail holds is accepted: quoted local parts (`"#FAX#123"@host`) and
`Name addr@host` without angle brackets. A header names at most
MAX_ADDRESSES, found in one linear pass, however long it is.
"""

from __future__ import annotations

import re
from email.utils import getaddresses, parseaddr

from parsers.controls import strip_controls  # noqa: F401 (re-exported)
from parsers.limits import MAX_ADDRESSES, cut_note

_ATOMS = r"[^@\s<>()\[\],;:\"]+"
_LOCAL = rf"(?:\"(?:[^\"\\\r\n]|\\.){{1,64}}\"|{_ATOMS})"
_ADDR = re.compile(rf"^{_LOCAL}@{_ATOMS}$")
_BARE = re.compile(rf"{_LOCAL}@{_ATOMS}\.{_ATOMS}")
# Top-level commas separate entries; quoted strings, comments and <...> may hold commas.
_LIST_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\((?:[^()\\]|\\.)*\)|<[^<>]*>|,')
# Bounce senders that some MTAs write without a domain (`From: MAILER-DAEMON`).
ROBOT_LOCAL_PARTS = frozenset({"mailer-daemon", "postmaster", "mail-daemon"})


def parse_address(text: str | None) -> tuple[str, str] | None:
    """One `Name <addr>` -> (name, lower-case addr), or None when it is no address.

    Strict: the config's addresses go through here, and `Name addr` there is a typo
    to report; mail headers are read leniently by header_addresses."""
    if not text or "\n" in text or "\r" in text:
        return None
    name, addr = parseaddr(text)
    return _valid(name, addr)


def parse_address_list(values) -> tuple[tuple[str, str], ...]:
    """Header values (str or (name, addr) pairs) -> unique (name, addr) pairs, in order."""
    pairs: list[tuple[str, str]] = []
    for value in values or ():
        if isinstance(value, (tuple, list)) and len(value) == 2:
            pairs.append((str(value[0] or ""), str(value[1] or "")))
        else:
            pairs.extend(_entries(str(value), MAX_ADDRESSES)[0])
    return _unique(pairs)


def header_addresses(values: list[str], name: str = "addresses",
                     limit: int = MAX_ADDRESSES) -> tuple[tuple[tuple[str, str], ...], str]:
    """(unique (name, addr) pairs, "" or a defect sentence) from raw header values.

    Entries are split before names are decoded, so an encoded comma
    (`=?utf-8?q?Doe=2C_John?=`) stays inside its name; past `limit` they are dropped."""
    pairs: list[tuple[str, str]] = []
    total = 0
    for value in values:
        found, count = _entries(" ".join(value.split()), limit - len(pairs))
        pairs.extend(found)
        total += count
    note = cut_note(name, limit, total, "addresses") if total > limit else ""
    from parsers.charsets import decode_header_value  # late: config checks need none of it

    decoded = [(" ".join(decode_header_value(n).split()), a) for n, a in pairs]
    return _unique(decoded), note


def robot_sender(value: str) -> tuple[str, str] | None:
    """`MAILER-DAEMON` or `Mail System <postmaster>` without a domain -> a usable sender."""
    name, addr = parseaddr(" ".join((value or "").split()))
    local = addr.strip().lower()
    return (name.strip(), local) if local in ROBOT_LOCAL_PARTS else None


def _entries(value: str, limit: int) -> tuple[list[tuple[str, str]], int]:
    """Up to `limit` (name, addr) pairs from one header value, and how many it holds."""
    if not value.strip():
        return [], 0
    cuts = [m.start() for m in _LIST_TOKEN.finditer(value) if m.group() == ","]
    if limit <= 0:
        return [], len(cuts) + 1
    head = value if len(cuts) < limit else value[: cuts[limit - 1]]
    pairs = [_valid(n, a) or _bare(a) for n, a in getaddresses([head])]
    if not any(pairs):  # a parser that gave up on `Name addr@host`: look for bare ones
        bounds = [-1] + [c for c in cuts if c < len(head)] + [len(head)]
        pairs = [_bare(head[a + 1:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    return [p for p in pairs if p][:limit], len(cuts) + 1


def _valid(name: str, addr: str) -> tuple[str, str] | None:
    addr = addr.strip().lower()
    return (name.strip(), addr) if _ADDR.match(addr) else None


def _bare(text: str) -> tuple[str, str] | None:
    """`Dana dana@x.example` (no angle brackets): the address, and the words before it."""
    m = _BARE.search(text or "")
    if not m:
        return None
    return text[: m.start()].strip(" \t\"'<"), m.group(0).lower()


def _unique(pairs) -> tuple[tuple[str, str], ...]:
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for name, addr in pairs:
        addr = addr.strip().lower()
        if _ADDR.match(addr) and addr not in seen:
            seen.add(addr)
            out.append((display_name(name), addr))
    return tuple(out)


_AT_SIGNS = ("@", "\uff20", "\ufe6b")  # @, fullwidth and small commercial at


def display_name(name: str) -> str:
    """A display name fit to show beside its address: without control characters, and
    empty when it holds an address of its own (`"alice@example.com" <evil@x>` must not
    show as alice)."""
    name = strip_controls(name or "").strip()
    return "" if any(a in name for a in _AT_SIGNS) else name


def split_plus(addr: str) -> tuple[str, str | None]:
    """`support+42@x` -> ("support@x", "42"); no tag -> (addr, None)."""
    local, _, domain = addr.rpartition("@")
    base, plus, tag = local.partition("+")
    if not plus:
        return addr, None
    return f"{base}@{domain}", tag


def domain_of(addr: str) -> str:
    return addr.rpartition("@")[2].lower()
