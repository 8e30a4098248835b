"""A real Postfix (Debian's `postfix`) of its own: loopback only, relaying nothing, all state
under one folder (`postfix -c DIR`), set up as the README tells an admin to.

Postfix starts as root (its master drops to `postfix` and to the pipe's `user=`); the CI
runs as root. The folders live under /tmp rather than pytest's 0700 tmp_path, since the
`postfix` and `ticketd` users must reach them. Nothing leaves the machine: every address
we do not route to ticketd is refused, and the default transports are `error:`.
"""

from __future__ import annotations

import os
import pwd
import shutil
import smtplib
import subprocess
import sys
import tempfile
from pathlib import Path

from conftest import wait_for

POSTFIX = shutil.which("postfix") or ("/usr/sbin/postfix" if Path("/usr/sbin/postfix").exists()
                                      else None)
PIPE_USER = "ticketd-pipetest"  # the README's `user=ticketd`, named apart from a real one

MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {root}/queue
data_directory = {root}/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.example.com
mydomain = example.com
myorigin = example.com
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_peername_lookup = no
smtpd_relay_restrictions = reject_unauth_destination
default_transport = error:this test instance sends nothing out
relay_transport = error:this test instance sends nothing out
mydestination =
alias_maps =
alias_database =
"""

MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
pickup    unix  n - n 60   1 pickup
cleanup   unix  n - n -    0 cleanup
qmgr      unix  n - n 300  1 qmgr
rewrite   unix  - - n -    - trivial-rewrite
bounce    unix  - - n -    0 bounce
defer     unix  - - n -    0 bounce
trace     unix  - - n -    0 bounce
verify    unix  - - n -    1 verify
flush     unix  n - n 1000 0 flush
proxymap  unix  - - n -    - proxymap
smtp      unix  - - n -    - smtp
relay     unix  - - n -    - smtp
error     unix  - - n -    - error
retry     unix  - - n -    - error
discard   unix  - - n -    - discard
local     unix  - n n -    - local
anvil     unix  - - n -    1 anvil
scache    unix  - - n -    1 scache
"""


def shared_dir(prefix: str, owner: str | None = None) -> Path:
    """A folder under /tmp that other users can reach (pytest's tmp_path is root's alone)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    if owner:
        shutil.chown(path, owner, owner)
    return path


def ensure_pipe_user() -> str:
    """The unprivileged user the pipe runs ticketd as (pipe(8) refuses root)."""
    try:
        pwd.getpwnam(PIPE_USER)
    except KeyError:  # (two test workers may race to make it: either one will do)
        subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/usr/sbin/nologin", PIPE_USER], capture_output=True)
        pwd.getpwnam(PIPE_USER)
    return PIPE_USER


def ticketd_command(folder: Path, user: str) -> str:
    """The `ticketd` an MTA runs: this venv's console script, as the README writes it, when
    `user` can run it; else (an interpreter under root's 0700 home) a script of the same
    two lines for the system Python of the same version, over this venv's packages."""
    script = Path(sys.executable).parent / "ticketd"
    if subprocess.run(["runuser", "-u", user, "--", str(script), "--help"],
                      capture_output=True).returncode == 0:
        return str(script)
    system = "/usr/bin/python3"
    same = subprocess.run([system, "-c", "import sys; print(sys.version_info[:2])"],
                          capture_output=True, text=True).stdout.strip()
    assert same == str(tuple(sys.version_info[:2])), \
        f"{user} cannot run {script}, and {system} is not Python {sys.version_info[:2]}"
    import site

    wrapper = folder / "ticketd"
    wrapper.write_text(f"#!{system}\nimport site, sys\n"
                       + "".join(f"site.addsitedir({d!r})\n" for d in site.getsitepackages())
                       + "from daemon.cli.main import main\nsys.exit(main())\n")
    wrapper.chmod(0o755)
    return str(wrapper)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postfix:
    def __init__(self, main: dict[str, str], master: str = "", maps: dict[str, str] | None = None,
                 map_owner: str | None = None):
        self.root = shared_dir("ticketd-postfix-")
        try:
            self._configure(main, master, maps or {}, map_owner)
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    def _configure(self, main: dict[str, str], master: str, maps: dict[str, str],
                   map_owner: str | None) -> None:
        self.port = free_port()
        self.etc = self.root / "etc"
        self.etc.mkdir()
        (self.root / "queue").mkdir()
        (self.root / "data").mkdir()
        shutil.chown(self.root / "data", "postfix")
        base = [ln for ln in MAIN_CF.format(root=self.root).splitlines()
                if ln.split(" = ")[0] not in main]
        text = "\n".join(base) + "\n" + "".join(f"{k} = {v}\n" for k, v in main.items())
        (self.etc / "main.cf").write_text(text.replace("{etc}", str(self.etc)))
        (self.etc / "master.cf").write_text(MASTER_CF.format(port=self.port) + master)
        for name, content in maps.items():
            path = self.etc / name
            path.write_text(content)
            tool = "postalias" if "aliases" in name else "postmap"
            subprocess.run([tool, "-c", str(self.etc), str(path)], check=True)
            if map_owner:  # local(8) runs an alias's command as the alias file's owner
                for made in (path, path.with_name(path.name + ".db")):
                    shutil.chown(made, map_owner, map_owner)

    def postfix(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([POSTFIX, "-c", str(self.etc), *args], capture_output=True,
                              text=True, timeout=60)

    def start(self) -> Postfix:
        checked = self.postfix("check")
        assert checked.returncode == 0, checked.stderr
        started = self.postfix("start")
        assert started.returncode == 0, started.stderr
        wait_for(self._answers, timeout=30, what=f"postfix listening on {self.port}")
        return self

    def _answers(self) -> bool:
        try:
            with smtplib.SMTP("127.0.0.1", self.port, timeout=5) as s:
                s.noop()
            return True
        except OSError:
            return False

    def stop(self) -> None:
        self.postfix("stop")
        pid_file = self.root / "queue" / "pid" / "master.pid"

        def master_gone() -> bool:
            try:
                os.kill(int(pid_file.read_text().split()[0]), 0)
            except (OSError, ValueError, IndexError):  # no file, no process, no pid
                return True
            return False

        wait_for(master_gone, timeout=30, what="postfix's master to exit")
        shutil.rmtree(self.root, ignore_errors=True)

    def queue(self) -> str:
        """`postqueue -p`: what Postfix still holds, and why (its log goes to syslog, which
        a container may not have: a log file would need postlogd, which hung here)."""
        return subprocess.run(["postqueue", "-c", str(self.etc), "-p"], capture_output=True,
                              text=True, timeout=60).stdout

    def send(self, msg, mail_from: str, rcpt: list[str]) -> dict:
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as s:
            return s.send_message(msg, from_addr=mail_from, to_addrs=rcpt)
