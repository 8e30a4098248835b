"""CPU time and memory of parse_message on hostile and large input.

Run: python bench/parse_adversarial.py   (writes its section of bench/RESULTS.md).
Each case is parsed twice: once for CPU seconds (time.process_time, untraced),
once under tracemalloc for the peak. tests/parsers/test_bounds.py asserts the
issue's budget (2 s, 256 MiB) on the hostile cases and the caps they hit.
"""

from __future__ import annotations

import os
import sys
import time
import tracemalloc
from datetime import date
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "parsers"))
import hostile  # noqa: E402
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
    "75,000 References (2.6 MB)": hostile.many_references,
    "264 KB of nested HTML lists": hostile.nested_lists_html,
    "200 nested forwards": hostile.nested_forwards,
    "10,000 Cc addresses": hostile.many_cc,
    "40,000 attribution-like lines": hostile.colon_lines,
    "600 KB of unclosed HTML tags": hostile.broken_tags_html,
    "125,000 header fields (1 MB)": hostile.many_header_fields,
}


def measure(raw: bytes) -> tuple[float, float, str]:
    """(CPU seconds untraced, peak MiB traced, outcome)."""
    start = time.process_time()
    try:
        msg = parse_message(raw)
        outcome = f"ok, {len(msg.attachments)} attachments, {len(msg.defects)} defects"
    except ParseError as exc:
        outcome = f"ParseError: {exc}"[:60]
    cpu = time.process_time() - start
    tracemalloc.start()
    try:
        parse_message(raw)
    except ParseError:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return cpu, peak / 2**20, outcome


def main() -> None:
    rows = ["| case | input MiB | CPU seconds | peak MiB (traced) | outcome |",
            "|---|---|---|---|---|"]
    for name, build in CASES.items():
        raw = build()
        cpu, peak, outcome = measure(raw)
        rows.append(f"| {name} | {len(raw) / 2**20:.1f} | {cpu:.2f} | {peak:.1f} | {outcome} |")
        print(rows[-1], flush=True)
    write_section("Parsing hostile and large input (`bench/parse_adversarial.py`)",
                  f"`python bench/parse_adversarial.py`, {date.today()}, {os.cpu_count()} "
                  "shared cores (other engineers' jobs ran beside it). CPU seconds are "
                  "`time.process_time()` of one untraced parse; the peak is from a second "
                  "parse under tracemalloc.\n\n" + "\n".join(rows) + "\n\n" + BEFORE)


BEFORE = """Before issue 8 (parsers of 3c1c3e9, same generators): 75,000 References took
38 s of CPU (52 s in the issue's run: a quadratic de-duplication); 264 KB of nested
lists took 124 s and 2.8 GB in the issue's run (html2text's indentation grows with
the depth squared, and the quote stripper's header patterns backtracked on the
indentation: 8 KB of it already took 28 s here); 200 nested forwards took 1.3 s and
kept 201 forwarded texts; 10,000 Cc addresses took 0.7 s and kept all of them.
Caps now (parsers/limits.py, parsers/repair.py): References root + newest 49, 200
addresses per header, a header block of 1,000 fields and 4 MB, forwards read 5
deep, HTML to text 500,000 characters and 20,000 tags or entities, nesting
flattened past 32 levels, quote stripping on the first 300,000 characters with at
most 600 attribution tests. Each cut is named in `defects`."""


if __name__ == "__main__":
    main()
