"""Email addresses: parse, normalise, compare.

Addresses are compared lower-cased; the display name is kept for greetings.
Plus-addressing (`support+42@x`) is split here so routing can use it.
"""

from __future__ import annotations

import re
from email.utils import getaddresses, parseaddr

_ADDR = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+$")


def parse_address(text: str | None) -> tuple[str, str] | None:
    """One `Name <addr>` -> (name, lower-case addr), or None when it is no address."""
    if not text or "\n" in text or "\r" in text:
        return None
    name, addr = parseaddr(text)
    addr = addr.strip().lower()
    if not _ADDR.match(addr):
        return None
    return name.strip(), addr


def parse_address_list(values) -> tuple[tuple[str, str], ...]:
    """Header values (str or (name, addr) pairs) -> unique (name, addr) pairs, in order."""
    pairs: list[tuple[str, str]] = []
    for value in values or ():
        if isinstance(value, (tuple, list)) and len(value) == 2:
            pairs.append((str(value[0] or ""), str(value[1] or "")))
        else:
            pairs.extend(getaddresses([str(value)]))
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for name, addr in pairs:
        addr = addr.strip().lower()
        if _ADDR.match(addr) and addr not in seen:
            seen.add(addr)
            out.append((name.strip(), addr))
    return tuple(out)


def split_plus(addr: str) -> tuple[str, str | None]:
    """`support+42@x` -> ("support@x", "42"); no tag -> (addr, None)."""
    local, _, domain = addr.rpartition("@")
    base, plus, tag = local.partition("+")
    if not plus:
        return addr, None
    return f"{base}@{domain}", tag


def domain_of(addr: str) -> str:
    return addr.rpartition("@")[2].lower()
