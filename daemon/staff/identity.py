"""Is a staff From vouched for? Staff rights need more than the From line.

With `[security] trust_authentication_results` set, a staff sender needs a
DMARC or aligned DKIM pass from that server; without it the mail is handled
as a customer's (commands ignored, nothing relayed).
"""

from __future__ import annotations

import dataclasses

from daemon.worker.classify import Classification
from parsers.authres import verify_sender
from parsers.message import ParsedMessage

UNVERIFIED = "unverified_staff"


def gate_staff(msg: ParsedMessage, cls: Classification, authserv_id: str) -> Classification:
    """With an authserv-id configured, a staff From needs its DMARC/aligned DKIM pass."""
    if not authserv_id or cls.sender_role != "staff":
        return cls
    verdict = verify_sender(msg.authentication_results, authserv_id, msg.from_addr)
    if verdict.passed:
        return dataclasses.replace(cls, notes=cls.notes + (f"staff sender: {verdict.reason}",))
    note = (f"staff From {msg.from_addr} is not authenticated ({verdict.reason}): "
            "handled as a customer's mail, commands ignored")
    return dataclasses.replace(cls, sender_role=UNVERIFIED, notes=cls.notes + (note,))
