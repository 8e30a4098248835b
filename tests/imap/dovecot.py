"""A real Dovecot (Debian's dovecot-imapd) on a free loopback port, all state under one folder.

Own config, passwd-file users and Maildirs; no TLS (loopback only). Used by
the IMAP tests and by the benchmark (`python -m bench`, bench/step_imap.py).
"""

from __future__ import annotations

import itertools
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from imapclient import IMAPClient

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists()
                                      else None)
DOVEADM = shutil.which("doveadm") or ("/usr/bin/doveadm" if Path("/usr/bin/doveadm").exists()
                                      else None)

CONFIG = """\
base_dir = {base_dir}
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = {ssl}
{ssl_files}disable_plaintext_auth = no
auth_mechanisms = plain login{extra_mechs}
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
mail_location = maildir:{root}/mail/%u
mail_fsync = {fsync}
mailbox_idle_check_interval = 1 secs
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
{extra_passdb}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service imap {{
  process_limit = 64
}}
"""


_COUNTER = itertools.count()


def _self_signed(cert: Path, key: Path) -> None:
    """A certificate for 127.0.0.1, so clients can verify it when told to trust it."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    key.chmod(0o644)  # the dovecot config process reads it (test key, temp dir)


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dovecot:
    """Start, stop, add users, APPEND mail, and read a folder's flags, for tests."""

    def __init__(self, keep_log_in: Path | None = None, fsync: str = "optimized",
                 extra_conf: str = "", extra_mechs: str = "", extra_passdb: str = "",
                 tls: bool = False):
        import grp
        import os
        import pwd

        # Dovecot refuses root for mail and login processes, and they must reach their
        # folders: so everything lives in its own world-readable temp dir, not tmp_path.
        self.root = Path(tempfile.mkdtemp(prefix="ticketd-dovecot-"))
        self.root.chmod(0o755)
        self.keep_log_in = keep_log_in
        self.port = free_port()
        self.tls_port = free_port() if tls else 0
        self.cert = self.root / "cert.pem"
        if tls:
            _self_signed(self.cert, self.root / "key.pem")
        ssl_files = (f"ssl_cert = <{self.cert}\nssl_key = <{self.root / 'key.pem'}\n"
                     if tls else "")
        self.users: dict[str, str] = {}
        if os.getuid() == 0:
            mail_uid, mail_gid = pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid
            login_user = "dovenull" if _has_user("dovenull") else "nobody"
        else:
            mail_uid, mail_gid = os.getuid(), os.getgid()
            login_user = pwd.getpwuid(mail_uid).pw_name
        for sub in ("run", "state", "mail", "home"):
            (self.root / sub).mkdir()
            (self.root / sub).chmod(0o755)
        for sub in ("mail", "home"):
            os.chown(self.root / sub, mail_uid, mail_gid)
        (self.root / "users").write_text("")
        self.conf = self.root / "dovecot.conf"
        self.conf.write_text(CONFIG.format(
            root=self.root, port=self.port, fsync=fsync, uid=mail_uid, gid=mail_gid,
            base_dir=self.root / "run", login_user=login_user,
            user=pwd.getpwuid(os.getuid()).pw_name, group=grp.getgrgid(os.getgid()).gr_name,
            extra_mechs=extra_mechs, extra_passdb=extra_passdb, ssl="yes" if tls else "no",
            ssl_files=ssl_files, tls_port=self.tls_port) + extra_conf)

    # --- lifecycle ---------------------------------------------------------------

    def start(self, timeout: float = 15.0) -> Dovecot:
        # the master daemonizes; its children keep any pipe open, so no capture here
        subprocess.run([DOVECOT, "-c", str(self.conf)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not start:\n{self.log_text()[-3000:]}")

    def stop(self, timeout: float = 15.0) -> None:
        pid_file = self.root / "run" / "master.pid"
        if not pid_file.exists():
            return
        import os
        import signal

        try:
            pid = int(pid_file.read_text().strip())
            os.kill(pid, signal.SIGTERM)  # as `doveadm stop` does
        except (ValueError, ProcessLookupError):
            return
        deadline = time.monotonic() + timeout
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        try:  # imap processes outlive the master by seconds: end them too, as a reboot would
            os.killpg(pid, signal.SIGTERM)
        except OSError:
            pass
        while time.monotonic() < deadline:  # the listener must be gone too
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                time.sleep(0.05)
            except OSError:
                return

    def cleanup(self) -> None:
        """Kill the whole Dovecot process group at once (a graceful stop takes a second)."""
        import os
        import signal

        pid_file = self.root / "run" / "master.pid"
        try:
            pid = int(pid_file.read_text().strip())
            if os.getpgid(pid) != pid:  # not the group leader we expect: stop it politely
                raise ValueError(pid)
            os.killpg(pid, signal.SIGKILL)
            pid_file.unlink()
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            self.stop()
        if self.keep_log_in is not None:
            (Path(self.keep_log_in) / "dovecot.log").write_text(self.log_text())
        shutil.rmtree(self.root, ignore_errors=True)

    def log_text(self) -> str:
        p = self.root / "dovecot.log"
        return p.read_text("utf-8", "replace") if p.exists() else ""

    # --- users and mail ----------------------------------------------------------------

    def add_user(self, name: str, password: str) -> None:
        self.users[name] = password
        with open(self.root / "users", "a") as f:
            f.write(f"{name}:{{PLAIN}}{password}\n")

    def client(self, user: str) -> IMAPClient:
        c = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        c.login(user, self.users[user])
        return c

    def append(self, user: str, messages: list[bytes], folder: str = "INBOX",
               flags=()) -> None:
        with self.client(user) as c:
            for raw in messages:
                c.append(folder, raw, flags=flags)

    def deliver(self, user: str, raw: bytes) -> None:
        """Drop a message into the user's Maildir INBOX as an MDA would (works while stopped)."""
        import os

        box = self.root / "mail" / user
        owner = (box / "new").stat()
        name = f"{time.time():.6f}.P{os.getpid()}Q{next(_COUNTER)}.ticketd-test"
        tmp = box / "tmp" / name
        tmp.write_bytes(raw)
        os.chown(tmp, owner.st_uid, owner.st_gid)
        tmp.rename(box / "new" / name)

    def flags(self, user: str, folder: str = "INBOX") -> dict[int, tuple]:
        """UID -> flags of every message in the folder (read-only look)."""
        with self.client(user) as c:
            if not c.folder_exists(folder):
                return {}
            c.select_folder(folder, readonly=True)
            uids = c.search(["ALL"])
            if not uids:
                return {}
            return {u: v[b"FLAGS"] for u, v in c.fetch(uids, ["FLAGS"]).items()}

    def count(self, user: str, folder: str = "INBOX") -> int:
        return len(self.flags(user, folder))
