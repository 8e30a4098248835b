"""Did the receiving MTA vouch for the From domain? (RFC 8601 Authentication-Results)

Only the topmost header whose authserv-id is the one we trust counts: headers
from other ids, and any lower ones with our id, may have been written by the
sender. That header fails closed: the sender controls parts of it (the HELO
name, the envelope sender), and when those make it unreadable (`[192.0.2.1]`,
UTF-8, a `(` that swallows the rest as a comment) nobody is authenticated;
a forged header further down is never read instead. A DMARC pass naming the
From domain in `header.from`, or a DKIM pass whose `header.d` is aligned with
it (relaxed: the same domain, or one a subdomain of the other), is enough.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import authres

_COMMENT = re.compile(r"\((?:[^()\\]|\\.)*\)")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
MAX_LENGTH = 8192  # an MTA writes a few hundred characters; longer is planted, not read
_DMARC_FAIL = re.compile(r"(?:^|[;\s])dmarc\s*=\s*fail\b", re.IGNORECASE)


@dataclass(frozen=True)
class AuthVerdict:
    passed: bool
    reason: str


@dataclass(frozen=True)
class _Ours:
    raw: str
    parsed: object | None  # None: our server's header, but unreadable


def verify_sender(headers: tuple[str, ...], authserv_id: str, from_addr: str | None
                  ) -> AuthVerdict:
    """`headers`: Authentication-Results values, topmost first."""
    from_domain = _domain(from_addr)
    if not from_domain:
        return AuthVerdict(False, "no From domain")
    ours = _topmost(headers, authserv_id)
    if ours is None:
        return AuthVerdict(False, f"no Authentication-Results from {authserv_id}")
    if ours.parsed is None:
        return AuthVerdict(False, f"the topmost Authentication-Results from {authserv_id} "
                                  "cannot be read; not trusted")
    for result in ours.parsed.results:
        method, outcome = (result.method or "").lower(), (result.result or "").lower()
        if outcome != "pass":
            continue
        if method == "dmarc" and _prop(result, "header", "from") == from_domain:
            return AuthVerdict(True, f"dmarc=pass for {from_domain} ({authserv_id})")
        d = _prop(result, "header", "d")
        if method == "dkim" and aligned(d, from_domain):
            return AuthVerdict(True, f"dkim=pass header.d={d}, aligned ({authserv_id})")
    return AuthVerdict(False, f"{authserv_id} reports no DMARC pass or aligned DKIM pass "
                              f"for {from_domain}")


def dmarc_failure(headers: tuple[str, ...], authserv_id: str, from_addr: str | None
                  ) -> str | None:
    """Why the trusted server says the From domain is forged (dmarc=fail), else None.

    An unreadable header of ours that still says `dmarc=fail` is taken at its word:
    only the sender can have broken it, and holding a mail costs less than relaying it."""
    from_domain = _domain(from_addr)
    ours = _topmost(headers, authserv_id) if from_domain and authserv_id else None
    if ours is None:
        return None
    if ours.parsed is None:
        if _DMARC_FAIL.search(ours.raw):
            return f"{authserv_id} reports dmarc=fail (in a header it could not parse)"
        return None
    for result in ours.parsed.results:
        if ((result.method or "").lower() == "dmarc" and (result.result or "").lower() == "fail"
                and _prop(result, "header", "from") in ("", from_domain)):
            return f"{authserv_id} reports dmarc=fail for {from_domain}"
    return None


def _topmost(headers, authserv_id: str) -> _Ours | None:
    """The first header naming our authserv-id, read or marked unreadable."""
    wanted = authserv_id.strip().lower()
    for value in headers:
        value = _unfold(value)
        if _authserv_id(value) != wanted:
            continue
        return _Ours(value, _parse(value))
    return None


def _parse(value: str):
    """authres' reading, or None when it fails or silently drops part of the header."""
    if len(value) > MAX_LENGTH or not _balanced(value):
        return None  # an open `(` makes authres read the rest as a comment
    try:
        return authres.AuthenticationResultsHeader.parse_value(value)
    except Exception:  # authres raises its own syntax errors and ValueError alike
        return None


def _authserv_id(value: str) -> str:
    """The id before the first `;`, after any leading comments: what the MTA wrote first."""
    head = _COMMENT.sub(" ", value[:MAX_LENGTH]).split(";", 1)[0].split()
    return head[0].strip('"').lower() if head else ""


def _balanced(value: str) -> bool:
    bare = _QUOTED.sub("", value)
    depth = 0
    for ch in bare:
        depth += 1 if ch == "(" else -1 if ch == ")" else 0
        if depth < 0:
            return False
    return depth == 0 and '"' not in bare


def _unfold(value: str) -> str:
    return " ".join(value.split())


def _domain(addr: str | None) -> str:
    return (addr or "").rpartition("@")[2].lower().rstrip(".")


def _prop(result, ptype: str, name: str) -> str:
    for p in result.properties or ():
        if (p.type or "").lower() == ptype and (p.name or "").lower() == name:
            return (p.value or "").lower().rstrip(".").lstrip("@")
    return ""


def aligned(d: str, from_domain: str) -> bool:
    """Relaxed alignment without a public-suffix list: equal, or one under the other."""
    if not d or "." not in d:
        return False
    return d == from_domain or from_domain.endswith("." + d) or d.endswith("." + from_domain)
