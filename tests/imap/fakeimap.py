"""A misbehaving IMAP server on a loopback port, for the failures Dovecot won't produce.

`silent`: accepts TCP and never sends a greeting. `stall_fetch`: behaves until
the first UID FETCH, then never answers. Counts connections.
"""

from __future__ import annotations

import socket
import threading

SELECT_REPLY = ("* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 4] ok\r\n"
                "{tag} OK [READ-WRITE] selected\r\n")


class FakeImap:
    def __init__(self, mode: str):
        self.mode = mode
        self.connections = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.sock.settimeout(0.2)  # so stop() need not wait for a connection to arrive
        self.open: list[socket.socket] = []
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> FakeImap:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.closed.set()
        self.sock.close()
        for s in self.open:
            s.close()
        self.thread.join(5)

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            self.connections += 1
            self.open.append(conn)
            if self.mode == "stall_fetch":
                threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        f = conn.makefile("rb")
        try:
            conn.sendall(b"* OK [CAPABILITY IMAP4rev1 UIDPLUS] fake ready\r\n")
            for line in f:
                tag, _, rest = line.decode().strip().partition(" ")
                command = rest.upper()
                if command.startswith("UID FETCH"):
                    self.closed.wait()  # never answer
                    return
                conn.sendall(self._reply(tag, command).encode())
        except OSError:
            return

    @staticmethod
    def _reply(tag: str, command: str) -> str:
        if command.startswith("CAPABILITY"):
            return f"* CAPABILITY IMAP4rev1 UIDPLUS\r\n{tag} OK done\r\n"
        if command.startswith("SELECT"):
            return SELECT_REPLY.format(tag=tag)
        if command.startswith("UID SEARCH"):
            return f"* SEARCH 1 2 3\r\n{tag} OK done\r\n"
        if command.startswith("LOGOUT"):
            return f"* BYE bye\r\n{tag} OK done\r\n"
        return f"{tag} OK done\r\n"
