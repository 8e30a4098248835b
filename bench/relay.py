"""A relay stand-in that costs next to nothing: `python -m bench.relay PORT`.

The daemons' notices must go somewhere over SMTP. In production that is an
MTA on its own host; here it shares the two cores with what is measured, and
aiosmtpd spends ~1.5 ms of CPU a mail, as much as a fifth of the whole
ticket. This answers the same dialogue (EHLO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT, pipelined or not) with a few byte comparisons and keeps nothing, so
`bench.multi` compares the daemons, not the stand-in.
"""

from __future__ import annotations

import asyncio
import signal
import sys

END = b"\r\n.\r\n"
EHLO = b"250-relay.example\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
REPLIES = {b"HELO": b"250 relay.example\r\n", b"MAIL": b"250 OK\r\n", b"RCPT": b"250 OK\r\n",
           b"RSET": b"250 OK\r\n", b"NOOP": b"250 OK\r\n", b"EHLO": EHLO}


class Relay(asyncio.Protocol):
    def connection_made(self, transport) -> None:
        self.transport = transport
        self.buffer = bytearray()
        self.in_data = False
        transport.write(b"220 relay.example ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.buffer:
            if self.in_data:
                # the content ends at CRLF.CRLF; a dot line first ends an empty one (a
                # content line "." comes dot-stuffed, as "..")
                if self.buffer.startswith(b".\r\n"):
                    end = 3
                else:
                    end = self.buffer.find(END)
                    if end < 0:
                        return
                    end += len(END)
                del self.buffer[:end]
                self.in_data = False
                self.transport.write(b"250 OK queued\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                return
            verb = bytes(self.buffer[:4]).upper()
            del self.buffer[: end + 2]
            if verb == b"DATA":
                self.in_data = True
                self.transport.write(b"354 go ahead\r\n")
            elif verb == b"QUIT":
                self.transport.write(b"221 bye\r\n")
                self.transport.close()
                return
            else:
                self.transport.write(REPLIES.get(verb, b"502 not implemented\r\n"))


async def serve_until_stopped(protocol_factory, port: int) -> None:
    """Listen on 127.0.0.1:PORT, print the port bound, serve until SIGTERM or SIGINT
    (this relay, and bench/sink.py's aiosmtpd)."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(protocol_factory, "127.0.0.1", port)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(server.sockets[0].getsockname()[1], flush=True)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(serve_until_stopped(Relay, int(sys.argv[1])))
