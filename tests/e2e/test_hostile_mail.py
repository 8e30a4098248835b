"""Hostile mail cannot hold intake or the workers: each is read within its budget (or
quarantined with the reason) while ordinary mail sent meanwhile flows without a 4xx."""

from __future__ import annotations

import smtplib
import sys
import threading
from pathlib import Path

from conftest import make_mail, wait_for

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "parsers"))
import hostile  # noqa: E402

HOSTILE = {
    "nested lists": hostile.nested_lists_html,
    "75,000 References": hostile.many_references,
    "200 nested forwards": hostile.nested_forwards,
    "10,000 Cc": hostile.many_cc,
}


def as_an_mta_relays_it(raw: bytes, limit: int = 998) -> bytes:
    """Lines cut at SMTP's limit as Postfix cuts them (smtp_line_length_limit): a header
    line goes on as a continuation, a body line simply breaks."""
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    out = []
    for part, lead in ((head, b" "), (body, b"")):
        lines = []
        for line in part.split(b"\n"):
            while len(line) > limit:
                lines.append(line[:limit])
                line = lead + line[limit:]
            lines.append(line)
        out.append(b"\r\n".join(lines))
    return out[0] + b"\r\n\r\n" + out[1]


def test_hostile_mail_is_bounded_and_ordinary_mail_keeps_flowing(daemon):
    errors: list[str] = []

    def ordinary():
        with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30) as s:
            for i in range(60):
                try:
                    s.send_message(make_mail(frm=f"o{i}@customer.example", subject=f"Plain {i}"))
                except smtplib.SMTPException as exc:  # a 4xx or 5xx: the test fails
                    errors.append(repr(exc))

    t = threading.Thread(target=ordinary)
    t.start()
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=60) as s:
        for i, make in enumerate(HOSTILE.values()):
            raw = make().replace(b"<hostile@attacker.example>",  # four mails, not one again
                                 f"<hostile-{i}@attacker.example>".encode(), 1)
            s.sendmail("attacker@evil.example", ["support@example.com"],
                       as_an_mta_relays_it(raw))
    t.join(120)
    assert errors == []
    wait_for(lambda: daemon.spool_sql("SELECT count(*) FROM spool WHERE state != 'new'")
             == [(64,)], timeout=120, what="all 64 mails handled")
    subjects = {t["subject"] for t in daemon.tickets()}
    assert {f"Plain {i}" for i in range(60)} <= subjects
    quarantined = daemon.json("quarantine", "list")
    assert len(subjects - {f"Plain {i}" for i in range(60)}) + len(quarantined) == 4
    assert all(q["reason"] for q in quarantined)
    assert "took more than" not in daemon.log_text()  # none needed the CPU budget's cut
