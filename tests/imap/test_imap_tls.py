"""Implicit TLS and STARTTLS against Dovecot, with a certificate the daemon is told to trust."""

from __future__ import annotations

import pytest
from conftest import wait_for
from dovecot import DOVEADM, DOVECOT, Dovecot
from imapfix import config_text, imap_section, mails

pytestmark = pytest.mark.dovecot


@pytest.fixture
def tls_dovecot(tmp_path):
    if not DOVECOT or not DOVEADM:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd; .ci/run does it)")
    d = Dovecot(keep_log_in=tmp_path, tls=True)
    d.add_user("support", "support-pw")
    d.start()
    yield d
    d.cleanup()


def _section(d: Dovecot, folder, mode: str) -> str:
    text = imap_section(d, folder, starttls=(mode == "starttls"))
    if mode == "implicit":
        text = text.replace("\ntls = false", "\ntls = true").replace(
            f"port = {d.port}", f"port = {d.tls_port}")
    return text


@pytest.mark.parametrize("mode", ["implicit", "starttls"])
def test_tls_modes_fetch_mail_over_a_verified_connection(tls_dovecot, daemon_factory, tmp_path,
                                                          monkeypatch, mode):
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_dovecot.cert))  # the daemon trusts this CA
    tls_dovecot.append("support", mails(2, mode))
    d = daemon_factory(config_text(directory="outbox", extra=_section(tls_dovecot, tmp_path,
                                                                      mode)))
    wait_for(lambda: len(d.tickets()) == 2, what="2 tickets over TLS")
    logins = [x for x in tls_dovecot.log_text().splitlines() if "Login: user=<support>" in x]
    assert any(", TLS," in x for x in logins)  # the daemon's login was encrypted


def test_an_untrusted_certificate_is_refused_and_logged_with_the_mailbox(
        tls_dovecot, daemon_factory, tmp_path, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    tls_dovecot.append("support", mails(1, "untrusted"))
    d = daemon_factory(config_text(directory="outbox", extra=_section(tls_dovecot, tmp_path,
                                                                      "implicit")))
    line = wait_for(lambda: next((x for x in d.log_text().splitlines()
                                  if "imap support: TLS with" in x), None), what="the log")
    assert "CERTIFICATE_VERIFY_FAILED" in line
    assert d.tickets() == []
