"""Step 5: how long a customer waits for the acknowledgement, at half the peak rate.

Open loop: mails leave on a fixed schedule at half the peak end-to-end rate of
step 1, so the daemon is loaded but not saturated. Latency runs from the
client's 250 (end of DATA) to the acknowledgement's arrival at the sink (its
own process, stamping time.time()); an ack is matched to its mail by its
In-Reply-To and its recipient, the customer.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench import contract
from bench.clients import paced
from bench.corpus import Mail
from bench.daemonproc import BenchError, Daemon
from bench.procs import Peak, TreeSampler
from bench.sink import Sink
from bench.stats import percentile


@dataclass
class Latency:
    rate: float  # offered mails/s
    mails: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    rss: dict[str, Peak]


def acks(sink: Sink, mails: list[Mail]) -> dict[str, float]:
    """Message-ID of a sent mail -> arrival of its acknowledgement (the first one)."""
    sender_of = {m.message_id: m.sender for m in mails}
    found: dict[str, float] = {}
    for a in sink.arrivals():
        irt = a.in_reply_to
        if irt in sender_of and sender_of[irt] in a.rcpt.split(",") and irt not in found:
            found[irt] = a.time
    return found


def run(mails: list[Mail], rate: float, seconds: float, clients: int = 8) -> Latency:
    count = max(10, round(rate * seconds))
    if count > len(mails):
        raise BenchError(f"latency needs {count} mails, the corpus has {len(mails)}")
    mails = mails[:count]
    with Sink(record=True) as sink:
        daemon = Daemon(contract.config(sink.port))
        try:
            daemon.start()
            with TreeSampler(daemon.pid) as rss:
                sent = paced(daemon.port, mails, rate, clients)
                daemon.wait_for("acknowledgements of the paced mails at the sink",
                                lambda: len(acks(sink, mails)), count, interval=0.2)
        finally:
            daemon.cleanup()
        arrived = acks(sink, mails)
    waits = [(arrived[mid] - t) * 1000 for mid, t in sent.items()]
    return Latency(rate, count, percentile(waits, 50), percentile(waits, 99), max(waits),
                   rss.peaks)
