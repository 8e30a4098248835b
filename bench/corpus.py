"""A deterministic corpus shaped like shared/anchors-bench's: new tickets, then replies.

New mails, ~3.4 KB each: three Received lines, a DKIM-like signature,
Message-ID, a 2 KB body of paragraphs and a signature; every sender and
subject distinct. Replies: one per ticket, `Re: [Ticket #N] subject` with
In-Reply-To/References, a short new text with a token naming its ticket, and
the quoted original, as a mail client writes them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Mail:
    sender: str  # envelope sender
    raw: bytes
    message_id: str  # without <>
    subject: str
    from_header: str
    body: str
    date: datetime


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


def new_ticket_mails(n: int, seed: int = 20261127) -> list[Mail]:
    """n new-ticket mails, each from its own customer."""
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
        mid = f"bench.{i}.{rng.getrandbits(32):08x}@example{i % 97}.org"
        m["Message-ID"] = f"<{mid}>"
        m["X-Mailer"] = "Bench Mailer 1.0"
        body = "\n\n".join(["Hello support,"] + [_paragraph(rng, 75) for _ in range(5)]
                           + [f"Best regards,\n{name}\n-- \n{name}\nExample Org"])
        m.set_content(body + "\n")
        out.append(Mail(addr, m.as_bytes(policy=SMTP), mid, str(m["Subject"]), str(m["From"]),
                        body, when))
    return out


PLACEHOLDER = "@@TICKET@@"


def reply_templates(originals: list[Mail], tag: str = "Ticket", seed: int = 20261128
                    ) -> list[Mail]:
    """One reply per original, its ticket number left as PLACEHOLDER (8bit, so it stays
    one run of bytes): building 10,000 mails once, not once per round, saves a minute."""
    rng = random.Random(seed)
    out = []
    for o in originals:
        m = EmailMessage()
        m["From"] = o.from_header
        m["To"] = "Support <support@example.com>"
        m["Subject"] = f"Re: [{tag} #{PLACEHOLDER}] {o.subject}"
        when = o.date + timedelta(hours=2)
        m["Date"] = format_datetime(when)
        mid = f"reply.{o.message_id}"
        m["Message-ID"] = f"<{mid}>"
        m["In-Reply-To"] = f"<{o.message_id}>"
        m["References"] = f"<{o.message_id}>"
        quoted = "\n".join(f"> {line}" if line else ">" for line in o.body.splitlines())
        body = (f"Hello again,\n\n{_paragraph(rng, 60)}\n\nref-ticket-{PLACEHOLDER}\n\n"
                f"Thanks\n\nOn {format_datetime(o.date)}, {o.from_header} wrote:\n{quoted}\n")
        m.set_content(body, cte="8bit")
        out.append(Mail(o.sender, m.as_bytes(policy=SMTP), mid, str(m["Subject"]),
                        o.from_header, body, when))
    return out


def replies(templates: list[Mail], originals: list[Mail], ticket_of: dict[str, int],
            seed: int = 20261129) -> list[tuple[Mail, int]]:
    """The replies with their tickets filled in, shuffled: (reply, expected ticket)."""
    out = []
    for t, o in zip(templates, originals, strict=True):
        ticket = ticket_of[o.message_id]
        raw = t.raw.replace(PLACEHOLDER.encode(), str(ticket).encode())
        out.append((Mail(t.sender, raw, t.message_id, t.subject.replace(PLACEHOLDER,
                         str(ticket)), t.from_header, "", t.date), ticket))
    random.Random(seed).shuffle(out)
    return out
