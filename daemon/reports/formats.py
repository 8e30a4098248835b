"""The report as text (for a terminal or a mail), JSON (the figures as they are) or CSV
(one row per figure: section, group, metric, value — a spreadsheet pivots it)."""

from __future__ import annotations

import csv
import io
import json


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes = int(round(seconds / 60))
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    return " ".join(p for p in (f"{days}d" if days else "", f"{hours}h" if hours else "",
                                f"{minutes}m" if minutes or not (days or hours) else "") if p)


def as_json(figures: dict) -> str:
    return json.dumps(figures, ensure_ascii=False, indent=2) + "\n"


def rows_of(figures: dict):
    """(section, group, metric, value) for every figure."""
    for k, v in figures["totals"].items():
        yield "totals", "", k, v
    for name, table in figures["by"].items():
        for row in table:
            for k in ("opened", "resolved", "open"):
                yield f"by {name}", row[name], k, row[k]
    for row in figures["per_day"]:
        yield "per day", row["day"], "opened", row["opened"]
        yield "per day", row["day"], "resolved", row["resolved"]
    for row in figures["backlog_by_age"]:
        yield "backlog by age", row["age"], "open", row["open"]
    for what, stats in figures["times"].items():
        for k, v in stats.items():
            yield "times", what, k, v
    for row in figures["sla"]:
        for k, v in row.items():
            if k != "queue":
                yield "sla", row["queue"], k, v
    for row in figures["staff"]:
        yield "staff", row["staff"], "open_assigned", row["open_assigned"]
        yield "staff", row["staff"], "completed", row["completed"]
        for queue, n in row["completed_by_queue"].items():
            yield "staff", row["staff"], f"completed in {queue}", n


def as_csv(figures: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "group", "metric", "value"])
    writer.writerows(rows_of(figures))
    return out.getvalue()


def _table(rows: list[list], headers: list[str]) -> list[str]:
    cells = [headers] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in cells]
    return [lines[0], "  ".join("-" * w for w in widths), *lines[1:], ""]


def as_text(figures: dict) -> str:
    w, t = figures["window"], figures["totals"]
    out = [f"Tickets from {w['since']} to {w['until']}"
           + (f", queue {w['queue']}" if w["queue"] else ""), "",
           f"opened {t['opened']}, resolved {t['resolved']}, open now {t['open']}", ""]
    for name, table in figures["by"].items():
        out += [f"By {name}"] + _table([[r[name], r["opened"], r["resolved"], r["open"]]
                                        for r in table], [name, "opened", "resolved", "open"])
    out += ["Backlog by age"] + _table([[r["age"], r["open"]] for r in
                                        figures["backlog_by_age"]], ["age", "open"])
    out += ["Response times"] + _table(
        [[k.replace("_", " "), s["count"], duration(s["median_seconds"]),
          duration(s["p90_seconds"])] for k, s in figures["times"].items()],
        ["time to", "tickets", "median", "90th percentile"])
    out += ["SLA by queue"] + _table(
        [[r["queue"], r["first_response_met"], r["first_response_breached"],
          r["resolution_met"], r["resolution_breached"]] for r in figures["sla"]],
        ["queue", "first response met", "breached", "resolution met", "breached"])
    out += ["Staff"] + _table(
        [[r["staff"], r["open_assigned"], r["completed"],
          ", ".join(f"{q} {n}" for q, n in r["completed_by_queue"].items()) or "-"]
         for r in figures["staff"]], ["staff", "open assigned", "completed", "completed in"])
    return "\n".join(out)
