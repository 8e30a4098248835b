"""systemd's notify protocol: READY=1, RELOADING=1, STOPPING=1 and WATCHDOG=1 pings.

The protocol is one datagram to the AF_UNIX socket named by $NOTIFY_SOCKET
(a leading '@' means Linux's abstract namespace); these few lines are all it
takes, where a library would add a dependency (python-systemd needs
libsystemd's headers to build) for the same thing. Without $NOTIFY_SOCKET
(not under systemd, or Type=simple) every call does nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import time

log = logging.getLogger("ticketd.systemd")

ENVIRONMENT = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID")  # the children get none


def notify(*lines: str) -> bool:
    """Send the lines as one message; False when there is no socket or it failed (the
    daemon runs on: systemd's own timeout then tells the admin)."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as s:
            s.connect(address)
            s.sendall("\n".join(lines).encode())
    except OSError as exc:
        log.warning("cannot notify systemd at %s: %s", address.lstrip("\0"), exc)
        return False
    return True


def reloading() -> bool:
    """RELOADING=1 with the monotonic time systemd (253+, Type=notify-reload) asks for."""
    usec = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
    return notify("RELOADING=1", f"MONOTONIC_USEC={usec}")


def watchdog_seconds() -> float | None:
    """How often to ping (half of WatchdogSec=), or None when the watchdog is off or meant
    for another process."""
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    try:
        return max(0.1, int(usec) / 2_000_000)
    except ValueError:
        return None


def child_environment() -> dict[str, str]:
    """The environment for child processes: only the main process talks to systemd."""
    return {k: v for k, v in os.environ.items() if k not in ENVIRONMENT}
