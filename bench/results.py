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


def sections(text: str, level: str = "## ") -> dict[str, str]:
    """Heading -> body of each section at this level (text before the first is dropped)."""
    out: dict[str, str] = {}
    for chunk in ("\n" + text).split("\n" + level)[1:]:
        title, _, body = chunk.partition("\n")
        out[title.strip()] = body.strip()
    return out


def write_parts(heading: str, intro: str, parts: dict[str, str], order: list[str],
                out: Path = RESULTS) -> None:
    """Rewrite one section's intro and the `### ` parts given; keep the other parts.

    So `--only imap` refreshes the IMAP part and leaves the others as measured.
    """
    old = sections(out.read_text()).get(heading, "") if out.exists() else ""
    kept = {**sections(old, "### "), **parts}
    body = intro.strip() + "".join(f"\n\n### {title}\n\n{kept[title]}" for title in order
                                   if title in kept)
    write_section(heading, body, out)


def drop_section(heading: str, out: Path = RESULTS) -> None:
    """Remove a section whose script is gone."""
    if not out.exists():
        return
    text = out.read_text()
    marker = f"## {heading}\n"
    if marker in text:
        start = text.index(marker)
        end = text.find("\n## ", start + len(marker))
        text = text[:start].rstrip() + "\n" + (text[end:] if end != -1 else "")
        out.write_text(text)
