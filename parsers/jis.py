"""ISO-2022-JP as Windows writes it (code page 50221): ①, Ⅱ, ㈱, 髙 and half-width kana.

Python's iso2022_jp codecs know JIS X 0208 only, so Outlook's NEC and IBM
extra characters came out as U+FFFD, and Python has no cp50221 codec. Each
two-byte JIS character is turned into its Shift_JIS bytes here (one linear
pass) and the whole is decoded as cp932, which holds those extras.
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(rb"\x1b(\$@|\$B|\(B|\(J|\(I)")
_KANJI = (b"$@", b"$B")
_SO, _SI = 0x0E, 0x0F  # shift out/in: half-width katakana in cp50221


def decode_cp50221(data: bytes) -> str | None:
    """Text of ISO-2022-JP bytes with Microsoft's extensions; None when it is not that."""
    out = bytearray()
    mode = b"(B"
    pos = 0
    for m in _ESCAPE.finditer(data):
        _segment(data[pos:m.start()], mode, out)
        mode, pos = m.group(1), m.end()
    _segment(data[pos:], mode, out)
    if b"\x1b" in out:
        return None  # an escape we do not know (JIS X 0212...): not ours to decode
    try:
        return out.decode("cp932")
    except UnicodeDecodeError:
        return None


def _segment(chunk: bytes, mode: bytes, out: bytearray) -> None:
    if mode in _KANJI:
        _kanji(chunk, out)
    elif mode == b"(I":
        out.extend(b + 0x80 if 0x21 <= b <= 0x5F else b for b in chunk)
    else:
        _ascii(chunk, out)


def _ascii(chunk: bytes, out: bytearray) -> None:
    kana = False
    for b in chunk:
        if b in (_SO, _SI):
            kana = b == _SO
        else:
            out.append(b + 0x80 if kana and 0x21 <= b <= 0x5F else b)


def _kanji(chunk: bytes, out: bytearray) -> None:
    i = 0
    while i < len(chunk):
        j1 = chunk[i]
        if 0x21 <= j1 <= 0x7E and i + 1 < len(chunk) and 0x21 <= chunk[i + 1] <= 0x7E:
            out.extend(_to_sjis(j1, chunk[i + 1]))
            i += 2
        else:  # a line break inside kanji mode: kept as it is
            out.append(j1)
            i += 1


def _to_sjis(j1: int, j2: int) -> bytes:
    s1 = ((j1 + 1) >> 1) + (0x70 if j1 <= 0x5E else 0xB0)
    if j1 & 1:
        s2 = j2 + (0x1F if j2 <= 0x5F else 0x20)
    else:
        s2 = j2 + 0x7E
    return bytes((s1, s2))
