"""A deterministic corpus of new-ticket mails shaped like shared/anchors-bench's.

~3.4 KB each: three Received lines, a DKIM-like signature, Message-ID, a 2 KB
body of paragraphs and a signature; every sender and subject distinct.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

FIRST = ["Anna", "Ben", "Chloé", "David", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas"]
LAST = ["Müller", "Smith", "García", "Nowak", "Rossi", "Dubois", "Jensen", "Tanaka"]
TOPICS = ["printer", "VPN access", "invoice", "password reset", "laptop battery", "mailbox",
          "license key", "shared drive", "refund", "monitor flicker"]
WORDS = ("the a of to and in is it that for on with as was at by this be from or have "
         "an are not but they which one you all were we when there can been has more if "
         "will would about out up so what into them than then some could only time").split()


def _paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."
    lines, line = [], ""
    for w in text.split():
        if len(line) + len(w) > 70:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "\n".join(lines + [line])


def new_ticket_mails(n: int, seed: int = 20261127) -> list[tuple[str, bytes]]:
    """(envelope sender, raw bytes) for n new-ticket mails."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, 8, tzinfo=UTC)
    out = []
    for i in range(n):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        addr = f"customer{i}@example{i % 97}.org"
        when = start + timedelta(seconds=37 * i)
        m = EmailMessage()
        for hop in range(3):
            m["Received"] = (f"from mx{hop}.example{i % 97}.org (mx{hop}.example{i % 97}.org "
                             f"[192.0.2.{(i + hop) % 250}]) by mail.example.com with ESMTPS id "
                             f"{rng.getrandbits(48):012x}; {format_datetime(when)}")
        sig = f"{rng.getrandbits(1024):0256x}"
        m["DKIM-Signature"] = ("v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=sel; "
                               "bh=" + f"{rng.getrandbits(256):064x}" + "; b=" +
                               " ".join(sig[k:k + 64] for k in range(0, len(sig), 64)))
        m["From"] = formataddr((name, addr))
        m["To"] = "Support <support@example.com>"
        m["Subject"] = f"Problem with {rng.choice(TOPICS)} #{i}"
        m["Date"] = format_datetime(when)
        m["Message-ID"] = f"<bench.{i}.{rng.getrandbits(32):08x}@example{i % 97}.org>"
        m["X-Mailer"] = "Bench Mailer 1.0"
        body = "\n\n".join(["Hello support,"] + [_paragraph(rng, 75) for _ in range(5)]
                           + [f"Best regards,\n{name}\n-- \n{name}\nExample Org"])
        m.set_content(body + "\n")
        out.append((addr, m.as_bytes(policy=SMTP)))
    return out
