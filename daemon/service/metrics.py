"""The Prometheus endpoint (`[metrics] listen`), served by the supervisor on loopback.

ticketd is several processes (listener, workers, sender, housekeeper), so the
figures are read from the stores at scrape time, where every process already
writes them (the mail log, the outbox, the relay and mailbox health), rather
than kept in counters each process would have to share. One scrape costs a
few grouped queries. Counters computed this way fall when the admin drops
quarantined mail or failed notices, or retention deletes rows; Prometheus
reads a fall as a counter reset, which is what it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import timedelta

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)
from prometheus_client.registry import Collector

from daemon.config import Config
from daemon.store import rows
from daemon.store.models import MailboxHealth, Outbox, RelayHealth, Spool, utcnow

log = logging.getLogger("ticketd.metrics")

BUCKETS_MS = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)


class StoreCollector(Collector):
    def __init__(self, config: Config, spool_db, tickets_db,
                 restarts: Callable[[], dict[str, int]]):
        self.config, self.spool_db, self.tickets_db = config, spool_db, tickets_db
        self.restarts = restarts

    def collect(self) -> Iterator:
        try:
            yield from self._mail()
            yield from self._queues()
            yield from self._notices()
            yield from self._imap()
        except Exception as exc:  # a scrape must never take the supervisor down
            log.warning("metrics: cannot read the stores: %s", exc)
        restarts = CounterMetricFamily("ticketd_worker_restarts", "child processes restarted "
                                       "since ticketd started", labels=["role"])
        for role, n in sorted(self.restarts().items()):
            restarts.add_metric([role], n)
        yield restarts

    def _mail(self) -> Iterator:
        mail = CounterMetricFamily("ticketd_mail", "mail accepted, by transport and outcome "
                                   "(pending: not processed yet)",
                                   labels=["transport", "outcome"])
        for source, outcome, n in rows.fetch_all(
                self.spool_db, "SELECT source, CASE WHEN state = 'new' THEN 'pending' "
                               "ELSE COALESCE(outcome, state) END, count(*) FROM spool "
                               "GROUP BY 1, 2"):
            mail.add_metric([source.split(":")[0], outcome], n)
        yield _merged(mail)
        cases = ", ".join(f"SUM(CASE WHEN processing_ms <= {b} THEN 1 ELSE 0 END)"
                          for b in BUCKETS_MS)
        found = rows.fetch_one(self.spool_db, f"SELECT {cases}, count(*), "
                                              "COALESCE(SUM(processing_ms), 0) FROM spool "
                                              "WHERE processing_ms IS NOT NULL")
        counts, total, ms = [int(v or 0) for v in found[:-2]], int(found[-2]), found[-1]
        yield HistogramMetricFamily(
            "ticketd_mail_processing_seconds", "time from reading a mail to its outcome",
            buckets=[(str(b / 1000), c) for b, c in zip(BUCKETS_MS, counts, strict=True)]
            + [("+Inf", total)], sum_value=float(ms) / 1000)

    def _queues(self) -> Iterator:
        now = utcnow()
        waiting = Spool.select().where(Spool.state == "new")
        oldest = waiting.order_by(Spool.id).first()
        pending = Outbox.select().where(Outbox.status == "pending")
        oldest_notice = pending.order_by(Outbox.created_at).first()
        yield _gauge("ticketd_spool_waiting", "mail waiting to be processed", waiting.count())
        yield _gauge("ticketd_spool_oldest_waiting_seconds", "age of the oldest mail waiting",
                     _age(now, oldest.received_at if oldest else None))
        yield _gauge("ticketd_quarantined", "mail in quarantine",
                     Spool.select().where(Spool.state == "quarantined").count())
        yield _gauge("ticketd_outbox_pending", "notices waiting to be sent", pending.count())
        yield _gauge("ticketd_outbox_oldest_pending_seconds", "age of the oldest notice "
                     "waiting", _age(now, oldest_notice.created_at if oldest_notice else None))

    def _notices(self) -> Iterator:
        notices = CounterMetricFamily("ticketd_notices", "notices sent or failed for good",
                                      labels=["result"])
        counts = dict(rows.fetch_all(self.tickets_db, "SELECT status, count(*) FROM outbox "
                                                      "WHERE status != 'pending' GROUP BY 1"))
        for result in ("sent", "failed"):
            notices.add_metric([result], counts.get(result, 0))
        yield notices
        relay = GaugeMetricFamily("ticketd_relay_consecutive_failures", "failed attempts in "
                                  "a row at the outbound relay", labels=["relay"])
        for r in RelayHealth.select():
            relay.add_metric([r.relay], r.failures)
        yield relay

    def _imap(self) -> Iterator:
        from daemon.service.health import stale_after

        up = GaugeMetricFamily("ticketd_imap_connected", "1 while the mailbox is checked "
                               "without failing, 0 otherwise", labels=["mailbox"])
        now = utcnow()
        for cfg in self.config.imap:
            row = MailboxHealth.get_or_none(MailboxHealth.mailbox == f"imap:{cfg.name}")
            ok = bool(row and row.checked_at and not row.failing_since and
                      not row.auth_problem and now - row.checked_at <= stale_after(cfg))
            up.add_metric([cfg.name], 1 if ok else 0)
        yield up


def _merged(family: CounterMetricFamily) -> CounterMetricFamily:
    """imap:a and imap:b are one transport: add their samples up."""
    totals: dict[tuple, float] = {}
    for s in family.samples:
        key = (s.labels["transport"], s.labels["outcome"])
        totals[key] = totals.get(key, 0) + s.value
    out = CounterMetricFamily(family.name, family.documentation,
                              labels=["transport", "outcome"])
    for (transport, outcome), n in sorted(totals.items()):
        out.add_metric([transport, outcome], n)
    return out


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=value)


def _age(now, then) -> float:
    return max(0.0, (now - then) / timedelta(seconds=1)) if then else 0.0


def serve_metrics(config: Config, spool_db, tickets_db, restarts: Callable[[], dict]):
    """Start the endpoint in a thread; returns the server (shutdown() stops it) or None."""
    if not config.metrics.listen:
        return None
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(config, spool_db, tickets_db, restarts))
    host, _, port = config.metrics.listen.rpartition(":")
    server, _thread = start_http_server(int(port), addr=host.strip("[]"), registry=registry)
    log.info("metrics on http://%s:%s/metrics", host, server.server_port)
    return server
