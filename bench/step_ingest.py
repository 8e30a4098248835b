"""Step 3: what one `ticketd ingest` process costs an MTA, start to exit.

Each run pipes one distinct mail into a new process, as an /etc/aliases pipe
does; the ceiling is `python -c pass` with the same interpreter and
environment, run alternately so both see the same machine state. The first
ingest creates the database and is not counted. The daemon is not running:
this is the process alone.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass

from bench import contract
from bench.corpus import Mail
from bench.daemonproc import BenchError, Daemon
from bench.sink import Sink


@dataclass
class Ingest:
    ingest_ms: list[float]
    python_ms: list[float]

    @property
    def ratios(self) -> list[float]:
        """Per pair: the ceiling's time over ingest's (1 = as fast as starting Python)."""
        return [p / i for p, i in zip(self.python_ms, self.ingest_ms, strict=True)]


def timed(argv: list[str], cwd, stdin: bytes | None = None
          ) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, input=stdin, capture_output=True, env=contract.env(),
                          timeout=120)
    return (time.perf_counter() - start) * 1000, done


def run(mails: list[Mail], runs: int) -> Ingest:
    if len(mails) < runs + 1:
        raise BenchError(f"ingest needs {runs + 1} mails, the corpus has {len(mails)}")
    with Sink() as sink:
        site = Daemon(contract.config(sink.port), prefix="ticketd-bench-ingest-")  # not started
        try:
            result = Ingest([], [])
            _, made = timed(contract.ticketd(site.config, "migrate"), site.folder)
            if made.returncode != 0:  # ingest never makes tables: an admin runs migrate
                raise BenchError("ticketd migrate exited "
                                 f"{made.returncode}:\n{made.stderr.decode(errors='replace')}")
            for i, mail in enumerate(mails[:runs + 1]):
                ms, done = timed(contract.ticketd(site.config, "ingest"), site.folder,
                                 mail.raw)
                if done.returncode != 0:
                    raise BenchError(f"ticketd ingest exited {done.returncode}:\n"
                                     + done.stderr.decode(errors="replace")[-2000:])
                pass_ms, _ = timed([sys.executable, "-c", "pass"], site.folder)
                if i:  # the first run warms the page cache
                    result.ingest_ms.append(ms)
                    result.python_ms.append(pass_ms)
            stored = contract.spooled(site.folder)
            if stored != runs + 1:
                raise BenchError(f"{runs + 1} mails piped into ingest, {stored} spooled")
            return result
        finally:
            site.cleanup()
