"""Issue 10 point 3 (metrics): the endpoint answers in the Prometheus text format and its
counters match the mail sent in the test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request

from conftest import config_text, free_port, make_mail, send, wait_for
from mailbuild import dsn
from prometheus_client.parser import text_string_to_metric_families


def scrape(port: int) -> tuple[str, dict]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        kind, text = r.headers["Content-Type"], r.read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return kind, samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_point_3_metrics_count_the_mail_sent_by_transport_and_outcome(daemon_factory, sink):
    port = free_port()
    daemon = daemon_factory(config_text(sink.port, extra=f"""
        [metrics]
        listen = "127.0.0.1:{port}"
        """))
    first = make_mail(subject="Printer on fire", message_id="<m1@customer.example>")
    daemon.send(first)
    daemon.send(first)  # the same delivery again
    daemon.send(make_mail(frm="eve@customer.example", subject="Scanner on fire"))
    send(daemon.port, dsn("<somebody-else@elsewhere.example>", "x@customer.example"),
         mail_from="<>")
    daemon.cli("ingest", input=make_mail(frm="fay@customer.example",
                                         subject="By pipe").as_bytes())
    wait_for(lambda: len(daemon.tickets()) == 3, what="three tickets")
    notices = wait_for(lambda: (o := daemon.outbox()) and all(x["status"] == "sent" for x in o)
                       and o, what="the notices sent")

    def counted():
        kind, s = scrape(port)
        return kind, s if value(s, "ticketd_mail_total", transport="pipe",
                                outcome="ticket") == 1 else None
    kind, s = wait_for(lambda: (r := counted())[1] and r, what="the pipe mail counted")
    assert kind.startswith("text/plain") and "version=0.0.4" in kind
    assert value(s, "ticketd_mail_total", transport="smtp", outcome="ticket") == 2
    assert value(s, "ticketd_mail_total", transport="smtp", outcome="duplicate") == 1
    assert value(s, "ticketd_mail_total", transport="smtp", outcome="ignored") == 1
    assert value(s, "ticketd_mail_processing_seconds_count") == 4  # each handled once
    assert value(s, "ticketd_mail_processing_seconds_bucket", le="+Inf") == 4
    assert value(s, "ticketd_notices_total", result="sent") == len(notices) == len(sink.messages)
    assert value(s, "ticketd_notices_total", result="failed") == 0
    assert value(s, "ticketd_spool_waiting") == 0 and value(s, "ticketd_outbox_pending") == 0
    assert value(s, "ticketd_relay_consecutive_failures", relay=f"127.0.0.1:{sink.port}") == 0

    os.kill(daemon.children()["worker-1"], signal.SIGKILL)  # the supervisor restarts it
    wait_for(lambda: value(scrape(port)[1], "ticketd_worker_restarts_total",
                           role="worker") == 1, what="the restart counted")


def test_metrics_listen_must_be_loopback(tmp_path):
    (tmp_path / "config.toml").write_text(config_text(directory="outbox", extra="""
        [metrics]
        listen = "0.0.0.0:9325"
        """))
    r = subprocess.run([sys.executable, "-m", "daemon", "-c", str(tmp_path / "config.toml"),
                        "check-config"], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2 and "metrics.listen: must be a loopback address" in r.stderr
