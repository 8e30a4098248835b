"""A deterministic mail archive for the import tests and benchmark: threads of a customer's
mail and the replies to it (In-Reply-To and the whole References chain), written to an mbox
or a Maildir in shuffled order, so only sorting by Date threads them right."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

START = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)
STAFF = "Alice Doe <alice@example.com>"


@dataclass
class Archive:
    messages: list[bytes] = field(default_factory=list)  # in the order they are written
    threads: dict[str, list[str]] = field(default_factory=dict)  # root id -> ids, oldest first

    def write_mbox(self, path: Path) -> Path:
        with open(path, "wb") as f:
            for raw in self.messages:
                f.write(b"From archive@example.com Mon Jan  2 09:00:00 2023\n" + raw + b"\n")
        return path

    def write_maildir(self, path: Path) -> Path:
        for sub in ("cur", "new", "tmp"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        for i, raw in enumerate(self.messages):
            (path / "cur" / f"{1672650000 + i}.M{i}P1.archive:2,S").write_bytes(raw)
        return path


def make_archive(n: int, seed: int = 10, staff_every: int = 3,
                 to: str = "Support <support@example.com>") -> Archive:
    """n messages in threads of 1 to 6; every `staff_every`-th reply is from staff."""
    rng = random.Random(seed)
    out, made, thread = Archive(), [], 0
    while len(made) < n:
        size = min(rng.randint(1, 6), n - len(made))
        ids = [f"t{thread}-m{j}@customer.example" for j in range(size)]
        out.threads[ids[0]] = ids
        start = START + timedelta(hours=3 * thread)
        customer = f"Customer {thread % 400} <c{thread % 400}@customer.example>"
        for j, mid in enumerate(ids):
            staff = j > 0 and j % staff_every == 0
            made.append(_mail(mid, ids[:j], start + timedelta(minutes=7 * j),
                              STAFF if staff else customer, thread, j, to))
        thread += 1
    rng.shuffle(made)
    out.messages = made
    return out


def _mail(mid: str, before: list[str], date: datetime, frm: str, thread: int, j: int,
          to: str) -> bytes:
    subject = f"Printer {thread} jams" if j == 0 else f"Re: Printer {thread} jams"
    head = [f"From: {frm}", f"To: {to}", f"Subject: {subject}",
            f"Date: {format_datetime(date)}", f"Message-ID: <{mid}>"]
    if before:
        head += [f"In-Reply-To: <{before[-1]}>",
                 "References: " + " ".join(f"<{m}>" for m in before)]
    head += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
    body = f"Message {j} of thread {thread}.\nThe printer still jams on page {j + 2}.\n"
    return ("\n".join(head) + "\n\n" + body).encode()
