"""The load: smtplib clients on kept-alive connections, closed loop or paced (open loop).

Closed loop (`Burst`): C threads send as fast as the server answers, like an
MTA flushing its queue; `accepted` counts 250s as they come, for the backlog.
Open loop (`paced`): mails leave on a fixed schedule whatever the server's
pace, so a slow server shows up as latency, not as a lower offered rate.
"""

from __future__ import annotations

import smtplib
import threading
import time
from collections.abc import Sequence

from bench.contract import SUPPORT_ADDRESS
from bench.corpus import Mail


class Burst:
    """Send `mails` from `clients` threads, one connection each; start() returns at once."""

    def __init__(self, port: int, mails: Sequence[Mail], clients: int = 8):
        self.port = port
        self.chunks = [mails[i::clients] for i in range(clients)]
        self.accepted = 0
        self.errors: list[str] = []
        self.started = self.finished = 0.0
        self._lock = threading.Lock()
        self._ready = threading.Barrier(clients + 1)
        self._threads = [threading.Thread(target=self._client, args=(c,), daemon=True)
                         for c in self.chunks]

    def start(self) -> Burst:
        for t in self._threads:
            t.start()
        try:
            self._ready.wait()  # every client connected and greeted: the clock starts now
        except threading.BrokenBarrierError:
            for t in self._threads:
                t.join()
            raise RuntimeError(f"SMTP clients could not connect: {self.errors[:3]}") from None
        self.started = time.perf_counter()
        return self

    def done(self) -> bool:
        return not any(t.is_alive() for t in self._threads)

    def join(self) -> float:
        """Seconds from the first MAIL to the last 250."""
        for t in self._threads:
            t.join()
        if self.errors:
            raise RuntimeError(f"SMTP clients failed: {self.errors[:3]}")
        return self.finished - self.started

    def _client(self, chunk: Sequence[Mail]) -> None:
        try:
            s = smtplib.SMTP("127.0.0.1", self.port, timeout=300)
            s.ehlo("client.example")
        except Exception as exc:
            self.errors.append(repr(exc))
            self._ready.abort()
            return
        try:
            self._ready.wait()
            for mail in chunk:
                s.sendmail(mail.sender, [SUPPORT_ADDRESS], mail.raw)
                with self._lock:
                    self.accepted += 1
                    self.finished = time.perf_counter()
            s.quit()
        except Exception as exc:
            self.errors.append(repr(exc))


def send_all(port: int, mails: Sequence[Mail], clients: int = 8) -> float:
    """Closed loop to completion: mails per second accepted."""
    return len(mails) / Burst(port, mails, clients).start().join()


def paced(port: int, mails: Sequence[Mail], rate: float, clients: int = 8
          ) -> dict[str, float]:
    """Mail i leaves at t0 + i/rate (or as soon as a client is free after that).

    Returns Message-ID -> time.time() of its 250, the end of DATA as the client saw it.
    """
    done: dict[str, float] = {}
    errors: list[str] = []
    lock = threading.Lock()
    t0 = time.time() + 0.5  # every client connected before the first mail is due
    cursor = iter(range(len(mails)))

    def client():
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=300) as s:
                s.ehlo("client.example")
                while True:
                    with lock:
                        i = next(cursor, None)
                    if i is None:
                        return
                    delay = t0 + i / rate - time.time()
                    if delay > 0:
                        time.sleep(delay)
                    s.sendmail(mails[i].sender, [SUPPORT_ADDRESS], mails[i].raw)
                    stamp = time.time()
                    with lock:
                        done[mails[i].message_id] = stamp
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"paced SMTP clients failed: {errors[:3]}")
    return done
