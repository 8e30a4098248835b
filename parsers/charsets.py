"""Bytes -> correct Unicode, for bodies and headers, whatever the label says.

Labels lie in known ways: gb2312 holds GBK/GB18030, iso-8859-1 holds
windows-1252 curly quotes, ISO-2022-JP arrives unlabelled. We fix those, then
trust a declared charset that decodes cleanly, then ask charset-normalizer,
and finally decode UTF-8 with U+FFFD: text is never lost and never raises.
"""

from __future__ import annotations

import codecs
import re
from email.header import decode_header

from charset_normalizer import from_bytes

# Labels that name a subset of what senders really use.
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030",
    "ks_c_5601-1987": "cp949", "euc-kr": "cp949",
    "iso-2022-jp": "iso2022_jp_ext", "csiso2022jp": "iso2022_jp_ext",
    "shift_jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "shift-jis": "cp932",
    "big5": "big5hkscs", "tis-620": "cp874",
    "unicode-1-1-utf-7": "utf-7", "x-unknown": "", "unknown-8bit": "", "x-user-defined": "",
}
_LATIN1 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii",
           "iso_8859-1", "cp819", "ansi_x3.4-1968"}
_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|"
                       rb"[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH = re.compile(rb"[\x80-\xff]")
_C1 = re.compile(rb"[\x80-\x9f]")
_JIS_ESCAPE = re.compile(rb"\x1b(\$[@B]|\(J|\$\(D)")


def codec_for(label: str | None) -> str | None:
    """A Python codec name for a MIME charset label, or None when unknown."""
    label = (label or "").strip().strip('"').lower()
    if not label:
        return None
    label = _SUPERSETS.get(label, label)
    if not label:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode a body or header; see the module docstring for the order."""
    if not data:
        return ""
    label = (declared or "").strip().strip('"').lower()
    if _JIS_ESCAPE.search(data) and not _has_high_bytes(data):
        return _try(data, "iso2022_jp_ext") or _try(data, "iso2022_jp_2") or \
            data.decode("iso2022_jp_ext", "replace")
    if label in _LATIN1:
        if not _has_high_bytes(data):
            return data.decode("ascii")
        if _C1.search(data):
            return data.decode("cp1252", "replace")  # C1 controls: really windows-1252
        return _try(data, "utf-8") or data.decode("latin-1")
    codec = codec_for(label)
    if codec:
        text = _try(data, codec)
        if text is not None:
            return text
    return guess(data)


def guess(data: bytes) -> str:
    """No usable label: UTF-8 if valid, else charset-normalizer, else UTF-8 with U+FFFD.

    Real UTF-8 sequences beside a few broken bytes mean damaged UTF-8, not another
    charset: those bytes become U+FFFD instead of turning the whole text to mojibake."""
    text = _try(data, "utf-8")
    if text is not None:
        return text
    sequences = len(_UTF8_SEQ.findall(data))
    if sequences and sequences >= len(_HIGH.findall(data)) // 4:
        return data.decode("utf-8", "replace")
    try:
        best = from_bytes(data[:200_000]).best()
    except Exception:  # a detector must never cost a message
        best = None
    if best is not None:
        text = _try(data, best.encoding)
        if text is not None:
            return text
    return data.decode("utf-8", "replace")


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _has_high_bytes(data: bytes) -> bool:
    return not data.isascii()


def unescape_8bit(value: str) -> str:
    """A header read with surrogateescape (raw 8-bit bytes) -> the text they meant."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    text = _try(data, "utf-8")
    if text is not None:
        return text
    if len(data) < 80:  # too short to detect: the legacy charset most 8-bit headers use
        return data.decode("cp1252", "replace")
    return guess(data)


def decode_header_value(value) -> str:
    """RFC 2047 words -> text. Adjacent words of one charset are joined as bytes first,
    so a multibyte character split across two words survives; bad words stay as written."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    value = unescape_8bit(value)
    if "=?" not in value:
        return value
    try:
        chunks = decode_header(value)
    except Exception:  # malformed words: keep what was written
        return value
    out: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None or charset == "unknown-8bit":
            out.append(decode_bytes(chunk, None))
        else:
            out.append(decode_bytes(chunk, charset))
    return _join_words(out, chunks)


def _join_words(texts: list[str], chunks) -> str:
    """decode_header drops the spaces between plain and encoded parts; put them back."""
    result = ""
    for i, text in enumerate(texts):
        if i and result and not result.endswith(" ") and not text.startswith(" "):
            prev_plain = chunks[i - 1][1] is None
            this_plain = chunks[i][1] is None
            if prev_plain != this_plain:
                result += " "
        result += text
    return result
