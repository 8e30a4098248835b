"""Staff replies as real mail clients write them, and small readers for what the sink got.

Gmail writes text/plain plus text/html with an "On ... wrote:" line and `>`
quotes; Outlook writes HTML only, with the original under a rule and a
From:/Sent:/To:/Subject: block. Both answer the notice's Message-ID.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from conftest import wait_for

MX = "mx.example.com"
AUTH_PASS = f"{MX}; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; " \
            "dmarc=pass (p=reject) header.from=example.com"


def body(m) -> str:
    part = m.get_body(("plain",))
    return part.get_content() if part is not None else ""


def _reply_headers(m: EmailMessage, notice, frm: str, prefix: str, headers) -> None:
    m["From"] = frm
    m["To"] = notice["Reply-To"] or notice["From"]  # as a mail client answers
    m["Subject"] = f"{prefix} {notice['Subject']}"
    m["Date"] = format_datetime(datetime.now(UTC))
    m["Message-ID"] = make_msgid(domain="example.com")
    m["In-Reply-To"] = notice["Message-ID"]
    m["References"] = " ".join(filter(None, [notice["References"], notice["Message-ID"]]))
    for name, value in (headers or {}).items():
        m[name] = value


def gmail_reply(notice, text: str, frm="Alice Doe <alice@example.com>",
                headers=None) -> EmailMessage:
    """text/plain + text/html, quoting the notice below an attribution line."""
    quoted = "\n".join("> " + ln if ln else ">" for ln in body(notice).splitlines())
    when = "Mon, 2 Mar 2026 at 10:00"
    attribution = f"On {when}, {notice['From']} wrote:"
    m = EmailMessage()
    _reply_headers(m, notice, frm, "Re:", headers)
    m.set_content(f"{text}\n\n{attribution}\n\n{quoted}\n")
    paras = "".join(f"<div>{html.escape(ln) or '<br>'}</div>" for ln in text.splitlines())
    m.add_alternative(
        f'<div dir="ltr">{paras}</div><br><div class="gmail_quote">'
        f'<div dir="ltr" class="gmail_attr">{html.escape(attribution)}<br></div>'
        f'<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">'
        f'{html.escape(body(notice)).replace(chr(10), "<br>")}</blockquote></div>',
        subtype="html")
    return m


def outlook_reply(notice, text: str, frm="Alice Doe <alice@example.com>",
                  headers=None) -> EmailMessage:
    """HTML only, the notice under a rule with Outlook's header block."""
    m = EmailMessage()
    _reply_headers(m, notice, frm, "RE:", headers)
    m["Thread-Index"] = "AQHZ1234567890abcdef=="
    paras = "".join(f'<p class="MsoNormal">{html.escape(ln) or "&nbsp;"}<o:p></o:p></p>'
                    for ln in text.splitlines())
    original = html.escape(body(notice)).replace("\n", "<br>")
    m.set_content(
        '<html><head><style>p.MsoNormal{margin:0cm}</style></head><body lang="EN-US">'
        f'<div class="WordSection1">{paras}<p class="MsoNormal">&nbsp;</p>'
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
        f'<p class="MsoNormal"><b>From:</b> {html.escape(notice["From"])}<br>'
        '<b>Sent:</b> Monday, March 2, 2026 10:00 AM<br>'
        f'<b>To:</b> {html.escape(frm)}<br><b>Subject:</b> {html.escape(notice["Subject"])}'
        f'</p></div><p class="MsoNormal">{original}</p></div></body></html>',
        subtype="html")
    return m


def forged_reply(notice, text: str, frm="Alice Doe <alice@example.com>",
                 headers=None) -> EmailMessage:
    """What a forger writes who has seen a notice's subject but never received it: to the
    support address, without the staff member's reply token."""
    m = gmail_reply(notice, text, frm=frm, headers=headers)
    m.replace_header("To", "support@example.com")
    return m


def customer_reply(to_mail, text: str, frm="Dana Customer <dana@customer.example>",
                   cc=None) -> EmailMessage:
    m = EmailMessage()
    _reply_headers(m, to_mail, frm, "Re:", None)
    m.replace_header("To", "support@example.com")
    if cc:
        m["Cc"] = cc
    quoted = "\n".join("> " + ln for ln in body(to_mail).splitlines())
    m.set_content(f"{text}\n\nOn Mon, Example Support wrote:\n{quoted}\n")
    return m


def mail_to(sink, addr: str, subject_has: str = "", n: int = 1, what: str = ""):
    """Wait until `addr` got at least n mails whose subject contains `subject_has`."""
    def found():
        got = [m for m in sink.to(addr) if subject_has in (m["Subject"] or "")]
        return got if len(got) >= n else None
    return wait_for(found, what=what or f"{n} mail(s) to {addr} with {subject_has!r}")


def wait_processed(daemon, n: int):
    """Wait until n spooled messages are processed (done or quarantined)."""
    def done():
        return daemon.spool_sql("select count(*) from spool where state != 'new'")[0][0] >= n
    wait_for(done, what=f"{n} processed messages")


def outbox_settled(daemon):
    """Every queued mail sent (so 'nothing else was mailed' is a fair statement)."""
    wait_for(lambda: all(o["status"] == "sent" for o in daemon.outbox()), what="outbox sent")


def age_ticket(daemon, ticket_id: int, column: str, days: float) -> None:
    """Move one of a ticket's times back, as if `days` had passed."""
    assert column in ("resolved_at", "closed_at")
    when = (datetime.now(UTC) - timedelta(days=days)).replace(tzinfo=None)
    daemon.execute(f"update ticket set {column} = ? where id = ?", str(when), ticket_id)


def statuses(detail: dict) -> list[tuple[str, str, str]]:
    return [(e["old"], e["new"], e["actor"]) for e in detail["events"] if e["action"] == "status"]


def relays_to(sink, addr: str, n: int = 1):
    """Wait for n relayed staff replies ("<Staff> via <Support>") to addr."""
    def found():
        got = [m for m in sink.to(addr) if " via " in (m["From"] or "")]
        return got if len(got) >= n else None
    return wait_for(found, what=f"{n} relayed repl(ies) to {addr}")
