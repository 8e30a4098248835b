"""Take large base64 parts out of a raw message before the MIME parser sees it.

Python's email parser (and mail-parser on top of it, which also re-encodes
every attachment to base64) holds about ten copies of a big attachment: a
20 MB file costs 200 MB. Here we find the MIME structure with `bytes.find`
on the raw bytes, decode big base64 bodies straight from a memoryview, and
hand the parser a small message whose big parts are empty and marked with
a header naming the decoded data. Anything we don't understand is left as
it is, for the ordinary parser.
"""

from __future__ import annotations

import binascii
import re
import secrets
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser

BIG_PART_BYTES = 256 * 1024
MARKER = "X-Ticketd-Extracted"
_MAX_DEPTH = 20
_HEADER_END = re.compile(rb"\r?\n\r?\n")


@dataclass
class Extracted:
    raw: bytes  # the message with big parts emptied
    token: str = ""
    parts: list[bytes] = field(default_factory=list)

    def data_for(self, marker_value: str | None) -> bytes | None:
        """The decoded bytes a marked part stood for; None for a forged or unknown mark."""
        if not marker_value or not self.token:
            return None
        token, _, index = marker_value.strip().partition(".")
        if token != self.token or not index.isdigit() or int(index) >= len(self.parts):
            return None
        return self.parts[int(index)]


def extract_big_parts(raw: bytes, threshold: int = BIG_PART_BYTES) -> Extracted:
    if len(raw) < threshold:
        return Extracted(raw)
    job = _Job(raw, threshold, secrets.token_hex(8))
    try:
        job.walk(0, len(raw), 0)
    except (ValueError, IndexError, binascii.Error):
        return Extracted(raw)
    if not job.cuts:
        return Extracted(raw)
    return Extracted(job.rebuild(), job.token, job.parts)


class _Job:
    def __init__(self, raw: bytes, threshold: int, token: str):
        self.raw, self.threshold, self.token = raw, threshold, token
        self.parts: list[bytes] = []
        self.cuts: list[tuple[int, int, int, int]] = []  # part start, body start, end, index

    def walk(self, start: int, end: int, depth: int) -> None:
        m = _HEADER_END.search(self.raw, start, end)
        if m is None or depth > _MAX_DEPTH:
            return
        headers = BytesHeaderParser().parsebytes(self.raw[start:m.start()] + b"\n\n")
        ctype = headers.get_content_type()
        body_start = m.end()
        if ctype.startswith("multipart/"):
            boundary = headers.get_param("boundary")
            if isinstance(boundary, str) and boundary:
                self._walk_multipart(boundary.encode("ascii", "replace"), body_start, end, depth)
            return
        cte = (headers.get("content-transfer-encoding") or "").strip().lower()
        if cte == "base64" and end - body_start >= self.threshold:
            data = binascii.a2b_base64(memoryview(self.raw)[body_start:end])
            self.cuts.append((start, body_start, end, len(self.parts)))
            self.parts.append(data)

    def _walk_multipart(self, boundary: bytes, start: int, end: int, depth: int) -> None:
        delim = b"\n--" + boundary
        pos = self.raw.find(delim, start - 1, end)
        while pos != -1:
            line_end = self.raw.find(b"\n", pos + len(delim), end)
            if self.raw.startswith(b"--", pos + len(delim)) or line_end == -1:
                return  # closing delimiter, or a truncated message
            nxt = self.raw.find(delim, line_end, end)
            part_end = end if nxt == -1 else nxt
            if part_end > line_end + 1 and self.raw[part_end - 1:part_end] == b"\r":
                part_end -= 1
            self.walk(line_end + 1, part_end, depth + 1)
            pos = nxt

    def rebuild(self) -> bytes:
        out, prev = [], 0
        for start, body_start, end, index in self.cuts:
            out.append(self.raw[prev:start])
            out.append(f"{MARKER}: {self.token}.{index}\r\n".encode())
            out.append(self.raw[start:body_start])
            prev = end
        out.append(self.raw[prev:])
        return b"".join(out)
