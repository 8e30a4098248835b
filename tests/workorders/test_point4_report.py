"""Issue 11, point 4: `ticketd report` in text, JSON, CSV and HTML on a seeded database;
the figures agree with a direct count in SQL; the HTML page, opened in headless Chromium
(Debian's `chromium`), draws its three charts (checked in the DOM and in a screenshot).
Its time on 10,000 tickets is measured by bench/report_timing.py, not asserted here."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REPO, Store
from repair import database_url, repair_config

sys.path.insert(0, str(REPO))
from bench.seed_reports import seed_tickets  # noqa: E402
from daemon.reports.html import COLOURS  # noqa: E402

CHROMIUM = shutil.which("chromium")
N = 600


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A folder with a config and a database of N work orders (the suite's backend)."""
    from daemon.clock import SYSTEM_CLOCK
    from daemon.store.db import open_stores

    folder = tmp_path_factory.mktemp("report")
    url = database_url(folder, "ticketd.db")
    (folder / "config.toml").write_text(repair_config(directory="outbox").replace(
        'database = "sqlite:///ticketd.db"', f'database = "{url}"'))
    spool = url if url.startswith("postgres") else f"sqlite:///{folder / 'ticketd-spool.db'}"
    stores = open_stores(url, spool, create=True)
    seed_tickets(N, SYSTEM_CLOCK.now())
    stores.close()
    return folder, Store(folder, url if url.startswith("postgres") else None)


def report(folder: Path, *args: str) -> str:
    r = subprocess.run([sys.executable, "-m", "daemon", "-c", str(folder / "config.toml"),
                        "report", *args], capture_output=True, timeout=120, cwd=folder)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout.decode()


def db_time(store: Store, iso: str):
    """A report window bound as the database stores times: naive UTC."""
    naive = datetime.fromisoformat(iso).astimezone(UTC).replace(tzinfo=None)
    return naive if store.pg_url else naive.isoformat(sep=" ")


def inclusive_quantile(values: list[float], q: float) -> float:
    values = sorted(values)
    pos = q * (len(values) - 1)
    low = int(pos)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (pos - low)


def test_point4_report_figures_agree_with_a_direct_count(seeded):
    folder, store = seeded
    f = json.loads(report(folder, "--format", "json", "--since", "30d"))
    since, until = (db_time(store, f["window"][k]) for k in ("since", "until"))
    q = store.query

    def count(sql, *params):
        return q("tickets", sql, params)[0][0]

    window = "created_at >= ? AND created_at < ?"
    assert f["totals"]["opened"] == count(f"SELECT count(*) FROM ticket WHERE {window}",
                                          since, until) > 100
    assert f["totals"]["resolved"] == count("SELECT count(*) FROM ticket WHERE resolved_at "
                                            ">= ? AND resolved_at < ?", since, until) > 50
    assert f["totals"]["open"] == count("SELECT count(*) FROM ticket WHERE status IN "
                                        "('new', 'open', 'pending')")
    by_queue = dict(q("tickets", f"SELECT queue, count(*) FROM ticket WHERE {window} "
                                 "GROUP BY queue", (since, until)))
    assert {r["queue"]: r["opened"] for r in f["by"]["queue"]} == by_queue
    by_area = dict(q("tickets", "SELECT v.value, count(*) FROM ticket t JOIN ticket_field v "
                                "ON v.ticket_id = t.id AND v.name = 'area' WHERE t.status IN "
                                "('new', 'open', 'pending') GROUP BY v.value", ()))
    assert {r["area"]: r["open"] for r in f["by"]["area"]} == by_area
    assert {r["type"] for r in f["by"]["type"]} == {"repair", "installation", "question"}
    assert sum(d["opened"] for d in f["per_day"]) == f["totals"]["opened"]
    assert sum(a["open"] for a in f["backlog_by_age"]) == f["totals"]["open"]

    pairs = q("tickets", f"SELECT created_at, first_response_at FROM ticket WHERE {window} "
                         "AND first_response_at IS NOT NULL", (since, until))
    waits = [(_t(b) - _t(a)).total_seconds() for a, b in pairs]
    stats = f["times"]["first_response"]
    assert stats["count"] == len(waits)
    assert stats["p90_seconds"] == pytest.approx(inclusive_quantile(waits, 0.9), abs=0.1)
    assert stats["median_seconds"] == pytest.approx(inclusive_quantile(waits, 0.5), abs=0.1)

    met = count("SELECT count(*) FROM sla_clock c JOIN ticket t ON t.id = c.ticket_id WHERE "
                "t.created_at >= ? AND t.created_at < ? AND COALESCE(t.first_response_at, "
                "CASE WHEN t.status IN ('resolved', 'closed') THEN t.resolved_at END) <= "
                "c.due_first_response", since, until)
    (repairs,) = f["sla"]
    assert (repairs["queue"], repairs["first_response_met"]) == ("repairs", met)
    completed = dict(q("tickets", "SELECT resolved_by, count(*) FROM ticket WHERE resolved_at "
                                  ">= ? AND resolved_at < ? GROUP BY resolved_by",
                       (since, until)))
    assert {s["staff"]: s["completed"] for s in f["staff"] if s["completed"]} == completed


