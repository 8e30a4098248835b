"""The built-in OAuth2 refresh flow (issue 10 point 7, user-pain §12) against Dovecot's oauth2
passdb, which checks every login's token with a local provider that issues short-lived tokens."""

from __future__ import annotations

import json
import logging
import subprocess

import pytest
from conftest import wait_for
from dovecot import DOVEADM, DOVECOT, Dovecot
from imapfix import config_text, imap_section, mails
from pollerfix import PollerRig
from tokenserver import CLIENT_ID, CLIENT_SECRET, FIRST_REFRESH_TOKEN, OAUTH_PASSDB, Provider
from tokenserver import oauth_passdb as point_passdb_at

pytestmark = pytest.mark.dovecot


@pytest.fixture
def provider_factory():
    made: list[Provider] = []

    def make(**kw) -> Provider:
        made.append(Provider(**kw).start())
        return made[-1]

    yield make
    for p in made:
        p.stop()


@pytest.fixture
def oauth_dovecot_for(tmp_path):
    """A Dovecot whose logins are checked by the given provider."""
    if not DOVECOT or not DOVEADM:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd; .ci/run does it)")
    made: list[Dovecot] = []

    def make(provider: Provider) -> Dovecot:
        d = Dovecot(keep_log_in=tmp_path, extra_mechs=" xoauth2 oauthbearer",
                    extra_passdb=OAUTH_PASSDB)
        point_passdb_at(d, provider)
        d.add_user("support", "support-pw")
        made.append(d.start())
        return d

    yield make
    for d in made:
        d.cleanup()


def flow_options(provider: Provider, folder, refresh_token: str = FIRST_REFRESH_TOKEN) -> dict:
    (folder / "refresh.token").write_text(refresh_token + "\n")
    (folder / "client.secret").write_text(CLIENT_SECRET + "\n")
    return {"oauth2_refresh_token_file": str(folder / "refresh.token"),
            "oauth2_token_endpoint": f"{provider.url}/token", "oauth2_client_id": CLIENT_ID,
            "oauth2_client_secret_file": str(folder / "client.secret")}


def kick(dovecot: Dovecot) -> None:
    """Drop the poller's connection, as a provider does at a token's expiry or a restart."""
    subprocess.run([DOVEADM, "-c", str(dovecot.conf), "kick", "support"], check=True,
                   capture_output=True)


def test_point_7_a_token_that_expires_mid_run_is_refreshed_without_a_failed_login(
        provider_factory, oauth_dovecot_for, tmp_path, caplog):
    provider = provider_factory(lifetime=4, rotate=True)
    dovecot = oauth_dovecot_for(provider)
    caplog.set_level(logging.INFO, logger="ticketd.imap")
    dovecot.append("support", mails(1, "first"))
    r = PollerRig(dovecot, tmp_path, **flow_options(provider, tmp_path)).start()
    try:
        wait_for(lambda: len(r.spool_keys()) == 1, what="mail after the first XOAUTH2 login")
        wait_for(lambda: len(provider.refreshes) >= 4, what="refreshes while connected")
        kick(dovecot)  # the first access tokens have long expired: the next login needs a new one
        dovecot.append("support", mails(1, "after-kick", start=1))
        wait_for(lambda: len(r.spool_keys()) == 2, what="mail after logging in again")
    finally:
        r.stop()
    accepted = [t for t, ok in provider.logins if ok]
    assert len(accepted) >= 2 and accepted[0] != accepted[-1]  # two logins, two tokens
    assert provider.failed_logins() == []  # Dovecot never saw an expired token
    assert not [m for m in caplog.messages if "login as support" in m]
    assert "method=XOAUTH2" in dovecot.log_text()


def test_point_7_a_rotated_refresh_token_is_kept_atomically_and_used_after_a_restart(
        provider_factory, oauth_dovecot_for, tmp_path):
    provider = provider_factory(lifetime=4, rotate=True)
    dovecot = oauth_dovecot_for(provider)
    token_file = tmp_path / "refresh.token"
    r = PollerRig(dovecot, tmp_path, **flow_options(provider, tmp_path)).start()
    try:
        wait_for(lambda: len(provider.refreshes) >= 3, what="rotations")
    finally:
        r.stop()
    assert provider.refresh_tokens == {token_file.read_text().strip()}  # the latest one
    assert token_file.stat().st_mode & 0o777 == 0o600
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".refresh.token")]
    assert FIRST_REFRESH_TOKEN not in provider.refresh_tokens  # the provider dropped it

    dovecot.append("support", mails(1, "after-restart"))
    r2 = PollerRig(dovecot, tmp_path, db=r.db, **flow_options(
        provider, tmp_path, refresh_token=token_file.read_text().strip())).start()
    try:
        wait_for(lambda: len(r2.spool_keys()) == 1, what="mail after a restart")
    finally:
        r2.stop()
    assert provider.failed_logins() == []
    assert [f["refresh_token"] for f in provider.refreshes[:2]] == [FIRST_REFRESH_TOKEN, "rt-1"]


def test_point_7_a_revoked_grant_is_named_by_status_until_a_new_refresh_token_is_written(
        provider_factory, oauth_dovecot_for, daemon_factory, tmp_path):
    provider = provider_factory(lifetime=4, rotate=False)
    dovecot = oauth_dovecot_for(provider)
    d = daemon_factory(config_text(directory="outbox", extra=imap_section(
        dovecot, tmp_path, **flow_options(provider, tmp_path))))
    dovecot.append("support", mails(1, "before"))
    wait_for(lambda: len(d.tickets()) == 1, what="the ticket from an XOAUTH2 mailbox")

    def status():
        r = d.cli("status", "--json", check=False)
        return r.returncode, json.loads(r.stdout)

    provider.revoke_all()  # the user removed ticketd's access at the provider
    code, s = wait_for(lambda: (lambda r: r if "grant revoked" in json.dumps(r[1]) else None)(
        status()), what="the revoked grant in the status")
    assert code == 1
    (problem,) = [p for p in s["problems"] if p.startswith("imap support:")]
    assert "OAuth2 grant revoked (invalid_grant: Token has been expired or revoked.)" in problem
    assert str(tmp_path / "refresh.token") in problem  # says where the new token goes
    text = d.cli("status", check=False).stdout.decode()
    assert "PROBLEMS" in text and "grant revoked" in text

    provider.grant("rt-again")  # the admin authorised ticketd again
    (tmp_path / "refresh.token").write_text("rt-again\n")
    wait_for(lambda: status()[0] == 0, what="a healthy status with the new refresh token")
    dovecot.append("support", mails(1, "after", start=1))
    wait_for(lambda: len(d.tickets()) == 2, what="mail flowing again")
    assert "grant revoked" not in d.cli("status").stdout.decode()
