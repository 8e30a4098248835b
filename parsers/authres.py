"""Did the receiving MTA vouch for the From domain? (RFC 8601 Authentication-Results)

Only the topmost header whose authserv-id is the one we trust counts: headers
from other ids, and any lower ones with our id, may have been written by the
sender. A DMARC pass for the From domain, or a DKIM pass whose `header.d` is
aligned with it (relaxed: the same domain, or one a subdomain of the other),
is enough. Anything else, including unparsable headers, is a no.
"""

from __future__ import annotations

from dataclasses import dataclass

import authres


@dataclass(frozen=True)
class AuthVerdict:
    passed: bool
    reason: str


def verify_sender(headers: tuple[str, ...], authserv_id: str, from_addr: str | None
                  ) -> AuthVerdict:
    """`headers`: Authentication-Results values, topmost first."""
    from_domain = (from_addr or "").rpartition("@")[2].lower().rstrip(".")
    if not from_domain:
        return AuthVerdict(False, "no From domain")
    ours = _topmost(headers, authserv_id.lower())
    if ours is None:
        return AuthVerdict(False, f"no Authentication-Results from {authserv_id}")
    for result in ours.results:
        method, outcome = (result.method or "").lower(), (result.result or "").lower()
        if outcome != "pass":
            continue
        if method == "dmarc" and _prop(result, "header", "from") in ("", from_domain):
            return AuthVerdict(True, f"dmarc=pass for {from_domain} ({authserv_id})")
        d = _prop(result, "header", "d")
        if method == "dkim" and aligned(d, from_domain):
            return AuthVerdict(True, f"dkim=pass header.d={d}, aligned ({authserv_id})")
    return AuthVerdict(False, f"{authserv_id} reports no DMARC pass or aligned DKIM pass "
                              f"for {from_domain}")


def dmarc_failure(headers: tuple[str, ...], authserv_id: str, from_addr: str | None
                  ) -> str | None:
    """Why the trusted server says the From domain is forged (dmarc=fail), else None."""
    from_domain = (from_addr or "").rpartition("@")[2].lower().rstrip(".")
    ours = _topmost(headers, authserv_id.lower()) if from_domain and authserv_id else None
    for result in ours.results if ours is not None else ():
        if ((result.method or "").lower() == "dmarc" and (result.result or "").lower() == "fail"
                and _prop(result, "header", "from") in ("", from_domain)):
            return f"{authserv_id} reports dmarc=fail for {from_domain}"
    return None


def _topmost(headers, authserv_id: str):
    for value in headers:
        try:
            parsed = authres.AuthenticationResultsHeader.parse_value(_unfold(value))
        except Exception:  # authres raises its own syntax errors and ValueError alike
            continue
        if (parsed.authserv_id or "").lower() == authserv_id:
            return parsed
    return None


def _unfold(value: str) -> str:
    return " ".join(value.split())


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
