"""The OAuth2 refresh-token grant (RFC 6749 §6): fresh XOAUTH2 access tokens, no helper needed.

Gmail and Microsoft 365 take no passwords: a mailbox holds a long-lived
refresh token (in a file) and ticketd trades it at the provider's token
endpoint for an access token that lasts about an hour, a little before the
last one runs out. A provider that rotates refresh tokens sends a new one
with each answer; it is written back atomically (temp file beside it, fsync,
rename, mode 0600) before the access token is used, so a crash never leaves
ticketd holding a token the provider has already replaced (user-pain §12).

The HTTP side is the standard library: one form POST and one JSON answer.
requests-oauthlib (and oauthlib under it) would add requests for that one
call, refuse a loopback http:// endpoint without an environment switch, and
raise when the provider answers with other scopes than asked for (Microsoft
does); authlib needs requests or httpx as its transport.
"""

from __future__ import annotations

import json
import logging
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlparse

from daemon.config import Config, ImapConfig
from daemon.intake.imap.secretfiles import SecretError, read_secret_file, write_secret_file

log = logging.getLogger("ticketd.imap")

MAX_ANSWER_BYTES = 1 << 20
DEFAULT_LIFETIME = 3600.0  # when the answer has no expires_in
EARLY = 300.0  # refresh this long before expiry (at most half the lifetime)
RETRY = 30.0  # an endpoint that failed is tried again after this, while the token lasts


class TokenUnavailable(SecretError):
    """The endpoint could not be reached or answered 5xx: retried like a lost connection."""


class TokenRefused(SecretError):
    """The endpoint refused the request for good (a wrong client, scope, or grant): only the
    admin can mend it, so `ticketd status` names it."""


class GrantRevoked(TokenRefused):
    """invalid_grant: the refresh token was revoked, expired or replaced."""


@dataclass(frozen=True)
class Grant:
    access_token: str
    lifetime: float  # seconds
    refresh_token: str | None  # a rotated refresh token, when the provider sends one


# --- the protocol, pure ---------------------------------------------------------------

def refresh_request(refresh_token: str, client_id: str, client_secret: str = "",
                    scope: str = "") -> bytes:
    """The form body: client credentials in the body, as Google and Microsoft accept."""
    fields = {"grant_type": "refresh_token", "refresh_token": refresh_token,
              "client_id": client_id}
    if client_secret:
        fields["client_secret"] = client_secret
    if scope:
        fields["scope"] = scope
    return urlencode(fields).encode()


def parse_answer(status: int, body: bytes, where: str) -> Grant:
    """The token endpoint's answer -> a Grant, or the exception that says what went wrong."""
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise TokenUnavailable(f"the token endpoint {where} answered HTTP {status} without "
                               "JSON")
    if status == 200 and isinstance(data.get("access_token"), str) and data["access_token"]:
        return Grant(data["access_token"], _lifetime(data.get("expires_in")),
                     data.get("refresh_token") or None)
    error = str(data.get("error") or f"HTTP {status}")
    detail = str(data.get("error_description") or "").strip().splitlines()[:1]
    said = f"{error}: {detail[0][:200]}" if detail else error
    if error == "invalid_grant":
        raise GrantRevoked(f"OAuth2 grant revoked ({said})")
    if status >= 500 or status == 429 or error in ("temporarily_unavailable", "server_error"):
        raise TokenUnavailable(f"the token endpoint {where} failed ({said})")
    raise TokenRefused(f"the token endpoint {where} refused the refresh ({said})")


def _lifetime(value) -> float:
    try:
        seconds = float(value)  # some providers send a string
    except (TypeError, ValueError):
        return DEFAULT_LIFETIME
    return seconds if seconds > 0 else DEFAULT_LIFETIME


def refresh_margin(lifetime: float) -> float:
    return min(EARLY, lifetime / 2)


# --- I/O --------------------------------------------------------------------------------