def _t(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def test_point4_text_csv_and_a_queue_filter_carry_the_same_figures(seeded):
    folder, _ = seeded
    f = json.loads(report(folder, "--format", "json", "--queue", "repairs"))
    assert [r["queue"] for r in f["by"]["queue"]] == ["repairs"]
    rows = list(csv.DictReader(io.StringIO(report(folder, "--format", "csv", "--queue",
                                                  "repairs"))))
    totals = {r["metric"]: int(r["value"]) for r in rows if r["section"] == "totals"}
    assert totals == f["totals"]
    text = report(folder, "--queue", "repairs")
    assert f"opened {f['totals']['opened']}, resolved {f['totals']['resolved']}" in text
    out = folder / "r.html"
    assert report(folder, "--format", "html", "--output", str(out)) == ""
    assert out.read_text().startswith("<!doctype html>")


@pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium (.ci/run installs it)")
def test_point4_the_html_report_draws_its_charts_in_headless_chromium(seeded, tmp_path):
    from PIL import Image

    folder, _ = seeded
    page = tmp_path / "report.html"
    report(folder, "--format", "html", "--since", "30d", "--output", str(page))
    f = json.loads(report(folder, "--format", "json", "--since", "30d"))
    html = page.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # nothing fetched

    dom = chromium(tmp_path, "--dump-dom", page)
    figures = dict(re.findall(r'<figure id="(chart-[\w-]+)">(.*?)</figure>', dom, re.S))
    assert set(figures) == {"chart-opened-resolved", "chart-backlog-age", "chart-sla-queue"}
    for svg in figures.values():
        assert 'class="pygal-chart"' in svg and 'class="no_data"' not in svg
    ages = [int(v) for v in re.findall(r'<desc class="value">(\d+)</desc>',
                                       figures["chart-backlog-age"])]
    assert ages == [a["open"] for a in f["backlog_by_age"]]
    bars = re.findall(r'<desc class="value">(\d+)</desc>', figures["chart-opened-resolved"])
    assert len(bars) == 2 * len(f["per_day"])

    shot = tmp_path / "shot.png"
    chromium(tmp_path, f"--screenshot={shot}", page, "--window-size=1100,2600")
    colours = {"#{:02x}{:02x}{:02x}".format(*rgb): n for n, rgb in
               Image.open(shot).convert("RGB").getcolors(maxcolors=1 << 22)}
    for series, colour in COLOURS.items():  # a legend square is 12 x 12: bars are more
        assert colours.get(colour, 0) > 600, f"{series} ({colour}) is not drawn"


def chromium(tmp_path: Path, action: str, page: Path, *more: str) -> str:
    profile = tmp_path / f"chromium-{len(list(tmp_path.iterdir()))}"
    r = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", "--hide-scrollbars",
                        f"--user-data-dir={profile}", *more, action, page.as_uri()],
                       capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    return r.stdout.decode()
