"""Connecting and logging in to one mailbox: TLS mode, socket timeouts, secrets.

Secrets are read on every connect, so a rotated password file or a fresh
OAuth2 token is picked up without a restart. `connect` is the default client
factory; tests and the benchmark pass their own to point at a Dovecot fixture.
"""

from __future__ import annotations

import os
import ssl
import subprocess
from dataclasses import dataclass

from imapclient import IMAPClient

from daemon.config import Config, ImapConfig


class SecretError(Exception):
    """The password or token could not be read: retried like a failed login."""


@dataclass(frozen=True)
class Secret:
    kind: str  # "password" | "oauth2"
    value: str


def read_secret(cfg: ImapConfig, config: Config) -> Secret:
    if cfg.password_file:
        return Secret("password", _read_file(config.resolve(cfg.password_file)))
    if cfg.password_env:
        value = os.environ.get(cfg.password_env)
        if value is None:
            raise SecretError(f"environment variable {cfg.password_env} is not set")
        return Secret("password", value)
    if cfg.oauth2_token_file:
        return Secret("oauth2", _read_file(config.resolve(cfg.oauth2_token_file)))
    if cfg.oauth2_token_command:
        return Secret("oauth2", _run_token_command(cfg, config))
    raise SecretError("no password or token configured")


def _read_file(path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip("\r\n")
    except OSError as exc:
        raise SecretError(f"cannot read {path}: {exc.strerror}") from None


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


def login(client: IMAPClient, cfg: ImapConfig, config: Config) -> None:
    """Log in with the password or XOAUTH2; raises LoginError or SecretError."""
    secret = read_secret(cfg, config)
    if secret.kind == "password":
        client.login(cfg.username, secret.value)
        return
    client.oauth2_login(cfg.username, secret.value)  # SASL XOAUTH2, as Gmail and M365 want
