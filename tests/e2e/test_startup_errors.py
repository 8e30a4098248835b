"""Issue 10 point 6: start-up errors end in one line with a sysexits code, no traceback;
`check-config` names a folder the daemon could not write before it starts."""

from __future__ import annotations

import socket
import subprocess
import sys

from conftest import config_text


def run(folder, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "daemon", "-c", str(folder / "config.toml"),
                           *args], cwd=folder, capture_output=True, text=True, timeout=120)


def test_point_6_port_in_use_is_one_line_and_exit_69(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        (tmp_path / "config.toml").write_text(config_text(directory="outbox").replace(
            'listen = "127.0.0.1:0"', f'listen = "127.0.0.1:{port}"'))
        r = run(tmp_path, "run")
    assert r.returncode == 69  # EX_UNAVAILABLE: the unit does not restart it every 5 s
    assert "Traceback" not in r.stderr
    (line,) = [x for x in r.stderr.splitlines() if "cannot start" in x]
    assert f"cannot listen on 127.0.0.1:{port}" in line and "in use" in line
    assert r.stderr.count("\n") <= 3  # the start-up log line or two, and this one


def test_point_6_unwritable_outbox_folder_is_named_by_check_config_and_by_run(tmp_path):
    (tmp_path / "blocker").write_text("a file where a folder should be\n")
    (tmp_path / "config.toml").write_text(config_text(directory="blocker/outbox"))
    check = run(tmp_path, "check-config")
    assert check.returncode == 2
    assert "outbound.directory" in check.stderr and "blocker/outbox" in check.stderr
    r = run(tmp_path, "run")
    assert r.returncode == 73  # EX_CANTCREAT
    assert "Traceback" not in r.stderr
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("ticketd: cannot start: outbound.directory") and "blocker" in line


def test_point_6_unreachable_database_is_one_line_and_exit_75(tmp_path):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    (tmp_path / "config.toml").write_text(config_text(directory="outbox").replace(
        'database = "sqlite:///ticketd.db"',
        f'database = "postgresql://nobody@127.0.0.1:{port}/ticketd"'))
    r = run(tmp_path, "run")
    assert r.returncode == 75, r.stderr  # EX_TEMPFAIL: the database may come back
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("ticketd: cannot start: daemon.database: cannot open "
                           f"postgresql://nobody@127.0.0.1:{port}/ticketd")
