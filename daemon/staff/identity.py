"""Is a staff From vouched for? Staff rights need more than the From line.

A staff sender's commands and replies count when the mail carries the reply
token of that member and ticket (daemon/staff/tokens.py), or a DMARC/aligned
DKIM pass from the server named by `[security] trust_authentication_results`.
Without either the mail is handled as a customer's (commands ignored,
nothing relayed) and the member is told. With tokens off and no trusted
server, the From line alone is trusted, and the start-up log says so.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from daemon.staff.tokens import FORWARD, StaffTokens
from daemon.worker.classify import Classification
from parsers.authres import verify_sender
from parsers.message import ParsedMessage

UNVERIFIED = "unverified_staff"


@dataclass(frozen=True)
class Proof:
    """What may vouch for a staff sender."""

    authserv_id: str
    tokens: StaffTokens
    own: frozenset[str]

    @property
    def trusts_from_alone(self) -> bool:
        return not self.authserv_id and not self.tokens.enabled


def addresses_of(msg: ParsedMessage, rcpt_to: tuple[str, ...]) -> tuple[str, ...]:
    """Every address the mail went to: where a reply token can be."""
    return (tuple(rcpt_to) + msg.original_to + msg.delivered_to
            + tuple(a for _, a in msg.to + msg.cc))


def gate_staff(msg: ParsedMessage, cls: Classification, proof: Proof,
               rcpt_to: tuple[str, ...] = ()) -> Classification:
    """A staff role stays only with a proof; else the mail is a customer's (UNVERIFIED)."""
    if cls.sender_role != "staff" or proof.trusts_from_alone:
        return cls
    member = (msg.from_addr or "").lower()
    if proof.tokens.vouches(member, cls.ticket_id or FORWARD, addresses_of(msg, rcpt_to),
                            proof.own):
        return _noted(cls, "staff sender: reply token")
    reasons = []
    if proof.authserv_id:
        verdict = verify_sender(msg.authentication_results, proof.authserv_id, msg.from_addr)
        if verdict.passed:
            return _noted(cls, f"staff sender: {verdict.reason}")
        reasons.append(verdict.reason)
    if proof.tokens.enabled:
        reasons.append("no reply token")
    note = (f"staff From {msg.from_addr} is not authenticated ({'; '.join(reasons)}): "
            "handled as a customer's mail, commands ignored")
    return dataclasses.replace(cls, sender_role=UNVERIFIED, notes=cls.notes + (note,))


def _noted(cls: Classification, note: str) -> Classification:
    return dataclasses.replace(cls, notes=cls.notes + (note,))


def trust_warning(config) -> str | None:
    """For check-config and the start-up log: a deployment that trusts From alone."""
    if not config.staff or config.security.trust_authentication_results:
        return None
    if config.security.staff_reply_token:
        return None
    return ("staff rights trust the From line alone: anyone who writes From: a staff "
            "address can run commands and write to customers. Set [security] "
            "staff_reply_token = true or trust_authentication_results")
