"""XOAUTH2 (user-pain §12): Dovecot's oauth2 passdb asks a local token endpoint about the token."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import wait_for
from dovecot import DOVEADM, DOVECOT, Dovecot
from imapfix import mails
from pollerfix import PollerRig

pytestmark = pytest.mark.dovecot

GOOD_TOKEN = "ya29.good-token"


class TokenInfo(BaseHTTPRequestHandler):
    """The provider's token-info endpoint: knows one token, for the user `support`."""

    seen: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        token = self.path.split("access_token=", 1)[-1]
        TokenInfo.seen.append(token)
        if token == GOOD_TOKEN:
            body, code = json.dumps({"username": "support", "active": True}).encode(), 200
        else:
            body, code = b'{"error": "invalid_token"}', 401
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def oauth_dovecot(tmp_path):
    if not DOVECOT or not DOVEADM:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd; .ci/run does it)")
    http = ThreadingHTTPServer(("127.0.0.1", 0), TokenInfo)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    d = Dovecot(keep_log_in=tmp_path, extra_mechs=" xoauth2 oauthbearer",
                extra_passdb="passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
                             "  args = {oauth_conf}\n}\n")
    oauth_conf = d.root / "oauth2.conf.ext"
    oauth_conf.write_text(f"tokeninfo_url = http://127.0.0.1:{http.server_port}"
                          "/tokeninfo?access_token=\nusername_attribute = username\n")
    d.conf.write_text(d.conf.read_text().replace("{oauth_conf}", str(oauth_conf)))
    d.add_user("support", "support-pw")
    d.start()
    yield d
    d.cleanup()
    http.shutdown()
    http.server_close()


def test_user_pain_12_imap_oauth2_xoauth2_token_from_a_command_logs_in(oauth_dovecot, tmp_path):
    oauth_dovecot.append("support", mails(2, "oauth"))
    r = PollerRig(oauth_dovecot, tmp_path,
                  oauth2_token_command=f"echo {GOOD_TOKEN}").start()
    try:
        wait_for(lambda: len(r.spool_keys()) == 2, what="mail fetched after an XOAUTH2 login")
    finally:
        r.stop()
    assert GOOD_TOKEN in TokenInfo.seen  # Dovecot really checked our token with the provider
    assert "method=XOAUTH2" in oauth_dovecot.log_text()


def test_user_pain_12_imap_oauth2_rejected_token_is_logged_with_the_mailbox_name(
        oauth_dovecot, tmp_path, caplog):
    (tmp_path / "token").write_text("expired-token\n")
    caplog.set_level(logging.INFO, logger="ticketd.imap")
    r = PollerRig(oauth_dovecot, tmp_path,
                  oauth2_token_file=str(tmp_path / "token")).start()
    try:
        wait_for(lambda: any("login as support" in m for m in caplog.messages),
                 what="the failed login")
    finally:
        r.stop()
    assert r.spool_keys() == []
    line = next(m for m in caplog.messages if "login as support" in m)
    assert line.startswith("imap support: login as support at 127.0.0.1:") and "failed" in line
