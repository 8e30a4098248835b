"""Where composed mail goes: an SMTP relay, or a folder of .eml files for trials.

Both take (Message-ID, envelope recipients, bytes) and raise PermanentFailure
for a refusal that retrying cannot mend (5xx); anything else is retried.
"""

from __future__ import annotations

import logging
import os
import smtplib
import time
from pathlib import Path

log = logging.getLogger("ticketd.outbox")

IDLE_CLOSE_SECONDS = 30.0  # a kept relay connection is closed after this long unused


class PermanentFailure(Exception):
    pass


class DirectorySender:
    """Writes each mail as <Message-ID>.eml: for trials without a relay."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.made = False

    @property
    def where(self) -> str:
        return str(self.folder)

    def send(self, message_id: str, to: list[str], raw: bytes) -> None:
        if not self.made:  # once, and again if someone removes the folder
            self.folder.mkdir(parents=True, exist_ok=True)
            self.made = True
        name = message_id.replace("/", "_").replace("@", "_at_") + ".eml"
        tmp = self.folder / (name + ".tmp")
        try:
            with open(tmp, "wb") as f:
                f.write(raw)
        except FileNotFoundError:
            self.made = False
            raise
        os.replace(tmp, self.folder / name)

    def idle(self) -> None:
        pass

    def close(self) -> None:
        pass


class RelaySender:
    """One SMTP connection kept while mail flows; reopened after a failure or a pause."""

    def __init__(self, host: str, port: int, timeout: int, envelope_from: str):
        self.host, self.port, self.timeout = host, port, timeout
        self.envelope_from = envelope_from
        self.smtp: smtplib.SMTP | None = None
        self.last_used = 0.0

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def send(self, message_id: str, to: list[str], raw: bytes) -> None:
        reused = self.smtp is not None
        try:
            self._send(to, raw)
        except smtplib.SMTPServerDisconnected:
            if not reused:
                raise
            self._send(to, raw)  # the relay closed a connection we kept: one fresh try

    def _send(self, to: list[str], raw: bytes) -> None:
        try:
            if self.smtp is None:
                self.smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            refused = self.smtp.sendmail(self.envelope_from, to, raw)
        except smtplib.SMTPRecipientsRefused as exc:
            self.drop_connection()
            codes = [code for code, _ in exc.recipients.values()]
            if all(500 <= c < 600 for c in codes):
                raise PermanentFailure(f"{self.where}: {describe(exc.recipients)}") from exc
            raise
        except smtplib.SMTPResponseException as exc:
            self.drop_connection()
            if 500 <= exc.smtp_code < 600:
                raise PermanentFailure(f"{self.where}: {exc.smtp_code} "
                                       f"{text(exc.smtp_error)}") from exc
            raise
        except (TimeoutError, OSError, smtplib.SMTPException):
            self.drop_connection()
            raise
        self.last_used = time.monotonic()
        if refused:
            log.warning("some recipients refused by %s: %s", self.where, describe(refused))

    def idle(self) -> None:
        """Called when the outbox is empty: let go of a connection unused for a while."""
        if self.smtp is not None and time.monotonic() - self.last_used > IDLE_CLOSE_SECONDS:
            self.close()

    def drop_connection(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            finally:
                self.smtp = None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


def text(msg) -> str:
    return msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)


def describe(recipients: dict) -> str:
    return "; ".join(f"{addr}: {code} {text(msg)}" for addr, (code, msg) in recipients.items())
