"""Time and memory of parse_message on hostile and large input.

Run: python bench/parse_adversarial.py   (writes its section of bench/RESULTS.md;
tests assert behaviour and memory, never time).
"""

from __future__ import annotations

import os
import sys
import time
import tracemalloc
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from mailbuild import nested  # noqa: E402
from results import write_section  # noqa: E402

from parsers.message import ParseError, parse_message  # noqa: E402


def big_attachment(mib: int) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "a@customer.example", "support@example.com", "big"
    m.set_content("dump attached")
    m.add_attachment(os.urandom(mib * 1024 * 1024), maintype="application",
                     subtype="octet-stream", filename="dump.bin")
    return m.as_bytes()


def many_attachments(n: int) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "a@customer.example", "support@example.com", "many"
    m.set_content("files")
    for i in range(n):
        m.add_attachment(os.urandom(20_000), maintype="image", subtype="png",
                         filename=f"shot{i}.png")
    return m.as_bytes()


CASES = {
    "nested 40": lambda: nested(40),
    "nested 150": lambda: nested(150),
    "nested 1000": lambda: nested(1000),
    "nested 5000": lambda: nested(5000),
    "20 MiB attachment": lambda: big_attachment(20),
    "100 attachments": lambda: many_attachments(100),
    "1 MB of header lines": lambda: b"From: a@b.example\r\n" + b"X-A: b\r\n" * 125_000 + b"\r\nx",
    "random 1 MB": lambda: os.urandom(1_000_000),
}


def measure(raw: bytes) -> tuple[float, float, str]:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        msg = parse_message(raw)
        outcome = f"ok, {len(msg.attachments)} attachments, {len(msg.defects)} defects"
    except ParseError as exc:
        outcome = f"ParseError: {exc}"[:60]
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak / 2**20, outcome


def main() -> None:
    rows = ["| case | input MiB | seconds (traced) | peak MiB | outcome |", "|---|---|---|---|---|"]
    for name, build in CASES.items():
        raw = build()
        elapsed, peak, outcome = measure(raw)
        rows.append(f"| {name} | {len(raw) / 2**20:.1f} | {elapsed:.2f} | {peak:.1f} | "
                    f"{outcome} |")
        print(rows[-1], flush=True)
    write_section("Parsing hostile and large input (`bench/parse_adversarial.py`)",
                  "Seconds are measured under tracemalloc (about 4x slower than untraced); "
                  "tests assert the behaviour and the memory bound, never the time.\n\n"
                  + "\n".join(rows))


if __name__ == "__main__":
    main()
