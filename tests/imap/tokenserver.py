"""A local OAuth2 provider for the XOAUTH2 tests: a token endpoint and a token-info endpoint.

POST /token takes the refresh-token grant (RFC 6749 §6) and issues access
tokens that expire after `lifetime` seconds, rotating the refresh token when
told to (the old one stops working, as with reuse detection). GET /tokeninfo
is what Dovecot's oauth2 passdb asks at each login: it accepts only a token
it issued that has not expired. Everything it saw is recorded for the test.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

CLIENT_ID = "ticketd-test"
CLIENT_SECRET = "s3cret"
FIRST_REFRESH_TOKEN = "rt-0"


class Provider:
    def __init__(self, lifetime: float = 3600, rotate: bool = False, user: str = "support"):
        self.lifetime, self.rotate, self.user = lifetime, rotate, user
        self.lock = threading.Lock()
        self.refresh_tokens = {FIRST_REFRESH_TOKEN}
        self.access: dict[str, float] = {}  # token -> expiry (monotonic)
        self.refreshes: list[dict] = []  # every POST's form
        self.logins: list[tuple[str, bool]] = []  # (token, accepted) per token-info query
        self.counter = itertools.count(1)
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http.server_port}"

    def start(self) -> Provider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()

    def revoke_all(self) -> None:
        """The user removed ticketd's access at the provider."""
        with self.lock:
            self.refresh_tokens.clear()

    def grant(self, refresh_token: str) -> None:
        """The admin authorised ticketd again and got this refresh token."""
        with self.lock:
            self.refresh_tokens.add(refresh_token)

    def failed_logins(self) -> list[str]:
        with self.lock:
            return [t for t, ok in self.logins if not ok]

    # --- the endpoints ---------------------------------------------------------------

    def token(self, form: dict) -> tuple[int, dict]:
        with self.lock:
            self.refreshes.append(form)
            if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                return 401, {"error": "invalid_client"}
            if form.get("grant_type") != "refresh_token":
                return 400, {"error": "unsupported_grant_type"}
            if form.get("refresh_token") not in self.refresh_tokens:
                return 400, {"error": "invalid_grant",
                             "error_description": "Token has been expired or revoked."}
            n = next(self.counter)
            access = f"at-{n}"
            self.access[access] = time.monotonic() + self.lifetime
            answer = {"access_token": access, "token_type": "Bearer",
                      "expires_in": self.lifetime}
            if self.rotate:
                self.refresh_tokens.discard(form["refresh_token"])
                self.refresh_tokens.add(f"rt-{n}")
                answer["refresh_token"] = f"rt-{n}"
            return 200, answer

    def tokeninfo(self, token: str) -> tuple[int, dict]:
        with self.lock:
            ok = self.access.get(token, 0) > time.monotonic()
            self.logins.append((token, ok))
        if ok:
            return 200, {"username": self.user, "active": True}
        return 401, {"error": "invalid_token"}

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                self._answer(*provider.token(form))

            def do_GET(self):  # noqa: N802
                self._answer(*provider.tokeninfo(self.path.split("access_token=", 1)[-1]))

            def _answer(self, code: int, data: dict) -> None:
                body = json.dumps(data).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler


def oauth_passdb(dovecot, provider: Provider) -> None:
    """Point a not yet started Dovecot's oauth2 passdb at the provider's token info."""
    conf = dovecot.root / "oauth2.conf.ext"
    conf.write_text(f"tokeninfo_url = {provider.url}/tokeninfo?access_token=\n"
                    "username_attribute = username\n")
    dovecot.conf.write_text(dovecot.conf.read_text().replace("{oauth_conf}", str(conf)))


OAUTH_PASSDB = ("passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
                "  args = {oauth_conf}\n}\n")
