"""Issue 12, admin papercut 23: the docs say what the daemon does."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

from conftest import wait_for

from daemon.service.reload import RESTART_ONLY

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()


def test_point_23_the_docs_agree_on_reopen_closed_within_days():
    said = {
        "docs/config.md": next(ln for ln in (REPO / "docs/config.md").read_text().splitlines()
                               if "`reopen_closed_within_days`" in ln),
        "config.toml": next(ln for ln in (REPO / "config.toml").read_text().splitlines()
                            if ln.startswith("reopen_closed_within_days")),
        "docs/staff.md": next(ln for ln in (REPO / "docs/staff.md").read_text().splitlines()
                              if "reopen_closed_within_days" in ln),
    }
    for where, line in said.items():  # within N days of closing: reopened; else a new ticket
        assert re.search(r"within .*(of|after) closing", line), (where, line)
        assert "reopen" in line and "new ticket" in line, (where, line)


def test_point_23_the_readme_says_which_settings_a_reload_applies(daemon):
    paragraph = README[README.index("A reload applies at once"):]
    paragraph = paragraph[:paragraph.index("\n\n")]
    for key in RESTART_ONLY:
        assert f"`{key}`" in paragraph, key
    for applied in ("[[rules]]", "[[queues]]", "[[staff]]", "templates", "[outbound]"):
        assert applied in paragraph.split("These are read only at start")[0], applied
    text = daemon.config.read_text()
    daemon.config.write_text(text.replace("[daemon]", "[daemon]\nworkers = 3")
                             .replace('"refund", "invoice"', '"refund", "invoice", "bill"'))
    daemon.proc.send_signal(signal.SIGHUP)
    line = wait_for(lambda: [ln for ln in daemon.log_text().splitlines() if "reloaded" in ln],
                    what="the reload's log line")[0]
    assert line.endswith("needs a restart to take effect: daemon.workers"), line


def test_point_23_the_readme_smtplib_snippet_run_twice_makes_two_tickets(daemon):
    snippet = README[README.index("or with Python's smtplib:"):]
    snippet = snippet[snippet.index("```python\n") + 10:]
    snippet = snippet[:snippet.index("```")].replace("2525", str(daemon.port))
    assert 'm["Message-ID"]' in snippet and 'm["Date"]' in snippet
    for _ in range(2):
        subprocess.run([sys.executable, "-c", snippet], check=True, timeout=60)
    tickets = wait_for(lambda: len(daemon.tickets()) == 2 and daemon.tickets(),
                       what="two tickets from two runs")
    assert [t["subject"] for t in tickets] == ["Printer on fire"] * 2
