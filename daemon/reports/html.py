"""The report as one self-contained HTML page a manager opens in any browser.

Charts are inline SVG drawn by pygal (pure Python, quick to import, SVG
out; matplotlib would cost a second of start-up and a font cache for three
bar charts). No script and no link leave the file: pygal's tooltip script
is switched off, its CSS is inline in each SVG, and the page's own style is
in its head. Each series has a solid colour of its own, named in COLOURS.
"""

from __future__ import annotations

from html import escape

from daemon.reports.formats import duration

COLOURS = {  # series -> fill: one colour per series across the page
    "opened": "#1f77b4", "resolved": "#17becf", "open": "#ff7f0e",
    "first response met": "#2ca02c", "first response breached": "#d62728",
    "resolution met": "#9467bd", "resolution breached": "#8c564b",
}
PAGE_STYLE = """
body { font: 15px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 1000px;
       color: #222; background: #fff; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border-bottom: 1px solid #ddd; padding: .25em .8em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { margin: 1em 0; } figure svg { width: 100%; height: auto; }
.totals span { display: inline-block; margin-right: 2em; font-size: 1.2em; }
"""


def _chart(kind: str, title: str, labels: list[str], series: dict[str, list[int]]) -> str:
    import pygal
    from pygal.style import Style

    style = Style(background="#ffffff", plot_background="#ffffff", opacity="1",
                  opacity_hover="1", colors=tuple(COLOURS[name] for name in series))
    chart = getattr(pygal, kind)(
        title=title, js=[], disable_xml_declaration=True, width=960, height=360,
        style=style, x_label_rotation=45 if len(labels) > 12 else 0,
        show_minor_x_labels=len(labels) <= 31, legend_at_bottom=True, print_values=False)
    chart.x_labels = labels
    if len(labels) > 31:
        chart.x_labels_major_every = max(1, len(labels) // 15)
    for name, values in series.items():
        chart.add(name, values)
    return chart.render(is_unicode=True)


def _table(rows: list[list], headers: list[str]) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def charts(f: dict) -> dict[str, str]:
    """id -> inline SVG of the three charts."""
    days = f["per_day"]
    sla = f["sla"]
    return {
        "chart-opened-resolved": _chart(
            "Bar", "Opened and resolved per day", [d["day"][5:] for d in days],
            {"opened": [d["opened"] for d in days], "resolved": [d["resolved"] for d in days]}),
        "chart-backlog-age": _chart(
            "Bar", "Open tickets by age", [a["age"] for a in f["backlog_by_age"]],
            {"open": [a["open"] for a in f["backlog_by_age"]]}),
        "chart-sla-queue": _chart(
            "Bar", "SLA targets by queue", [r["queue"] for r in sla],
            {f"{t.replace('_', ' ')} {v}": [r[f"{t}_{v}"] for r in sla]
             for t in ("first_response", "resolution") for v in ("met", "breached")}),
    }


def as_html(f: dict) -> str:
    w, t = f["window"], f["totals"]
    title = f"Tickets {w['since'][:10]} to {w['until'][:10]}" + (
        f", queue {w['queue']}" if w["queue"] else "")
    svg = charts(f)
    parts = [f"<h1>{escape(title)}</h1>",
             f"<p class=totals><span id=total-opened>opened {t['opened']}</span>"
             f"<span id=total-resolved>resolved {t['resolved']}</span>"
             f"<span id=total-open>open now {t['open']}</span></p>"]
    for key, heading in (("chart-opened-resolved", "Opened vs resolved per day"),
                         ("chart-backlog-age", "Backlog by age"),
                         ("chart-sla-queue", "SLA by queue")):
        parts.append(f"<h2>{heading}</h2><figure id={key}>{svg[key]}</figure>")
    for name, table in f["by"].items():
        parts.append(f"<h2>By {escape(name)}</h2>" + _table(
            [[r[name], r["opened"], r["resolved"], r["open"]] for r in table],
            [name, "opened", "resolved", "open"]))
    parts.append("<h2>Response times</h2>" + _table(
        [[k.replace("_", " "), s["count"], duration(s["median_seconds"]),
          duration(s["p90_seconds"])] for k, s in f["times"].items()],
        ["time to", "tickets", "median", "90th percentile"]))
    parts.append("<h2>Staff</h2>" + _table(
        [[r["staff"], r["open_assigned"], r["completed"],
          ", ".join(f"{q} {n}" for q, n in r["completed_by_queue"].items()) or "-"]
         for r in f["staff"]], ["staff", "open assigned", "completed", "completed in"]))
    return ("<!doctype html>\n<html lang=en><head><meta charset=utf-8>"
            f"<title>{escape(title)}</title><style>{PAGE_STYLE}</style></head><body>"
            + "\n".join(parts) + f"<p><small>generated {escape(w['generated_at'])} by ticketd"
            "</small></p></body></html>\n")
