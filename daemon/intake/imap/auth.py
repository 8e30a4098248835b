"""Connecting and logging in to one mailbox: TLS mode, socket timeouts, credentials.

Secrets are read on every connect, so a rotated password file or a fresh
OAuth2 token is picked up without a restart; with the built-in refresh flow
(oauth2.py) the access token is kept between connections and refreshed before
it runs out. `connect` is the default client factory; tests and the benchmark
pass their own to point at a Dovecot fixture.
"""

from __future__ import annotations

import os
import ssl
import subprocess
from dataclasses import dataclass

from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from daemon.config import Config, ImapConfig
from daemon.intake.imap.oauth2 import RefreshFlow
from daemon.intake.imap.secretfiles import SecretError, mtime_of, read_secret_file

__all__ = ["Credentials", "SecretError", "connect", "login", "read_secret"]


@dataclass(frozen=True)
class Secret:
    kind: str  # "password" | "oauth2"
    value: str


def read_secret(cfg: ImapConfig, config: Config) -> Secret:
    if cfg.password_file:
        return Secret("password", read_secret_file(config.resolve(cfg.password_file)))
    if cfg.password_env:
        value = os.environ.get(cfg.password_env)
        if value is None:
            raise SecretError(f"environment variable {cfg.password_env} is not set")
        return Secret("password", value)
    if cfg.oauth2_token_file:
        return Secret("oauth2", read_secret_file(config.resolve(cfg.oauth2_token_file)))
    if cfg.oauth2_token_command:
        return Secret("oauth2", _run_token_command(cfg, config))
    raise SecretError("no password or token configured")


def _run_token_command(cfg: ImapConfig, config: Config) -> str:
    """The admin's command (via /bin/sh, like git credential helpers) prints a token."""
    try:
        r = subprocess.run(["/bin/sh", "-c", cfg.oauth2_token_command], capture_output=True,
                           timeout=max(10, cfg.timeout_seconds), cwd=config.path.parent)
    except subprocess.TimeoutExpired:
        raise SecretError("oauth2_token_command timed out") from None
    token = r.stdout.decode("utf-8", "replace").strip()
    if r.returncode != 0 or not token:
        err = r.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise SecretError(f"oauth2_token_command exited {r.returncode} without a token "
                          f"{err[0][:200]}".rstrip())
    return token


def connect(cfg: ImapConfig) -> IMAPClient:
    """Open the connection (TLS, STARTTLS or plain) with connect and read timeouts."""
    context = ssl.create_default_context() if (cfg.tls or cfg.starttls) else None
    client = IMAPClient(cfg.host, port=cfg.port, ssl=cfg.tls, ssl_context=context,
                        timeout=float(cfg.timeout_seconds))
    if cfg.starttls:
        try:
            client.starttls(context)
        except BaseException:
            client.shutdown()
            raise
    return client


class Credentials:
    """What one poller logs in with. With the refresh flow the access token lives here
    between connections; otherwise each login reads the secret afresh."""

    def __init__(self, cfg: ImapConfig, config: Config, flow: RefreshFlow | None = None):
        self.cfg, self.config = cfg, config
        self.flow = flow or (RefreshFlow(cfg, config) if cfg.oauth2_refresh_token_file
                             else None)

    def secret(self) -> Secret:
        if self.flow is not None:
            return Secret("oauth2", self.flow.token())
        return read_secret(self.cfg, self.config)

    def keep_fresh(self) -> None:
        """Refresh a due access token while connected, so the next login has one ready
        and a revoked grant is noticed even while the session lasts."""
        if self.flow is not None and self.flow.seconds_until_due() <= 0:
            self.flow.refresh()

    def seconds_until_due(self) -> float | None:
        return self.flow.seconds_until_due() if self.flow is not None else None

    def refused(self) -> None:
        """The server refused the login: a cached access token is not tried again."""
        if self.flow is not None:
            self.flow.forget()

    @property
    def problem(self) -> str | None:
        """What only the admin can mend (a revoked grant), for `ticketd status`."""
        return self.flow.problem if self.flow is not None else None

    def file_stamp(self) -> int | None:
        """When the refresh token file last changed: an admin writing a new one after a
        revoked grant ends the poller's backoff at once."""
        return mtime_of(self.flow.token_file) if self.flow is not None else None


def login(client: IMAPClient, cfg: ImapConfig, credentials: Credentials) -> None:
    """Log in with the password or XOAUTH2; raises LoginError or SecretError."""
    secret = credentials.secret()
    try:
        if secret.kind == "password":
            client.login(cfg.username, secret.value)
        else:
            client.oauth2_login(cfg.username, secret.value)  # SASL XOAUTH2 (Gmail, M365)
    except LoginError:
        credentials.refused()
        raise
