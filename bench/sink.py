"""An SMTP sink in its own process: the relay the daemon sends notices to, or a no-op server.

    python -m bench.sink PORT [RECORD_FILE]

Its own process, so its CPU is not the bench client's GIL. With RECORD_FILE it
appends one line per mail, `time.time() <TAB> recipients <TAB> In-Reply-To <TAB>
Message-ID`, so arrivals can be counted, matched to what was sent and checked
for duplicates; without, it is the do-nothing aiosmtpd the daemon is compared with.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

IN_REPLY_TO = re.compile(rb"^In-Reply-To:[ \t]*<([^>\r\n]*)>", re.M | re.I)
MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*<([^>\r\n]*)>", re.M | re.I)


class Arrival(NamedTuple):
    time: float  # time.time() in the sink's handle_DATA
    rcpt: str  # envelope recipients, comma-separated
    in_reply_to: str  # without <>
    message_id: str


def header(pattern: re.Pattern, head: bytes) -> str:
    m = pattern.search(head)
    return m.group(1).decode("ascii", "replace") if m else ""


class Recorder:
    def __init__(self, out):
        self.out = out

    async def handle_DATA(self, server, session, envelope):
        if self.out is not None:
            arrived = time.time()
            head = envelope.original_content.split(b"\r\n\r\n", 1)[0]
            self.out.write(f"{arrived:.6f}\t{','.join(envelope.rcpt_tos)}\t"
                           f"{header(IN_REPLY_TO, head)}\t{header(MESSAGE_ID, head)}\n")
            self.out.flush()
        return "250 OK"


async def serve(port: int, record: str | None) -> None:
    from aiosmtpd.smtp import SMTP

    from bench.relay import serve_until_stopped

    out = open(record, "a", encoding="utf-8") if record else None
    handler = Recorder(out)
    await serve_until_stopped(lambda: SMTP(handler, hostname="sink.example"), port)
    if out is not None:
        out.close()


class Sink:
    """Start the sink process, read its arrivals, stop it (by its own pid)."""

    def __init__(self, record: bool = False, light: bool = False):
        """`light`: bench/relay.py, which answers and keeps nothing (no record)."""
        self.record = None
        if record:
            fd, name = tempfile.mkstemp(prefix="ticketd-bench-sink-", suffix=".txt")
            os.close(fd)
            self.record = Path(name)
        module = "bench.relay" if light and not record else "bench.sink"
        args = [sys.executable, "-m", module, "0"] + ([name] if record else [])
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True,
                                     cwd=Path(__file__).resolve().parent.parent)
        line = self.proc.stdout.readline()
        if not line.strip().isdigit():
            self.proc.kill()
            raise RuntimeError(f"the SMTP sink did not start (said {line!r})")
        self.port = int(line)
        self._lines: list[str] = []
        self._offset = 0

    def _read(self) -> None:
        """Take the lines written since the last look (a line being written waits)."""
        with open(self.record, "rb") as f:
            f.seek(self._offset)
            chunk = f.read()
        end = chunk.rfind(b"\n") + 1
        self._offset += end
        self._lines += chunk[:end].decode("utf-8").splitlines()

    def count(self) -> int:
        self._read()
        return len(self._lines)

    def arrivals(self) -> list[Arrival]:
        """Every mail so far."""
        self._read()
        return [Arrival(float(t), rcpt, irt, mid) for t, rcpt, irt, mid in
                (line.split("\t") for line in self._lines)]

    def stop(self) -> None:
        """Stop the process (by its own pid), then remove its record file."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.record is not None:
            self.record.unlink(missing_ok=True)

    def __enter__(self) -> Sink:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None))
