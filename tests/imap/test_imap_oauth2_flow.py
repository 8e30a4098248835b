"""The refresh flow's own logic, with the HTTP call replaced by a recorded answer: what the
provider's answers mean, when a refresh is due, and where a rotated token goes."""

from __future__ import annotations

import json

import pytest

from daemon.config import load_config
from daemon.intake.imap.oauth2 import (
    GrantRevoked,
    RefreshFlow,
    TokenRefused,
    TokenUnavailable,
    parse_answer,
    refresh_request,
)
from daemon.intake.imap.secretfiles import write_secret_file

MINIMAL = """
[outbound]
from = "Support <support@example.com>"
directory = "outbox"
[[queues]]
name = "general"
[[imap]]
name = "m365"
host = "outlook.office365.com"
username = "support@example.com"
oauth2_refresh_token_file = "refresh.token"
oauth2_token_endpoint = "https://login.example.com/token"
oauth2_client_id = "app-1"
"""


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Endpoint:
    """Answers queued by the test, in order; records each form sent."""

    def __init__(self, *answers):
        self.answers, self.forms = list(answers), []

    def __call__(self, url, body, timeout):
        self.forms.append(dict(p.split("=", 1) for p in body.decode().split("&")))
        status, data = self.answers.pop(0)
        return status, json.dumps(data).encode()


def flow_for(tmp_path, endpoint, **kw):
    (tmp_path / "refresh.token").write_text("rt-0\n")
    (tmp_path / "config.toml").write_text(MINIMAL)
    config = load_config(tmp_path / "config.toml")
    return RefreshFlow(config.imap[0], config, post=endpoint, **kw)


def test_answers_mean_a_grant_a_revoked_grant_a_refusal_or_try_later():
    grant = parse_answer(200, b'{"access_token": "a", "expires_in": "3599", '
                              b'"refresh_token": "r2"}', "x")
    assert (grant.access_token, grant.lifetime, grant.refresh_token) == ("a", 3599.0, "r2")
    assert parse_answer(200, b'{"access_token": "a"}', "x").lifetime == 3600.0
    with pytest.raises(GrantRevoked, match=r"OAuth2 grant revoked \(invalid_grant: AADSTS"):
        parse_answer(400, b'{"error": "invalid_grant", "error_description": "AADSTS70000"}',
                     "x")
    with pytest.raises(TokenRefused, match="invalid_client") as refused:
        parse_answer(401, b'{"error": "invalid_client"}', "x")
    assert not isinstance(refused.value, GrantRevoked)
    for status, body in ((503, b'{"error": "x"}'), (200, b"<html>"), (429, b"{}")):
        with pytest.raises(TokenUnavailable):
            parse_answer(status, body, "x")


def test_the_request_carries_the_client_in_the_body_and_scope_only_when_set():
    body = refresh_request("rt/1", "app", "s&cret", "").decode()
    assert body == "grant_type=refresh_token&refresh_token=rt%2F1&client_id=app&" \
                   "client_secret=s%26cret"
    assert "scope=a+b" in refresh_request("rt", "app", scope="a b").decode()


def test_a_token_is_refreshed_before_it_runs_out_not_at_each_login(tmp_path):
    clock = Clock()
    endpoint = Endpoint((200, {"access_token": "at-1", "expires_in": 3600}),
                        (200, {"access_token": "at-2", "expires_in": 3600}))
    flow = flow_for(tmp_path, endpoint, clock=clock)
    assert flow.token() == "at-1"
    clock.now += 3000
    assert flow.token() == "at-1" and flow.seconds_until_due() == 300
    clock.now += 300  # five minutes before it expires
    assert flow.token() == "at-2"
    assert [f["refresh_token"] for f in endpoint.forms] == ["rt-0", "rt-0"]


def test_while_the_endpoint_is_down_the_current_token_serves_as_long_as_it_lasts(tmp_path):
    clock = Clock()
    endpoint = Endpoint((200, {"access_token": "at-1", "expires_in": 600}),
                        (503, {"error": "temporarily_unavailable"}))
    flow = flow_for(tmp_path, endpoint, clock=clock)
    flow.token()
    clock.now += 400
    assert flow.token() == "at-1"  # due, the refresh failed, but it is still valid
    assert flow.seconds_until_due() == 30  # tried again in 30 s, not at every wait
    assert flow.problem is None


def test_a_rotated_refresh_token_replaces_the_file_and_an_unsaved_one_is_named(tmp_path):
    endpoint = Endpoint((200, {"access_token": "at-1", "refresh_token": "rt-1"}),
                        (200, {"access_token": "at-2", "refresh_token": "rt-2"}),
                        (200, {"access_token": "at-3"}),
                        (200, {"access_token": "at-4"}))
    flow = flow_for(tmp_path, endpoint)
    flow.refresh()
    token_file = tmp_path / "refresh.token"
    assert token_file.read_text() == "rt-1\n" and token_file.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "refresh.token"]
    def read_only(path, text):
        raise OSError(30, "Read-only file system")

    flow.save = read_only  # e.g. /etc/ticketd under ProtectSystem=strict
    flow.refresh()
    assert flow.problem.startswith("cannot save the rotated OAuth2 refresh token to "
                                   f"{token_file}: Read-only file system")
    flow.refresh()  # the unsaved token is the one sent next, and saved once it can be
    assert flow.problem is not None
    flow.save = write_secret_file
    flow.refresh()
    assert flow.problem is None and token_file.read_text() == "rt-2\n"
    assert [f["refresh_token"] for f in endpoint.forms] == ["rt-0", "rt-1", "rt-2", "rt-2"]


def test_a_revoked_grant_names_the_file_to_write_and_clears_when_a_new_token_works(tmp_path):
    endpoint = Endpoint((400, {"error": "invalid_grant"}),
                        (200, {"access_token": "at-1"}))
    flow = flow_for(tmp_path, endpoint)
    with pytest.raises(GrantRevoked):
        flow.token()
    assert flow.problem.startswith("OAuth2 grant revoked (invalid_grant)")
    assert str(tmp_path / "refresh.token") in flow.problem
    write_secret_file(tmp_path / "refresh.token", "rt-new")
    assert flow.token() == "at-1" and flow.problem is None
    assert endpoint.forms[-1]["refresh_token"] == "rt-new"


@pytest.mark.parametrize("change, expected", [
    ('oauth2_token_endpoint = "http://login.example.com/token"',
     "oauth2_token_endpoint: must be an https:// URL"),
    ('oauth2_client_id = ""', "oauth2_client_id: required"),
    ('oauth2_refresh_token_file = "missing.token"', "oauth2_refresh_token_file: cannot read"),
    ('password_file = "refresh.token"', "set exactly one of"),
])
def test_check_config_names_what_the_refresh_flow_lacks(tmp_path, change, expected):
    from daemon.config import ConfigError

    (tmp_path / "refresh.token").write_text("rt-0\n")
    key = change.split(" = ")[0]
    lines = [x for x in MINIMAL.splitlines() if not x.startswith(key + " ")] + [change]
    (tmp_path / "config.toml").write_text("\n".join(lines) + "\n")
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "config.toml")
    assert any(p.startswith("imap['m365']") and expected in p for p in err.value.problems), \
        err.value.problems