def post_form(url: str, body: bytes, timeout: float) -> tuple[int, bytes]:
    """POST the form; (status, body) for any HTTP answer, TokenUnavailable for no answer."""
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    context = ssl.create_default_context() if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as answer:
            return answer.status, answer.read(MAX_ANSWER_BYTES)
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read(MAX_ANSWER_BYTES)
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise TokenUnavailable(f"cannot reach the token endpoint {_where(url)}: "
                               f"{reason}") from None


def _where(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}{parsed.path}"


class RefreshFlow:
    """One mailbox's grant: the access token in memory, refreshed before it runs out."""

    def __init__(self, cfg: ImapConfig, config: Config,
                 post: Callable[[str, bytes, float], tuple[int, bytes]] = post_form,
                 clock: Callable[[], float] = time.monotonic,
                 save: Callable[[Path, str], None] = write_secret_file):
        self.cfg, self.config, self.post, self.clock = cfg, config, post, clock
        self.save = save
        self.token_file = config.resolve(cfg.oauth2_refresh_token_file)
        self.access: str | None = None
        self.expires_at = 0.0
        self.lifetime = DEFAULT_LIFETIME
        self.retry_at = 0.0  # after a failed refresh, not before this
        self.unsaved: str | None = None  # a rotated refresh token not yet written back
        self.problem: str | None = None  # what the admin must mend; None when all is well

    def token(self) -> str:
        """A valid access token, refreshed first when it is due; while the endpoint is down,
        the current one as long as it lasts."""
        if self.access is not None and self.seconds_until_due() > 0:
            return self.access
        try:
            self.refresh()
        except TokenUnavailable:
            if self.access is None or self.clock() >= self.expires_at - 5:
                raise
        return self.access

    def seconds_until_due(self) -> float:
        if self.access is None:
            return 0.0
        now = self.clock()
        return max(self.expires_at - refresh_margin(self.lifetime) - now, self.retry_at - now)

    def forget(self) -> None:
        """The server refused the token: fetch a new one before the next login."""
        self.access = None

    def refresh(self) -> None:
        refresh_token = self.unsaved or read_secret_file(self.token_file)
        secret = (read_secret_file(self.config.resolve(self.cfg.oauth2_client_secret_file))
                  if self.cfg.oauth2_client_secret_file else "")
        body = refresh_request(refresh_token, self.cfg.oauth2_client_id, secret,
                               self.cfg.oauth2_scope)
        started = self.clock()
        try:
            grant = parse_answer(*self.post(self.cfg.oauth2_token_endpoint, body,
                                            float(self.cfg.timeout_seconds)),
                                 _where(self.cfg.oauth2_token_endpoint))
        except TokenRefused as exc:
            self.access, self.unsaved = None, None
            self.problem = self._advice(exc)
            raise
        except TokenUnavailable:
            self.retry_at = self.clock() + RETRY
            raise
        self._keep(grant.refresh_token or refresh_token, refresh_token)
        self.access, self.lifetime = grant.access_token, grant.lifetime
        self.expires_at = started + grant.lifetime
        log.info("imap %s: OAuth2 access token refreshed (valid for %d s)", self.cfg.name,
                 grant.lifetime)

    def _keep(self, current: str, sent: str) -> None:
        """Write a rotated (or not yet saved) refresh token back before its access token is
        used; if the file cannot be written, keep it in memory and say so."""
        if current == sent and self.unsaved is None:
            self.problem = None
            return
        try:
            self.save(self.token_file, current)
        except OSError as exc:
            self.unsaved = current
            self.problem = (f"cannot save the rotated OAuth2 refresh token to "
                            f"{self.token_file}: {exc.strerror or exc}; it is kept in memory "
                            "until ticketd stops")
            log.error("imap %s: %s", self.cfg.name, self.problem)
            return
        self.unsaved, self.problem = None, None
        log.info("imap %s: the provider rotated the refresh token; saved to %s",
                 self.cfg.name, self.token_file)

    def _advice(self, exc: TokenRefused) -> str:
        if isinstance(exc, GrantRevoked):
            return (f"{exc}: authorise ticketd again and write the new refresh token to "
                    f"{self.token_file}")
        return f"{exc}: check oauth2_client_id, the client secret and oauth2_scope"
