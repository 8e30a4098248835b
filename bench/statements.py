"""SQL statements per new ticket and per reply: `python -m bench.statements`.

Runs the worker's and the sender's real code in this process on SQLite files
in a temp folder (the tests' config: round robin, two notices per new ticket)
and counts, with SQLite's trace hook, the statements each store executes for
one mail, in a batch of 20 (so the per-batch statements are shared, as under
load): the spool claim and finish, deciding (reads, no transaction), applying
(one transaction), and sending its notices. Writes its section of
bench/RESULTS.md.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from bench import corpus, results
from bench.stats import machine, today
from bench.testkit import config_text

BATCH = 20


class Tracer:
    """Counts statements per phase on both stores' connections."""

    def __init__(self, stores):
        self.phase = "other"
        self.counts: Counter = Counter()
        for name, db in (("tickets", stores.tickets), ("spool", stores.spool)):
            db.connection().set_trace_callback(self.hook(name))

    def hook(self, store: str):
        def traced(sql: str) -> None:
            word = sql.split(None, 1)[0].upper() if sql.strip() else ""
            self.counts[(self.phase, store, word)] += 1
        return traced


def run() -> dict[str, Counter]:
    from daemon.config import load_config
    from daemon.notices.outbox import OutboxSender
    from daemon.service.app import make_renderer
    from daemon.store import spool
    from daemon.store.db import open_stores
    from daemon.store.spool import Envelope
    from daemon.worker.pipeline import Pipeline

    folder = Path(tempfile.mkdtemp(prefix="ticketd-statements-"))
    (folder / "config.toml").write_text(config_text(directory="outbox", ack_limit=10**9))
    config = load_config(folder / "config.toml")
    stores = open_stores(config.database_url, config.spool_url, create=True)
    mails = corpus.new_ticket_mails(BATCH)
    env = Envelope("smtp", rcpt_to=("support@example.com",))
    out = {}
    pipeline = Pipeline(config, stores, "bench")
    sender = OutboxSender(config, stores.tickets, make_renderer(config), "bench")
    for kind, raws in (("new ticket", [m.raw for m in mails]),
                       ("reply", [r.raw for r, _ in corpus.replies(
                           corpus.reply_templates(mails), mails,
                           {m.message_id: i + 1 for i, m in enumerate(mails)})])):
        tracer = Tracer(stores)
        tracer.phase = "intake"
        for raw in raws:
            spool.put(stores.spool, raw, env)
        tracer.phase = "worker"
        pipeline.step()
        tracer.phase = "sender"
        while sender.step():
            pass
        out[kind] = tracer.counts
    return out


def table(counts: Counter) -> list[str]:
    lines = []
    for phase in ("intake", "worker", "sender"):
        for store in ("spool", "tickets"):
            per = {w: n for (p, s, w), n in counts.items() if p == phase and s == store}
            if per:
                total = sum(per.values()) / BATCH
                detail = ", ".join(f"{w} {n / BATCH:.2f}" for w, n in sorted(per.items()))
                lines.append(f"| {phase} | {store} | {total:.1f} | {detail} |")
    return lines


def main() -> None:
    counts = run()
    body = [f"*{today()}; {machine()}; `python -m bench.statements`*", "",
            f"Statements per mail, in a batch of {BATCH} (claims, commits and per-batch "
            "queries shared by the batch), counted with SQLite's trace hook on the spool "
            "writer's (one transaction per mail here; the SMTP listener groups them), the "
            "worker's and the sender's own code; BEGIN/COMMIT/SAVEPOINT/RELEASE included.", ""]
    for kind, c in counts.items():
        total = sum(c.values()) / BATCH
        body += [f"**Per {kind}: {total:.1f} statements** (both notices sent, when a new "
                 "ticket)." if kind == "new ticket" else f"**Per {kind}: {total:.1f} "
                 "statements** (its notice to the assignee sent).", "",
                 "| process | store | per mail | by kind |", "|---|---|---:|---|",
                 *table(c), ""]
    results.write_section("SQL statements per mail (`python -m bench.statements`)",
                          "\n".join(body))


if __name__ == "__main__":
    main()
