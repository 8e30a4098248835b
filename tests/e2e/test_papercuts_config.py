"""Issue 12, admin papercut 19: `check-config` says everything at once, in the admin's words."""

from __future__ import annotations

from conftest import config_text

BROKEN = """
[limits]
cpu_seconds_per_mail = "fast"

[[queues]]
name = "repairs"
addresses = ["repairs@example.com"]
assign = "fastest"

[[rules]]
name = "Escalate"
match = { subject = ["outage"] }
set = { priority = "extreme", queue = "nowhere" }

[[imap]]
name = "shop"
host = "127.0.0.1"
username = "shop"
password_file = "/nonexistent/shop.secret"
port = "993"
"""


def test_point_19_check_config_reports_every_error_in_one_run_by_name_and_value(
        daemon_factory):
    d = daemon_factory(config_text(directory="outbox", extra=BROKEN), start=False)
    r = d.cli("check-config", check=False)
    assert r.returncode == 2
    err = r.stderr.decode()
    for expected in (
            "limits.cpu_seconds_per_mail: must be a whole number, not 'fast'",  # a type error ...
            "imap['shop'].port: must be a whole number, not '993'",
            # ... and, in the same run, what only the whole file can tell
            "rules['Escalate'].set.priority: 'extreme' is not one of low, normal, high, urgent",
            "rules['Escalate'].set.queue: queue 'nowhere' is not defined in [[queues]]",
            "queues['repairs'].assign: 'fastest' is not one of manual, round_robin, least_open",
            "imap['shop'].password_file: cannot read /nonexistent/shop.secret"):
        assert expected in err, f"{expected!r} not in:\n{err}"
    assert "rules[" not in err.replace("rules['", "")  # never a bare index when there is a name


def test_point_19_a_template_override_matching_no_template_is_a_warning(daemon_factory,
                                                                         tmp_path):
    overrides = tmp_path / "my-templates"
    overrides.mkdir()
    (overrides / "acknowledgement.j2").write_text("Subject: {{ tag }} thanks\n\nThanks.\n")
    text = config_text(directory="outbox").replace(
        'log_level = "INFO"', 'log_level = "INFO"\ntemplates = "my-templates"')
    d = daemon_factory(text, start=False)
    r = d.cli("check-config")
    assert r.returncode == 0  # a warning, not an error
    err = r.stderr.decode()
    assert "warning" in err and "acknowledgement.j2" in err
    assert "no template is named 'acknowledgement'" in err and "ack, " in err
