"""Bytes -> correct Unicode, for bodies and headers, whatever the label says.

Labels lie in known ways: gb2312 holds GBK/GB18030, iso-8859-1 holds
windows-1252 curly quotes, ISO-2022-JP arrives unlabelled. We fix those, then
trust a declared charset that decodes cleanly, then what the rest of the mail
says (parsers.detect), then charset-normalizer, and finally UTF-8 with U+FFFD:
text is never lost and never raises. ISO-2022-JP with Windows' extra
characters (①) is read by parsers.jis.
"""

from __future__ import annotations

import codecs
import re
from email.header import decode_header

from parsers.detect import NO_HINT, Hint, detect, hinted, script_of_domain
from parsers.jis import decode_cp50221

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
_SURROGATE = re.compile("[\udc80-\udcff]")


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


_DECLARED = re.compile(rb"(?i)charset\s*=\s*\"?([a-z0-9_.:-]{2,40})"
                       rb"|=\?([a-z0-9_.:-]{2,40})(?:\*[a-z-]*)?\?[bq]\?")
_FROM_DOMAIN = re.compile(rb"(?im)^from:[^\n]*@([a-z0-9.-]+)")
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_NOT_HINTS = {"us-ascii", "ascii", "utf-8", "utf8", "x-unknown", "unknown-8bit"}
_SCAN = 2 * 1024 * 1024  # bytes searched for declared charsets: they sit in headers


def raw_hint(raw: bytes) -> Hint:
    """Charsets the mail declares anywhere, and the script its sender's country writes."""
    labels: dict[str, None] = {}
    for m in _DECLARED.finditer(raw, 0, _SCAN):
        label = (m.group(1) or m.group(2)).decode("ascii").lower()
        if label not in _NOT_HINTS:
            labels[label] = None
    codecs = (codec_for(label) for label in labels)
    sender = _FROM_DOMAIN.search(raw, 0, _SCAN)
    tld_script = script_of_domain(sender.group(1).decode("ascii")) if sender else ""
    head = _HEAD_END.split(raw[:_SCAN], 1)[0]
    sample = b"\n".join(line for line in head.split(b"\n") if not line.isascii())
    return Hint(tuple(dict.fromkeys(c for c in codecs if c)), tld_script, sample)


def decode_bytes(data: bytes, declared: str | None = None, hint: Hint = NO_HINT) -> str:
    """Decode a body or header; see the module docstring for the order."""
    if not data:
        return ""
    label = (declared or "").strip().strip('"').lower()
    if _JIS_ESCAPE.search(data) and not _has_high_bytes(data):
        return _japanese(data)
    if label in _LATIN1:
        if not _has_high_bytes(data):
            return data.decode("ascii")
        if _C1.search(data):
            return data.decode("cp1252", "replace")  # C1 controls: really windows-1252
        return _try(data, "utf-8") or data.decode("latin-1")
    codec = codec_for(label)
    if codec:
        text = _try(data, codec)
        if text is None and codec == "iso2022_jp_ext":
            text = decode_cp50221(data)
        if text is not None:
            return text
    return guess(data, hint)


def _japanese(data: bytes) -> str:
    return (_try(data, "iso2022_jp_ext") or _try(data, "iso2022_jp_2") or decode_cp50221(data)
            or data.decode("iso2022_jp_ext", "replace"))


def guess(data: bytes, hint: Hint = NO_HINT) -> str:
    """No usable label: UTF-8 if valid, else the mail's own signs, else charset-normalizer,
    else UTF-8 with U+FFFD.

    Real UTF-8 sequences beside a few broken bytes mean damaged UTF-8, not another
    charset: those bytes become U+FFFD instead of turning the whole text to mojibake."""
    text = _try(data, "utf-8")
    if text is not None:
        return text
    sequences = len(_UTF8_SEQ.findall(data))
    if sequences and sequences >= len(_HIGH.findall(data)) // 4:
        return data.decode("utf-8", "replace")
    text = hinted(data, hint)
    if text is not None:
        return text
    best = detect(data, hint)
    text = _try(data, best) if best else None
    return text if text is not None else data.decode("utf-8", "replace")


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _has_high_bytes(data: bytes) -> bool:
    return not data.isascii()


def unescape_8bit(value: str, hint: Hint = NO_HINT) -> str:
    """A header read with surrogateescape (raw 8-bit bytes) -> the text they meant."""
    if value.isascii() or not _SURROGATE.search(value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    text = _try(data, "utf-8") or hinted(data, hint)
    if text is not None:
        return text
    if len(data) < 80:  # too short to detect: the legacy charset most 8-bit headers use
        return data.decode("cp1252", "replace")
    return guess(data)


def decode_header_value(value, hint: Hint = NO_HINT) -> str:
    """RFC 2047 words -> text. Adjacent words of one charset are joined as bytes first,
    so a multibyte character split across two words survives; bad words stay as written."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    value = unescape_8bit(value, hint)
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
            out.append(decode_bytes(chunk, None, hint))
        else:
            out.append(decode_bytes(chunk, charset, hint))
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
