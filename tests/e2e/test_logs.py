"""Issue 10 point 3 (logs): one log line per message handled, and `log_format = "json"`."""

from __future__ import annotations

import json

from conftest import config_text, make_mail, wait_for


def mail_lines(daemon) -> list[dict]:
    lines = [json.loads(line) for line in daemon.log_text().splitlines() if line.strip()]
    return [r for r in lines if r.get("event") == "mail"]


def test_point_3_json_log_has_one_line_per_mail_with_source_spool_ticket_outcome_ms(
        daemon_factory, sink):
    text = config_text(sink.port).replace('log_level = "INFO"',
                                          'log_level = "INFO"\nlog_format = "json"')
    daemon = daemon_factory(text)
    mail = make_mail(subject="Printer on fire")
    daemon.send(mail)
    daemon.send(mail)  # the same delivery again: one line, as a duplicate
    (ticket,) = wait_for(lambda: daemon.tickets(), what="the ticket")
    handled = wait_for(lambda: [r for r in mail_lines(daemon) if r["outcome"] == "ticket"],
                       what="the line of the mail")
    assert len(handled) == 1
    line = handled[0]
    assert line["source"] == "smtp" and line["ticket_id"] == ticket["id"]
    assert isinstance(line["spool_id"], int) and line["ms"] >= 0
    assert line["level"] == "INFO" and line["role"].startswith("worker")
    (dup,) = [r for r in mail_lines(daemon) if r["outcome"] == "duplicate"]
    assert dup["spool_id"] == line["spool_id"]
    # every line of the daemon's log is one JSON object, whichever process wrote it
    assert {json.loads(x)["role"] for x in daemon.log_text().splitlines()} >= {"run", "sender"}
