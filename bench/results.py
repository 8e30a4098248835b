"""bench/RESULTS.md holds one `## ` section per benchmark; each script rewrites only its own."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TITLE = ("# ticketd benchmarks\n\n"
         "Each section is written by the script it names; rerun it to refresh.\n")


def write_section(heading: str, body: str, out: Path = RESULTS) -> None:
    """Replace (or append) the section that starts with `## {heading}`."""
    section = f"## {heading}\n\n{body.strip()}\n"
    text = out.read_text() if out.exists() else TITLE
    marker = f"## {heading}\n"
    if marker in text:
        start = text.index(marker)
        end = text.find("\n## ", start + len(marker))
        text = text[:start] + section + (text[end:] if end != -1 else "")
    else:
        text = text.rstrip() + "\n\n" + section
    out.write_text(text)
    print(f"wrote the section {heading!r} of {out}")
